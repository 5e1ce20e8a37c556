import { describe, expect, it } from 'vitest';
import { plainText, userIdOf } from '../../src/slack/typed-text.js';
import { esc } from '../../src/slack/views/text.js';

describe('typed text, as Slack escapes it', () => {
  it('turns mentions, broadcasts and links back into what the person typed', () => {
    expect(
      plainText('ask <@U123ABC|pat> and <!channel> about <https://x.example/a?b=1&amp;c=2|x.example> &lt;3'),
    ).toBe('ask @pat and @channel about https://x.example/a?b=1&c=2 <3');
    expect(plainText('<!subteam^S1|@oncall> <#C1|general> <!here>')).toBe('@oncall #general @here');
  });

  it('round-trips through the escape of the views so that nothing typed can ping or link', () => {
    expect(esc(plainText('<!channel>'))).toBe('@channel');
    expect(esc('<!channel> & <https://evil|Runbook>')).toBe(
      '&lt;!channel&gt; &amp; &lt;https://evil|Runbook&gt;',
    );
  });

  it('reads a user from a mention or a raw id, nothing else', () => {
    expect(userIdOf('<@U0PIC|pat>')).toBe('U0PIC');
    expect(userIdOf('<@W0PIC>')).toBe('W0PIC');
    expect(userIdOf('U0PIC')).toBe('U0PIC');
    expect(userIdOf('@pat')).toBeUndefined();
    expect(userIdOf('<!channel>')).toBeUndefined();
  });
});
