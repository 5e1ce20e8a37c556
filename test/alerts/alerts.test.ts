/**
 * Issue 4, "Done when": through the real bot (startBot, Bolt over HTTP) and the Slack stand-in, every change is
 * told in the joint channel with the right people mentioned — those who now have something to do, never the actor
 * (test/alerts/calm-road.test.ts walks the whole road) — and what people typed arrives escaped. The clock is
 * a manual one: the pace between messages passes without waiting.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reportRecordsOverApi } from '../fixtures/record-reports.js';
import { ADMIN, assignRoles, CHANNEL, PEOPLE } from '../slack/harness.js';
import {
  type AlertHarness,
  alertMessages,
  channelText,
  lastAlert,
  lineOf,
  pinged,
  signOff,
  startAlertHarness,
} from './helpers.js';
import { LAUNCH_PEOPLE as L, writeLaunchProgram } from './programs.js';

const API_TOKEN = 'alerts-ci-token-0123456789';

const SHA1 = '1f0e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c';
const SHA2 = '2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a';
const {
  producerCommander: PIC,
  consumerCommander: CIC,
  producerRollback: PRB,
  consumerRollback: CRB,
  logOwner: LOG,
} = PEOPLE;

let a: AlertHarness | undefined;
let dir = '';
afterEach(async () => {
  await a?.h.stop();
  a = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = '';
});

/** Runs a command that must succeed, delivers its alert, and answers the alert's text as posted. */
async function change(w: AlertHarness, user: string, text: string): Promise<string> {
  const answer = await w.h.command(user, text);
  expect(answer.text).toContain(':white_check_mark:');
  const before = alertMessages(w.h).length;
  await w.drain();
  expect(alertMessages(w.h).length).toBe(before + 1);
  return lastAlert(w.h);
}

