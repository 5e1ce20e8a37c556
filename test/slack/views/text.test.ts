/** The one mrkdwn module (issue 11): folding, dates, icons and GO/NO-GO words, said once for views and alerts. */
import { describe, expect, it } from 'vitest';
import { commitLabel, goWord, utcStamp } from '../../../src/format/words.js';
import { fold, slackDate } from '../../../src/slack/views/text.js';

describe('fold', () => {
  it('keeps a section within its limit, counting the lines that do not fit', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i} ${'x'.repeat(90)}`);
    const text = fold(lines);
    expect(text.length).toBeLessThanOrEqual(3000);
    expect(text).toMatch(/\n_…and \d+ more_$/);
    expect(fold([])).toBe(' ');
  });

  it('cuts a line to 600 characters in a section, but an alert passes a longer line whole', () => {
    const long = `<@U1> ${'y'.repeat(1000)}`;
    expect(fold([long])).toHaveLength(600);
    expect(fold([long], 4000, 2500)).toBe(long);
    // Too long for the room left: counted, never cut.
    expect(fold(['a', long], 500, 2500)).toBe('a\n_…and 1 more_');
  });
});

describe('dates and words', () => {
  it("stamps an instant in UTC, the date token's fallback text", () => {
    expect(utcStamp('2026-02-09T09:00:00.000Z')).toBe('2026-02-09 09:00 UTC');
    expect(slackDate('2026-02-09T09:00:00.000Z')).toBe(
      `<!date^${Date.parse('2026-02-09T09:00:00Z') / 1000}^{date_short_pretty} {time}|2026-02-09 09:00 UTC>`,
    );
  });

  it('says GO and NO-GO, and the commit a result was measured on', () => {
    expect([goWord('go'), goWord('no-go')]).toEqual(['GO', 'NO-GO']);
    const sha = 'a'.repeat(40);
    expect(commitLabel({ sha, tag: 'v3.0.0' })).toBe('v3.0.0 @ aaaaaaaaaaaa');
    expect(commitLabel({ sha })).toBe('aaaaaaaaaaaa');
    expect(commitLabel({ sha: null })).toBeUndefined();
  });
});
