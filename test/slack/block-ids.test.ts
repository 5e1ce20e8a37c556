/** Block Kit ids as Slack requires them (src/slack/block-ids.ts), and what listeners match. */
import type { types } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import {
  actionPattern,
  baseActionId,
  nthActionId,
  uniqueActionIds,
  withUniqueIds,
} from '../../src/slack/block-ids.js';
import { ACTIONS } from '../../src/slack/ids.js';
import { messagePayloadProblems } from './block-kit-rules.js';

const button = (text: string, action_id: string, value: string): types.Button => ({
  type: 'button',
  text: { type: 'plain_text', text },
  action_id,
  value,
});

describe('ids unique where Slack requires it', () => {
  it('the second button of one action in a block takes an ordinal; the first keeps the id', () => {
    const out = uniqueActionIds([
      button('Sign off for A', ACTIONS.openSignoff, 'p:a'),
      button('Sign off for B', ACTIONS.openSignoff, 'p:b'),
      button('Approve', ACTIONS.approveTarget, 'p:sha'),
      button('Sign off for C', ACTIONS.openSignoff, 'p:c'),
    ]);
    expect(out.map((b) => [b.action_id, b.value])).toEqual([
      [ACTIONS.openSignoff, 'p:a'],
      [`${ACTIONS.openSignoff}#2`, 'p:b'],
      [ACTIONS.approveTarget, 'p:sha'],
      [`${ACTIONS.openSignoff}#3`, 'p:c'],
    ]);
  });

  it('a message of repeated block ids and actions passes Slack’s rules once made unique', () => {
    const blocks: types.KnownBlock[] = [
      { type: 'section', block_id: 'x', text: { type: 'mrkdwn', text: 'a' } },
      { type: 'section', block_id: 'x', text: { type: 'mrkdwn', text: 'b' } },
      { type: 'actions', elements: [button('A', 'a.open', '1'), button('B', 'a.open', '2')] },
      { type: 'actions', elements: [button('C', 'a.open', '3')] },
    ];
    expect(messagePayloadProblems({ blocks }).length).toBe(2);
    const unique = withUniqueIds(blocks);
    expect(messagePayloadProblems({ blocks: unique })).toEqual([]);
    expect(unique.map((b) => b.block_id)).toEqual(['x', 'x#2', undefined, undefined]);
    // Unique within its block only: another block may use the id again.
    expect((unique[3] as types.ActionsBlock).elements[0]?.action_id).toBe('a.open');
  });

  it('a listener’s pattern matches the id with or without its ordinal, and nothing else', () => {
    const p = actionPattern(ACTIONS.openSignoff);
    expect(p.test(ACTIONS.openSignoff)).toBe(true);
    expect(p.test(nthActionId(ACTIONS.openSignoff, 7))).toBe(true);
    expect(p.test('cutover.signoff.opener')).toBe(false);
    expect(p.test('cutoverXsignoff.open')).toBe(false);
    expect(baseActionId(nthActionId(ACTIONS.openSignoff, 2))).toBe(ACTIONS.openSignoff);
    expect(baseActionId(ACTIONS.openSignoff)).toBe(ACTIONS.openSignoff);
  });
});