describe('each change is told in the channel, mentioning who must act next (shipped program)', () => {
  it('asks who now must act, from role assignments only, never the actor', async () => {
    const w = await startAlertHarness();
    a = w;
    await assignRoles(w.h);
    await w.drain();
    expect(channelText(w.h)).toContain(`is now <@${LOG}> (was _unassigned_)`);

    // Blocker opened, reopened → its owner, to clear it; cleared by its owner → nobody.
    let t = await change(w, LOG, 'blocker add consumer-incident-commander Vendor contract signed');
    expect(t).toContain(':construction: *Blocker opened:* `vendor-contract-signed` Vendor contract signed');
    expect(t).toContain(`_by <@${LOG}> · <!date^`);
    expect(t).toContain('phase 8 blockers: *5 of 5 open*');
    expect(t).toMatch(/runtime-cutover may be GO: no, \d+ unmet/);
    expect(pinged(t)).toEqual([CIC]);
    t = await change(w, CIC, 'blocker clear vendor-contract-signed https://x.example/contract');
    expect(t).toContain('*Blocker cleared:* `vendor-contract-signed`');
    expect(t).toContain('phase 8 blockers: *4 of 5 open*');
    expect(pinged(t)).toEqual([]);
    t = await change(w, LOG, 'blocker reopen vendor-contract-signed vendor withdrew');
    expect(t).toContain(
      '*Blocker reopened:* `vendor-contract-signed` Vendor contract signed — vendor withdrew',
    );
    expect(pinged(t)).toEqual([CIC]);

    // Target published → who may approve it (consumer-rollback-owner), and the owners of the gates measured on each
    // commit; approved → both commanders, to sign.
    t = await change(w, PRB, `target service.v3.0 ${SHA1}`);
    expect(pinged(t)).toEqual([CIC, CRB, LOG, PIC].sort());
    expect(lineOf(t, CRB)).toContain('approve release target `service.v3.0 @ 1f0e2d3c4b5a`');
    t = await change(w, CRB, 'target approve service.v3.0');
    expect(lineOf(t, PIC)).toContain('sign off GO/NO-GO for MemoryKernel on `service.v3.0 @ 1f0e2d3c4b5a`');
    expect(lineOf(t, CIC)).toContain('sign off GO/NO-GO for AssistSupport on `service.v3.0 @ 1f0e2d3c4b5a`');
    expect(t).toContain('→ :white_check_mark: *Blocker cleared:* `release-target`');

    // Gate set by its owner → nobody (they acted); turning red → its owner, unless they set it themselves.
    t = await change(w, PIC, 'gate producer-suite green https://ci.example.com/p/1');
    expect(t).toContain(
      '*Gate* `producer-suite` Producer verification suite green: pending → *green* for `service.v3.0 @ 1f0e2d3c4b5a`',
    );
    expect(pinged(t)).toEqual([]);
    t = await change(w, LOG, 'gate alignment red');
    expect(pinged(t)).toEqual([]);
    await change(w, LOG, 'gate alignment green');

    // One side signs GO → told; the other side's commander was asked at the approval and is not pinged again.
    await signOff(w.h, PIC, 'go', 'producer ready');
    await w.drain();
    t = lastAlert(w.h);
    expect(t).toContain('*MemoryKernel signed GO* on `service.v3.0 @ 1f0e2d3c4b5a` — producer ready');
    expect(pinged(t)).toEqual([]);

    // A sign-off voided (new target) → told, with why; who may approve the new target is asked.
    t = await change(w, PRB, `target service.v3.1 ${SHA2}`);
    const why = 'release target changed from service.v3.0 @ 1f0e2d3c4b5a to service.v3.1 @ 2a2a2a2a2a2a';
    expect(t).toContain(`*MemoryKernel's sign-off was voided:* ${why}`);
    expect(pinged(t)).toContain(CRB);
    expect(lineOf(t, CRB)).toContain('approve release target `service.v3.1 @ 2a2a2a2a2a2a`');

    // A decision and the window are notices: nobody is pinged.
    t = await change(w, LOG, 'decide rehearsal no-go pausing for the new target');
    expect(t).toContain(
      '*Decision* Rehearsal continuation (`rehearsal`): GO → *NO-GO* — pausing for the new target',
    );
    expect(pinged(t)).toEqual([]);
    t = await change(w, LOG, 'window 2026-03-01T09:00Z 2026-03-01T11:00Z');
    expect(t).toContain(
      '*Cutover window set:* <!date^1772355600^{date_short_pretty} {time}|2026-03-01 09:00 UTC>',
    );
    expect(pinged(t)).toEqual([]);

    // Nobody holds a role that must act: it is named unassigned with what it owes, and assigning it is asked of
    // whoever the permissions table lets assign roles (here only an admin). Nobody is pinged for it.
    t = await change(w, ADMIN, 'role consumer-rollback-owner none');
    expect(pinged(t)).toEqual([]);
    expect(t).toContain(
      '• AssistSupport Runtime Integrations Owner (`consumer-rollback-owner`) _unassigned_: approve release target `service.v3.1 @ 2a2a2a2a2a2a`',
    );
    expect(t).toContain(
      '• an admin: assign AssistSupport Runtime Integrations Owner (`consumer-rollback-owner`): nobody holds it',
    );
    t = await change(w, PRB, `target service.v3.2 ${SHA1.replace('1f', '3f')}`);
    expect(pinged(t)).not.toContain(CRB);
    expect(t).toContain('(`consumer-rollback-owner`) _unassigned_: approve release target `service.v3.2');

    // Every alert went to the joint channel, one message per change here (each delivered before the next).
    expect(w.h.slack.calls('chat.postMessage').every((c) => c.args.channel === CHANNEL)).toBe(true);
  });

  it('the second GO leaves the joint record blocker open (it waits for the GO); with gates pending nobody is asked', async () => {
    const w = await startAlertHarness();
    a = w;
    await assignRoles(w.h);
    await change(w, PRB, `target service.v3.0 ${SHA1}`);
    await change(w, CRB, 'target approve service.v3.0');
    await change(w, PRB, 'evidence producer-handoff https://x.example/handoff');
    await change(w, CIC, 'evidence consumer-repin https://x.example/repin');
    await change(w, PRB, 'evidence producer-rollback https://x.example/prb');
    const t0 = await change(w, CRB, 'evidence consumer-rollback https://x.example/crb');
    expect(t0).toContain('phase 8 blockers: *1 of 4 open*');
    await signOff(w.h, PIC, 'go');
    await signOff(w.h, CIC, 'go');
    await w.drain();
    const t = lastAlert(w.h);
    expect(t).toContain('*AssistSupport signed GO*');
    expect(t).not.toContain('*Blocker cleared:* `joint-go-record`');
    expect(t).toContain('phase 8 blockers: *1 of 4 open*');
    // runtime-cutover still waits for its gates (pending: work in progress, on the board): nobody must act now.
    expect(t).toMatch(/runtime-cutover may be GO: no, \d+ unmet/);
    expect(pinged(t)).toEqual([]);
  });

  it('the last phase-8 blocker clearing itself (the second repo reporting the record of the GO) is told, and the log owner is asked to start the phase', async () => {
    const w = await startAlertHarness({ env: { CUTOVER_API_TOKEN: API_TOKEN } });
    a = w;
    await assignRoles(w.h);
    await change(w, PRB, `target service.v3.0 ${SHA1}`);
    await change(w, CRB, 'target approve service.v3.0');
    await change(w, PIC, 'gate producer-suite green https://ci.example.com/producer/1');
    await change(w, CIC, 'gate consumer-suite green https://ci.example.com/consumer/1');
    await change(w, LOG, 'gate alignment green');
    await change(w, PRB, 'evidence producer-handoff https://x.example/handoff');
    await change(w, CIC, 'evidence consumer-repin https://x.example/repin');
    await change(w, PRB, 'evidence producer-rollback https://x.example/prb');
    await change(w, CRB, 'evidence consumer-rollback https://x.example/crb');
    await signOff(w.h, PIC, 'go');
    await signOff(w.h, CIC, 'go');
    const decided = await change(w, LOG, 'decide runtime-cutover go both sides signed');
    expect(decided).toContain('phase 8 blockers: *1 of 4 open*');
    await reportRecordsOverApi({ port: w.h.bot.apiPort, token: API_TOKEN, sides: ['producer'] });
    await w.drain();
    expect(lastAlert(w.h)).toContain('phase 8 blockers: *1 of 4 open*');
    await reportRecordsOverApi({ port: w.h.bot.apiPort, token: API_TOKEN, sides: ['consumer'] });
    await w.drain();
    const t = lastAlert(w.h);
    expect(t).toMatch(/^:white_check_mark: \*Blocker cleared:\* `joint-go-record`/);
    expect(t).toContain('_by CI: GitHub Actions');
    expect(t).toContain('phase 8 blockers: *0 of 4 open*');
    expect(t).toContain('every phase 8 blocker is clear');
    expect(pinged(t)).toEqual([LOG]);
  });
});

