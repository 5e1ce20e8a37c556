/** "Alerts Slack refused" on App Home (src/slack/views/refused.ts): for admins, within Slack's limits. */
import { describe, expect, it } from 'vitest';
import { newDocument, type StoreDocument } from '../../../src/service/document.js';
import { homeAcross, homeView } from '../../../src/slack/views/home.js';
import { largeProgram } from '../../fixtures/programs.js';
import { viewProblems } from '../block-kit-rules.js';

const outcomes = ['resending', 'text', 'short', 'undelivered'] as const;

/** The largest program, its channel out of reach, and 20 refused alerts (the most the document keeps). */
function troubled(): StoreDocument {
  const doc = newDocument(largeProgram());
  return {
    ...doc,
    channelProblem: {
      channel: 'C0CUTOVER',
      error: 'not_in_channel',
      since: '2026-02-10T08:00:00.000Z',
      told: [],
    },
    refused: Array.from({ length: 20 }, (_, i) => ({
      id: `alert:large:${i}`,
      channel: 'C0CUTOVER',
      error: i % 2 ? 'invalid_blocks' : 'msg_too_long, then msg_too_long',
      at: '2026-02-10T08:00:00.000Z',
      shape: `${i + 2} blocks (section×${i + 1}, actions×1), text 3900 chars, 5 elements in actions/context, largest block 2980 chars`,
      outcome: outcomes[i % 4] ?? 'text',
    })),
  };
}

describe('Alerts Slack refused, on App Home', () => {
  it('shows admins the newest five, with Slack’s answer and how each went out, within Slack’s rules', () => {
    const view = homeView(troubled(), 'UADMIN', true);
    expect(viewProblems(view)).toEqual([]);
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('*Alerts Slack refused* — 20');
    expect(text).toContain('`alert:large:19`');
    expect(text).not.toContain('`alert:large:14`');
    expect(text).toContain('…and 15 earlier.');
    expect(text).toContain('*not delivered*');
    expect(text).toContain('delivered as plain text');
  });

  it('is not shown to someone who is no admin', () => {
    expect(JSON.stringify(homeView(troubled(), 'ULOG', false).blocks)).not.toContain('Alerts Slack refused');
  });

  it('shows in a Home of many programs within Slack’s rules', () => {
    const view = homeAcross([troubled(), troubled(), troubled()], 'UADMIN', true, 3);
    expect(viewProblems(view)).toEqual([]);
    expect(JSON.stringify(view.blocks)).toContain('*Alerts Slack refused* — 20');
  });
});
