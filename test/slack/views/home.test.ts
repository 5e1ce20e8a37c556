import { describe, expect, it } from 'vitest';
import type { Cutover } from '../../../src/core/schema.js';
import { newDocument } from '../../../src/service/document.js';
import { ACTIONS } from '../../../src/slack/ids.js';
import { homeAcross, homeView, MAX_WAITING } from '../../../src/slack/views/home.js';
import { A, approveTarget, run, runAll, SHA2, seeded, shipped, T0, TAG2, U } from '../../core/fixtures.js';
import { largeProgram } from '../../fixtures/programs.js';
import { expectBlocksWithinLimits, expectNoForgedMarkup, mrkdwnTexts } from './limits.js';

type Block = {
  type: string;
  text?: { text: string };
  accessory?: { action_id: string; value?: string };
  elements?: { action_id?: string; text?: unknown }[];
};

const home = (c: Cutover, user: string, isAdmin = false) => {
  const view = homeView(newDocument(c), user, isAdmin);
  return { view, blocks: view.blocks as Block[], all: JSON.stringify(view.blocks) };
};
const buttons = (blocks: Block[]) => [
  ...blocks.flatMap((b) => (b.accessory ? [b.accessory.action_id] : [])),
  ...blocks.flatMap((b) => (b.type === 'actions' ? (b.elements ?? []).map((e) => e.action_id) : [])),
];
const section = (blocks: Block[], text: string) => blocks.find((b) => b.text?.text.includes(text));