describe('another program (three sides, other roles), through the same bot', () => {
  it('asks its own approver, its three commanders and its coordinator, each when they must act', async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutover-launch-'));
    const w = await startAlertHarness({ program: await writeLaunchProgram(dir) });
    a = w;
    await change(w, ADMIN, `role launch-coordinator <@${L.coordinator}|coord>`);
    for (const [role, user] of [
      ['platform-lead', L.platform],
      ['mobile-lead', L.mobile],
      ['web-lead', L.web],
      ['release-captain', L.captain],
    ] as const)
      await change(w, L.coordinator, `role ${role} <@${user}|x>`);

    let t = await change(w, L.captain, `target app-5.0.0 ${SHA1}`);
    expect(pinged(t)).toEqual([L.coordinator]);
    t = await change(w, L.coordinator, 'target approve app-5.0.0');
    expect(pinged(t)).toEqual([L.mobile, L.platform, L.web].sort());
    // Its owner set it red: nobody else has anything to do.
    t = await change(w, L.captain, 'gate smoke red');
    expect(pinged(t)).toEqual([]);
    t = await change(w, L.web, 'blocker clear legal-review');
    expect(t).toContain('go-live blockers: *1 of 2 open*');
    expect(pinged(t)).toEqual([]);
    // The last blocker of go-live: told in the body; phase go-live may start → the coordinator, to start it.
    t = await change(w, L.mobile, 'blocker clear build-frozen');
    expect(t).toContain('every phase go-live blocker is clear');
    expect(pinged(t)).toEqual([L.coordinator]);
    expect(lineOf(t, L.coordinator)).toContain('start phase go-live');
    t = await change(w, L.coordinator, 'phase go-live start');
    expect(pinged(t)).toEqual([]);
    expect(channelText(w.h)).not.toMatch(/producer|consumer|decision-log-owner|runtime-cutover|phase 8/);
  });
});

describe('escaping (Socket Mode too)', () => {
  it.each(['http', 'socket'] as const)(
    'a <!channel> typed into a title reaches Slack escaped, and cannot ping or forge a link (%s)',
    async (mode) => {
      const w = await startAlertHarness({ mode, board: true });
      a = w;
      await assignRoles(w.h);
      // What Slack sends for a literally typed "<!channel> & <https://evil.example|Runbook>" (should_escape),
      // and for a typed @here mention.
      const typed = 'Vendor &lt;!channel&gt; &amp; &lt;https://evil.example|Runbook&gt; <!here>';
      const t = await change(w, LOG, `blocker add decision-log-owner ${typed}`);
      expect(t).toContain('Vendor &lt;!channel&gt; &amp; &lt;https://evil.example|Runbook&gt; @here');
      const posted = w.h.slack.calls('chat.postMessage').map((c) => String(c.args.text));
      for (const text of posted) expect(text).not.toMatch(/<!(channel|here|everyone)>|<https:\/\/evil/);
      // The status board shows the same title, escaped as well.
      const board = w.h.slack
        .messages(CHANNEL)
        .find((m) => JSON.stringify(m.metadata).includes('cutover_board'));
      expect(JSON.stringify(board?.blocks)).toContain(
        'Vendor &lt;!channel&gt; &amp; &lt;https://evil.example|Runbook&gt;',
      );
      expect(JSON.stringify(board?.blocks)).not.toMatch(/<!(channel|here)>/);
    },
  );
});
