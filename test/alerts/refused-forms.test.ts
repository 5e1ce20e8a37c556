/** The forms an alert Slack refused goes out in (src/alerts/refused.ts), pure. */
import { describe, expect, it } from 'vitest';
import { messageBlocks } from '../../src/alerts/batch.js';
import type { AlertButton } from '../../src/alerts/messages.js';
import { nextForm, payloadShape, plainAlertText, shortAlertText } from '../../src/alerts/refused.js';
import type { OutboxItem } from '../../src/service/document.js';
import { ACTIONS } from '../../src/slack/ids.js';

/** An alert as rendered at delivery: its text and buttons, and the form it is degraded to. */
type Item = Pick<OutboxItem, 'degraded'> & { text: string; buttons: AlertButton[] };
const item = (over: Partial<Item> = {}): Item => ({
  text: ':white_check_mark: *Release target approved*',
  buttons: [],
  ...over,
});

describe('an alert Slack refused', () => {
  it('goes next as plain text when it had blocks, then cut, then not at all', () => {
    expect(nextForm(item(), true)).toBe('text');
    expect(nextForm(item(), false)).toBe('short');
    expect(nextForm(item({ degraded: 'text' }), false)).toBe('short');
    expect(nextForm(item({ degraded: 'short' }), false)).toBeUndefined();
  });

  it('as plain text names each button’s action as a command, and App Home', () => {
    const text = plainAlertText(
      item({
        buttons: [
          { text: 'Approve v3', actionId: ACTIONS.approveTarget, value: 'p:1f0e2d' },
          { text: 'Start phase 8', actionId: `${ACTIONS.startPhase}#2`, value: 'p:8' },
          { text: 'Set <gate>', actionId: ACTIONS.openGate, value: 'p:suite' },
        ],
      }),
    );
    expect(text.split('\n').slice(-5)).toEqual([
      '*To act* (the buttons could not be shown here):',
      '• Approve v3: `/cutover target approve 1f0e2d`',
      '• Start phase 8: `/cutover phase 8 start`',
      '• Set &lt;gate&gt;: `/cutover gate suite green|red|pending [evidence-url]`',
      "_Or use the same buttons on the bot's App Home (its Home tab), which works from either organisation._",
    ]);
    expect(plainAlertText(item())).toBe(item().text);
  });

  it('cut, stays within 3,000 characters and says where the rest is', () => {
    const text = shortAlertText(item({ text: 'x'.repeat(50_000) }));
    expect(text.length).toBeLessThanOrEqual(3000);
    expect(text).toContain('`/cutover history`');
  });

  it('is described by its shape, never its text', () => {
    const secret = 'Sign off for MemoryKernel';
    const items = [item({ buttons: [{ text: secret, actionId: ACTIONS.openSignoff, value: 'p:producer' }] })];
    const shape = payloadShape(items[0]?.text ?? '', messageBlocks(items, items[0]?.text ?? ''));
    expect(shape).toMatch(
      /^2 blocks \(section×1, actions×1\), text 44 chars, 1 element in actions\/context, largest block \d+ chars$/,
    );
    expect(shape).not.toContain('MemoryKernel');
    expect(payloadShape('abc', undefined)).toBe('no blocks, text 3 chars');
  });
});