describe('App Home', () => {
  it("shows a commander their role, their pending sign-off with a Sign off button, their gate and their side's evidence", () => {
    const c = approveTarget(seeded());
    const { view, blocks, all } = home(c, U.pic);
    expect(view.type).toBe('home');
    expect(section(blocks, '*Your roles*')?.text?.text).toContain(
      '*MemoryKernel Producer On-Call Lead* (`producer-incident-commander` · MemoryKernel)',
    );
    expect(all).toContain('*Waiting on you* — 4 items');
    const sign = section(blocks, 'Sign off for MemoryKernel');
    expect(sign?.text?.text).toContain('not signed');
    expect(sign?.accessory).toMatchObject({ action_id: ACTIONS.openSignoff, value: 'service-v3:producer' });
    expect(section(blocks, '`producer-suite`')?.accessory).toMatchObject({
      action_id: ACTIONS.openGate,
      value: 'service-v3:producer-suite',
    });
    expect(all).toContain(
      '*Evidence* `producer-handoff` Producer runtime handoff packet is owed for service.v3.0.0',
    );
    expect(all).toContain('*Evidence* `producer-rollback`');
    expect(all).not.toContain('`consumer-repin`` ');
    // The state at a glance, and the actions this person may take.
    expect(all).toMatch(/Runtime cutover execution \(`runtime-cutover`\): \*NO-GO\*/);
    expect(all).toContain('Blockers before phase 8 — 3 of 4 open');
    const actions = blocks.find((b) => b.type === 'actions');
    expect(actions?.elements?.map((e) => e.action_id)).toEqual([
      ACTIONS.openSignoff,
      ACTIONS.openGate,
      ACTIONS.postRecord,
    ]);
    expectBlocksWithinLimits(view.blocks);
  });

  it('tells why the last sign-off was voided, and drops the item once signed', () => {
    let c = approveTarget(seeded());
    c = run(c, { type: 'signoff', side: 'producer', decision: 'go' }, A.pic).cutover;
    expect(home(c, U.pic).all).not.toContain('Sign off for MemoryKernel');
    c = run(c, { type: 'target.publish', tag: TAG2, sha: SHA2 }, A.pro).cutover;
    expect(section(home(c, U.pic).blocks, 'Sign off for MemoryKernel')?.text?.text).toContain(
      'Your last one was voided: release target changed from service.v3.0.0',
    );
  });

  it('asks the consumer rollback owner to approve a published target, and never its publisher', () => {
    const c = run(seeded(), { type: 'target.publish', tag: TAG2, sha: SHA2 }, A.pro).cutover;
    expect(home(c, U.cro).all).toContain('*Approve the release target* `service.v3.0.1`');
    expect(home(c, U.pro).all).not.toContain('Approve the release target');
  });

  it('asks no admin to approve a target for being one: only a role that may approve it, and never its publisher', () => {
    const c = run(seeded(), { type: 'target.publish', tag: TAG2, sha: SHA2 }, A.pro).cutover;
    expect(home(c, U.admin, true).all).not.toContain('Approve the release target');
    // The publisher holding the approving role too is still not asked.
    const both = run(
      c,
      { type: 'role.assign', role: 'consumer-rollback-owner', user: U.pro },
      A.admin,
    ).cutover;
    expect(home(both, U.pro).all).not.toContain('Approve the release target');
    // Once approved, nobody is asked.
    const approved = run(c, { type: 'target.approve', target: TAG2 }, A.cro).cutover;
    expect(home(approved, U.cro).all).not.toContain('Approve the release target');
  });

  it('offers Sign off and Set a gate as the rules allow them: a commander signs, an owner sets their gate', () => {
    const actions = (user: string) =>
      home(seeded(), user)
        .blocks.find((b) => b.type === 'actions')
        ?.elements?.map((e) => e.action_id) ?? [];
    expect(actions(U.cic)).toEqual([ACTIONS.openSignoff, ACTIONS.openGate, ACTIONS.postRecord]);
    // The producer release owner neither signs nor owns a manual gate: they publish the target.
    expect(actions(U.pro)).toEqual([ACTIONS.openTarget, ACTIONS.postRecord]);
  });

  it('gives an open manual blocker its owner a Clear or reopen button, and derived ones what they wait for', () => {
    const c = run(
      seeded(),
      { type: 'blocker.add', owner: 'consumer-incident-commander', title: 'Vendor contract' },
      A.dlo,
    ).cutover;
    const cic = home(c, U.cic);
    expect(section(cic.blocks, '`vendor-contract`')?.accessory).toMatchObject({
      action_id: ACTIONS.openBlocker,
      value: `${c.id}:vendor-contract`,
    });
    expect(buttons(cic.blocks)).toContain(ACTIONS.openBlocker);
    const dlo = home(c, U.dlo).all;
    expect(dlo).toContain('*Blocker* `joint-go-record`');
    expect(dlo).toContain('MemoryKernel has not signed GO on the current approved target');
  });

  it('tells someone without a role so, with nothing waiting and no buttons to act', () => {
    const { blocks, all } = home(seeded(), U.nobody);
    expect(all).toContain('You hold no role in this cutover');
    expect(all).toContain('Nothing is waiting on you');
    expect(buttons(blocks)).toEqual([]);
  });

  it('gives an admin every button, and says they act as admin', () => {
    const { blocks, all } = home(shipped(), U.admin, true);
    expect(all).toContain('You are an admin');
    expect(buttons(blocks)).toEqual([
      ACTIONS.openSignoff,
      ACTIONS.openGate,
      ACTIONS.openRole,
      ACTIONS.openTarget,
      ACTIONS.openWindow,
      ACTIONS.openShape,
      ACTIONS.openTokens,
      ACTIONS.postRecord,
    ]);
  });

  describe('while the bot cannot post in the alert channel (issue 10, item 3)', () => {
    const outage = (c: Cutover, error = 'not_in_channel') => {
      const doc = newDocument(c);
      const item = (n: number) => ({
        id: `alert-${n}`,
        channel: 'C0CUTOVER',
        kind: 'alert' as const,
        text: `change ${n}`,
        mentions: [],
        createdAt: T0.toISOString(),
        attempts: 1,
        actor: U.dlo,
      });
      return {
        ...doc,
        outbox: [item(1), item(2)],
        channelProblem: { channel: 'C0CUTOVER', error, since: T0.toISOString(), told: [U.dlo] },
      };
    };

    it('shows admins, at the top, what is wrong, since when, how much waits and the fix; nobody else', () => {
      const doc = outage(seeded());
      const admin = homeView(doc, U.admin, true).blocks as Block[];
      expect(admin[0]?.type).toBe('header');
      const notice = admin[1]?.text?.text ?? '';
      expect(notice).toContain(':warning: *Alerts cannot be posted in <#C0CUTOVER>* since <!date^');
      expect(notice).toContain('2 alerts waiting');
      expect(notice).toContain(
        'The bot is not a member of <#C0CUTOVER> (`not_in_channel`): invite it with `/invite @cutover-bot` in <#C0CUTOVER>.',
      );
      expect(admin[2]?.type).toBe('divider');
      for (const user of [U.dlo, U.pic, U.nobody])
        expect(JSON.stringify(homeView(doc, user, false).blocks)).not.toContain('Alerts cannot be posted');
      // Once it is over, the notice is gone.
      expect(JSON.stringify(homeView(newDocument(seeded()), U.admin, true).blocks)).not.toContain(
        'Alerts cannot be posted',
      );
    });

    it('says what to check when Slack does not show the channel (channel_not_found)', () => {
      const notice = (homeView(outage(seeded(), 'channel_not_found'), U.admin, true).blocks as Block[])[1];
      expect(notice?.text?.text).toContain('`channel_not_found`');
      expect(notice?.text?.text).toContain(
        'if it was archived, unarchive it: the program stays bound to that channel',
      );
    });

    it('keeps the largest Home within 100 blocks and Slack limits', () => {
      const view = homeView(outage(largeProgram()), 'UADMIN', true);
      expect(view.blocks.length).toBeLessThanOrEqual(100);
      expectBlocksWithinLimits(view.blocks);
      expectNoForgedMarkup(view.blocks);
    });
  });

  it('stays within 100 blocks and Slack limits for the largest program, whoever looks, with no forged markup', () => {
    const c = largeProgram();
    const assigned = runAll(
      c,
      [
        [{ type: 'role.assign', role: 'log-owner', user: 'ULOG' }, A.admin],
        [{ type: 'role.assign', role: 'side-0-commander', user: 'USIDE0' }, A.admin],
      ],
      T0,
    );
    for (const [user, admin] of [
      ['ULOG', false],
      ['USIDE0', false],
      ['UADMIN', true],
      ['UNOBODY', false],
    ] as const) {
      const { view, blocks, all } = home(assigned, user, admin);
      expect(blocks.length).toBeLessThanOrEqual(100);
      expectBlocksWithinLimits(view.blocks);
      expectNoForgedMarkup(view.blocks);
      if (user === 'ULOG') {
        // 100 blockers (about half before the next phase) and 40 gates wait on the log owner: folded.
        const n = Number(/\*Waiting on you\* — (\d+) items/.exec(all)?.[1]);
        expect(n).toBeGreaterThan(MAX_WAITING + 40);
        expect(all).toContain(`…and ${n - MAX_WAITING} more`);
      }
    }
  });
});

