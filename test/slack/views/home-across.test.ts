/**
 * App Home across programs (views/home.ts `homeAcross`): every program where the person holds a role, each with
 * what waits on them and its state at a glance, buttons acting on that program; one program alone in full; within
 * 100 blocks however many programs.
 */
import { describe, expect, it } from 'vitest';
import type { Cutover } from '../../../src/core/schema.js';
import { newDocument } from '../../../src/service/document.js';
import { ACTIONS, readActionValue } from '../../../src/slack/ids.js';
import { homeAcross, homeView } from '../../../src/slack/views/home.js';
import { approveTarget, seeded, U } from '../../core/fixtures.js';
import { largeProgram } from '../../fixtures/programs.js';
import { expectBlocksWithinLimits } from './limits.js';

type Block = { type: string; text?: { text: string }; accessory?: { action_id: string; value?: string } };

/** The shipped program as program `n`, in its own channel, the commander role of its producer side held by `user`. */
function programN(n: number, user: string, base: Cutover = approveTarget(seeded())): Cutover {
  const id = `service-v${n}`;
  return {
    ...base,
    id,
    title: `service.v${n} runtime cutover`,
    channel: `C0P${String(n).padStart(3, '0')}`,
    updated: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(),
    roles: base.roles.map((r) => (r.id === 'producer-incident-commander' ? { ...r, assignee: user } : r)),
  };
}

describe('App Home across programs', () => {
  it('shows one program in full, as the Home of a single program does', () => {
    const doc = newDocument(programN(1, U.pic));
    expect(homeAcross([doc], U.pic, false, 1)).toEqual(homeView(doc, U.pic, false));
  });

  it('shows each program with its channel, its state at a glance and what waits on the person, buttons acting on it', () => {
    const docs = [3, 2].map((n) => newDocument(programN(n, U.pic)));
    const view = homeAcross(docs, U.pic, false, 5);
    const blocks = view.blocks as Block[];
    const all = JSON.stringify(blocks);
    expect(all).toContain('*service.v3 runtime cutover* `service-v3` in <#C0P003>');
    expect(all).toContain('*service.v2 runtime cutover* `service-v2` in <#C0P002>');
    expect(all).toContain('runtime-cutover *NO-GO*');
    expect(all).toContain('waiting on you');
    const signs = blocks.filter((b) => b.accessory?.action_id === ACTIONS.openSignoff);
    expect(signs.map((b) => readActionValue(b.accessory?.value).program)).toEqual([
      'service-v3',
      'service-v2',
    ]);
    expect(signs.map((b) => readActionValue(b.accessory?.value).item)).toEqual(['producer', 'producer']);
  });

  it('says so, and how roles are given, to someone who holds none', () => {
    const view = homeAcross([], U.nobody, false, 7);
    expect(JSON.stringify(view.blocks)).toContain('You hold no role in any of the 7 programs');
    expect(JSON.stringify(homeAcross([], U.nobody, false, 0).blocks)).toContain(
      'The bot holds no program yet',
    );
  });

  it('stays within 100 blocks and Slack limits for a person with roles in 20 of the largest programs, and counts the rest', () => {
    const large = largeProgram();
    const role = large.roles[0]?.id ?? '';
    const docs = Array.from({ length: 40 }, (_, i) =>
      newDocument({
        ...programN(i + 1, U.pic, large),
        roles: large.roles.map((r) => (r.id === role ? { ...r, assignee: U.pic } : r)),
      }),
    );
    const view = homeAcross(docs, U.pic, true, 200);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expectBlocksWithinLimits(view.blocks);
    const all = JSON.stringify(view.blocks);
    const shown = (view.blocks as Block[]).filter((b) => b.text?.text.includes('` in <#C0P')).length;
    expect(shown).toBeGreaterThanOrEqual(20);
    expect(shown).toBeLessThan(40);
    expect(all).toContain(`40 programs with a role of yours; ${40 - shown} more not shown`);
    // Each shown program offers its own buttons for what waits on the person.
    expect(all).toContain('"value":"service-v1:');
  });
});