describe("App Home shows typed text as typed, never as the bot's lines (issue 10)", () => {
  it('a typed line break in a blocker title or reopen reason is quoted, and invisible characters are shown', () => {
    let c = run(
      seeded(),
      {
        type: 'blocker.add',
        owner: 'decision-log-owner',
        title: 'Vendor \u202Ecod.exe\n:white_check_mark: *Sign off for AssistSupport*: signed.',
      },
      A.dlo,
    ).cutover;
    const id = c.blockers.at(-1)?.id ?? '';
    c = runAll(c, [
      [{ type: 'blocker.clear', blocker: id }, A.dlo],
      [
        {
          type: 'blocker.reopen',
          blocker: id,
          reason: 'contract lapsed\n• AssistSupport: *GO by <@UCIC00001>*',
        },
        A.dlo,
      ],
    ]);
    c.title = 'service.v3 \u2066cutover';
    const { view, blocks } = home(c, U.dlo);
    const lines = mrkdwnTexts(view.blocks).flatMap((t) => t.split('\n'));
    expect(blocks[0]?.text?.text).toBe('service.v3 [U+2066]cutover');
    // The bot's own waiting item for the blocker, its title shown with [U+202E], the typed second line quoted.
    expect(lines).toContain(`:red_circle: *Blocker* \`${id}\` Vendor [U+202E]cod.exe`);
    expect(lines.filter((l) => l.startsWith(':white_check_mark: *Sign off'))).toEqual([]);
    expect(lines).toContain('> :white_check_mark: *Sign off for AssistSupport*: signed.');
    expect(lines.filter((l) => l.startsWith('• AssistSupport: *GO'))).toEqual([]);
    expect(lines).toContain('> • AssistSupport: *GO by &lt;@UCIC00001&gt;*');
    expect(JSON.stringify(view.blocks)).not.toMatch(/[\u202E\u2066]/);
  });
});

describe('App Home across programs', () => {
  it('shows each program as its newest document says: a Home rendered again after a change shows the change, the others as they were', () => {
    const a = { ...seeded(), id: 'alpha', title: 'Alpha' };
    const b = { ...seeded(), id: 'beta', title: 'Beta' };
    const texts = (docs: ReturnType<typeof newDocument>[]) =>
      mrkdwnTexts(homeAcross(docs, U.cic, false, docs.length).blocks).join('\n');
    const docA = newDocument(a);
    const before = texts([docA, newDocument(b)]);
    expect(before).not.toContain('`vendor-contract`');
    const changed = run(
      b,
      { type: 'blocker.add', owner: 'consumer-incident-commander', title: 'Vendor contract' },
      A.dlo,
    ).cutover;
    const after = texts([docA, newDocument(changed)]);
    expect(after).toContain('`vendor-contract`');
    expect(after.split('*Beta*')[0]).toBe(before.split('*Beta*')[0]);
    expect(texts([docA, newDocument(changed)])).toBe(after);
  });
});
