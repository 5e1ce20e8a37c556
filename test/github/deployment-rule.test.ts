/**
 * GitHub deployments wait for both sides (issue 21): the real bot as a GitHub App's custom deployment protection rule,
 * against the GitHub stand-in (signed webhooks, installation tokens, the deployment callback) and the Slack stand-in,
 * the road to GO walked in Slack.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { INPUT_ACTION, INPUTS, VIEWS } from '../../src/slack/ids.js';
import { type ManualClock, manualClock } from '../alerts/clock.js';
import { SHIPPED_PROGRAM } from '../fixtures/programs.js';
import { assignRoles, type Harness, PEOPLE, startHarness } from '../slack/harness.js';
import { stateValue, viewSubmission } from '../slack/payloads.js';
import { type GitHubStandIn, startGitHubStandIn } from './stand-in.js';

const SHA = '1f0e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c';
const OTHER = '2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a';
const REPO = 'memorykernel/service';
const ENV = 'production';
const {
  producerCommander: PIC,
  consumerCommander: CIC,
  producerRollback: PRB,
  consumerRollback: CRB,
  logOwner: LOG,
} = PEOPLE;

let h: Harness | undefined;
let gh: GitHubStandIn | undefined;
afterEach(async () => {
  await h?.stop();
  await gh?.close();
  h = undefined;
  gh = undefined;
});

/** The bot with the shipped program governing REPO's production deployments, and the GitHub App configured. */
async function start(opts: { alerts?: boolean; mode?: 'http' | 'socket'; clock?: ManualClock } = {}) {
  gh = await startGitHubStandIn();
  const program = JSON.parse(await readFile(SHIPPED_PROGRAM, 'utf8'));
  program.github = { repos: [REPO, 'assistsupport/app'], environments: [ENV] };
  const h0 = await startHarness({
    program: await writeProgram(program),
    ...(opts.alerts ? { alerts: { paceMs: 0, board: false, reminders: false } } : {}),
    ...(opts.mode ? { mode: opts.mode } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
    env: {
      GITHUB_APP_ID: gh.appId,
      GITHUB_APP_PRIVATE_KEY: gh.privateKey.replaceAll('\n', '\\n'),
      GITHUB_WEBHOOK_SECRET: gh.webhookSecret,
      GITHUB_API_URL: gh.apiUrl,
    },
  });
  h = h0;
  return { h: h0, gh };
}

let programDir: string | undefined;
async function writeProgram(program: unknown) {
  const { mkdtemp } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  programDir ??= await mkdtemp(join(tmpdir(), 'cutover-gh-program-'));
  const path = join(programDir, 'service-v3-github.json');
  await writeFile(path, JSON.stringify(program));
  return path;
}

const webhookUrl = (w: Harness) => `http://127.0.0.1:${w.bot.apiPort}/github/webhook`;
const ok = (a: { text: string }) => expect(a.text).toContain(':white_check_mark:');
const settle = async (w: Harness) => {
  await w.bot.github?.worker.idle();
  await w.bot.alerts?.idle();
};

/** The road in Slack up to (not including) the sign-offs: target approved, gates green, evidence logged. */
async function toSignoffs(w: Harness, sha = SHA) {
  await assignRoles(w);
  ok(await w.command(PRB, `target service.v3.0 ${sha}`));
  ok(await w.command(CRB, 'target approve service.v3.0'));
  ok(await w.command(PIC, 'gate producer-suite green https://ci.example.com/producer/1'));
  ok(await w.command(CIC, 'gate consumer-suite green https://ci.example.com/consumer/1'));
  ok(await w.command(LOG, 'gate alignment green'));
  ok(await w.command(PRB, 'evidence producer-handoff https://x.example/handoff'));
  ok(await w.command(CIC, 'evidence consumer-repin https://x.example/repin'));
  ok(await w.command(PRB, 'evidence producer-rollback https://x.example/prb'));
  ok(await w.command(CRB, 'evidence consumer-rollback https://x.example/crb'));
}

const radio = (value: string) => ({
  type: 'radio_buttons',
  selected_option: { text: { type: 'plain_text' as const, text: value }, value },
});

/** A commander signs GO through the sign-off modal, as in Slack. */
async function signGo(w: Harness, user: string) {
  const trigger = `trigger-${user}-${Math.random()}`;
  await w.command(user, 'signoff', { trigger_id: trigger });
  const call = await w.slack.waitFor('views.open', (c) => c.args.trigger_id === trigger);
  const view = call.args.view as { callback_id: string; private_metadata: string };
  expect(view.callback_id).toBe(VIEWS.signoff);
  const a = await w.interact(
    viewSubmission({
      user_id: user,
      callback_id: view.callback_id,
      private_metadata: view.private_metadata,
      values: {
        [INPUTS.signoff.decision]: { [INPUT_ACTION]: radio('go') },
        [INPUTS.signoff.rationale]: { [INPUT_ACTION]: stateValue.plainTextInput('ready') },
        [INPUTS.signoff.evidenceUrl]: { [INPUT_ACTION]: stateValue.plainTextInput(null) },
      },
    }),
  );
  expect(a.body).toEqual({});
}

const deployments = (w: Harness) => w.program().document().deployments;

describe('GitHub deployments wait for both sides (the bot as a deployment protection rule)', () => {
  it('a deployment waits; the first GO leaves it waiting; the GO of both sides and the decision approve it once', async () => {
    const { h: w, gh: g } = await start({ alerts: true });
    await toSignoffs(w);
    const a = await g.deliver(
      webhookUrl(w),
      g.protectionRule({ repo: REPO, environment: ENV, sha: SHA, deploymentId: 7, runId: 70 }),
    );
    expect(a).toMatchObject({ status: 202, json: { ok: true, program: 'service-v3', state: 'waiting' } });
    await settle(w);
    expect(g.reviews).toEqual([]);
    const waits = await w.slack.waitFor('chat.postMessage', (c) =>
      String(c.args.text).includes('GitHub deployment waits'),
    );
    expect(String(waits.args.text)).toContain(`\`${REPO}\` to \`${ENV}\` at \`${SHA.slice(0, 12)}\``);

    await signGo(w, PIC);
    await settle(w);
    expect(g.reviews).toEqual([]);
    await signGo(w, CIC);
    await settle(w);
    // Both sides signed GO; the decision is still NO-GO: it still waits.
    expect(g.reviews).toEqual([]);
    expect(deployments(w)).toEqual([expect.objectContaining({ state: 'waiting', sha: SHA })]);

    ok(await w.command(LOG, 'decide runtime-cutover go both sides signed'));
    const [review] = await g.waitForReviews(1);
    expect(review).toMatchObject({ repo: REPO, runId: 70, environment_name: ENV, state: 'approved' });
    expect(review?.comment).toContain('runtime-cutover is GO for service.v3.0');
    await settle(w);
    expect(g.reviews).toHaveLength(1);
    expect(g.tokens).toEqual([expect.objectContaining({ installationId: 4242 })]);
    expect(deployments(w)).toEqual([expect.objectContaining({ state: 'approved' })]);
    const told = await w.slack.waitFor('chat.postMessage', (c) =>
      String(c.args.text).includes('GitHub deployment approved'),
    );
    expect(String(told.args.text)).toContain(`\`${REPO}\` to \`${ENV}\` at \`${SHA.slice(0, 12)}\``);

    // Any later change wakes the worker again: nothing more is sent.
    ok(await w.command(LOG, 'gate alignment green https://ci.example.com/alignment/2'));
    await settle(w);
    expect(g.reviews).toHaveLength(1);
    // The same webhook redelivered is known, and answered as it stands.
    const again = await g.deliver(
      webhookUrl(w),
      g.protectionRule({ repo: REPO, environment: ENV, sha: SHA, deploymentId: 7, runId: 70 }),
    );
    expect(again.json).toMatchObject({ known: true, state: 'approved' });
  });

  it('a deployment of another SHA than the approved target is rejected with the reason', async () => {
    const { h: w, gh: g } = await start({ alerts: true });
    await toSignoffs(w);
    const a = await g.deliver(
      webhookUrl(w),
      g.protectionRule({ repo: REPO, environment: ENV, sha: OTHER, deploymentId: 8, runId: 80 }),
    );
    expect(a.json).toMatchObject({ state: 'answering' });
    const [review] = await g.waitForReviews(1);
    expect(review).toMatchObject({ state: 'rejected', environment_name: ENV });
    expect(review?.comment).toContain(`commit ${OTHER.slice(0, 12)} is not the approved target`);
    await settle(w);
    expect(deployments(w)).toEqual([expect.objectContaining({ state: 'rejected', sha: OTHER })]);
    const told = await w.slack.waitFor('chat.postMessage', (c) =>
      String(c.args.text).includes('GitHub deployment rejected'),
    );
    expect(String(told.args.text)).toContain(`\`${REPO}\` to \`${ENV}\` at \`${OTHER.slice(0, 12)}\``);
    expect(String(told.args.text)).toContain('is not the approved target');
  });

  it('a restart between the webhook and the GO still approves the deployment once', async () => {
    const { h: w, gh: g } = await start();
    await toSignoffs(w);
    await signGo(w, PIC);
    await g.deliver(
      webhookUrl(w),
      g.protectionRule({ repo: REPO, environment: ENV, sha: SHA, deploymentId: 9, runId: 90 }),
    );
    await settle(w);
    await w.restart();
    expect(deployments(w)).toEqual([expect.objectContaining({ state: 'waiting' })]);
    await signGo(w, CIC);
    ok(await w.command(LOG, 'decide runtime-cutover go both sides signed'));
    await g.waitForReviews(1);
    await settle(w);
    await w.restart();
    await settle(w);
    expect(g.reviews).toEqual([expect.objectContaining({ runId: 90, state: 'approved' })]);
  });

  it('a replica that died between calling GitHub and marking the answer: the next pass finds GitHub answered, and tells once', async () => {
    const { h: w, gh: g } = await start();
    await toSignoffs(w);
    await g.deliver(
      webhookUrl(w),
      g.protectionRule({ repo: REPO, environment: ENV, sha: OTHER, deploymentId: 13, runId: 130 }),
    );
    await g.waitForReviews(1);
    await settle(w);
    const service = w.program();
    const alertsOf = () =>
      service
        .document()
        .outbox.filter((i) => i.id.startsWith('github:'))
        .map((i) => i.id);
    expect(alertsOf()).toEqual([expect.stringMatching(/:rejected$/)]);
    // As if the answer had been claimed and sent by a replica that died before it wrote "rejected".
    await service.update((doc) => ({
      next: {
        ...doc,
        outbox: doc.outbox.filter((i) => !i.id.startsWith('github:')),
        deployments: doc.deployments.map((d) => ({
          ...d,
          state: 'answering' as const,
          claim: { by: 'dead-replica', until: new Date(Date.now() - 1000).toISOString() },
        })),
      },
      result: undefined,
    }));
    w.bot.github?.worker.wake();
    await settle(w);
    // GitHub was asked again and said it no longer waits (422): one answer took effect, and it is marked once.
    expect(g.reviews.map((r) => r.state)).toEqual(['rejected', 'rejected']);
    expect(g.accepted()).toHaveLength(1);
    expect(deployments(w)).toEqual([
      expect.objectContaining({ state: 'rejected', lastError: expect.stringContaining('422') }),
    ]);
    expect(alertsOf()).toEqual([expect.stringMatching(/:rejected$/)]);
  });

  it('in Socket Mode the webhook is served on the port the bot opens for it, without a CI token', async () => {
    const { h: w, gh: g } = await start({ mode: 'socket' });
    await toSignoffs(w);
    const a = await g.deliver(
      webhookUrl(w),
      g.protectionRule({ repo: REPO, environment: ENV, sha: OTHER, deploymentId: 14, runId: 140 }),
    );
    expect(a.status).toBe(202);
    await g.waitForReviews(1);
  });

  it('outside the approved window the deploy waits, and is approved when the window opens (on the bot clock)', async () => {
    const clock = manualClock('2026-02-09T08:00:00Z');
    const { h: w, gh: g } = await start({ clock });
    await toSignoffs(w);
    ok(await w.command(LOG, 'window 2026-02-09T10:00Z 2026-02-09T14:00Z'));
    await signGo(w, PIC);
    await signGo(w, CIC);
    ok(await w.command(LOG, 'decide runtime-cutover go both sides signed, window set'));
    await g.deliver(
      webhookUrl(w),
      g.protectionRule({ repo: REPO, environment: ENV, sha: SHA, deploymentId: 15, runId: 150 }),
    );
    await settle(w);
    expect(g.reviews).toEqual([]);
    expect(deployments(w)).toEqual([expect.objectContaining({ state: 'waiting' })]);
    clock.advanceTo('2026-02-09T09:59:59Z');
    await settle(w);
    expect(g.reviews).toEqual([]);
    clock.advanceTo('2026-02-09T10:00:00Z');
    const [review] = await g.waitForReviews(1);
    expect(review).toMatchObject({
      state: 'approved',
      comment: expect.stringContaining('inside the approved window'),
    });
  });

  it('a forged or unsigned webhook is refused (401) with nothing written', async () => {
    const { h: w, gh: g } = await start();
    await toSignoffs(w);
    const before = await w.diskBytes();
    const payload = g.protectionRule({
      repo: REPO,
      environment: ENV,
      sha: SHA,
      deploymentId: 10,
      runId: 100,
    });
    const forged = await g.deliver(webhookUrl(w), payload, { secret: 'not-the-secret-0123456789' });
    expect(forged).toMatchObject({ status: 401, json: { error: 'bad_signature' } });
    expect((await g.deliver(webhookUrl(w), payload, { signature: null })).status).toBe(401);
    expect((await g.deliver(webhookUrl(w), payload, { signature: 'sha256=00' })).status).toBe(401);
    // Signed for one body, sent with another.
    const tampered = await g.deliver(webhookUrl(w), payload, {
      signature: (await import('./stand-in.js')).signBody(g.webhookSecret, '{}'),
    });
    expect(tampered.status).toBe(401);
    await settle(w);
    expect(await w.diskBytes()).toBe(before);
    expect(g.reviews).toEqual([]);
  });

  it('a deployment no program governs is left alone; another event is ignored', async () => {
    const { h: w, gh: g } = await start();
    const before = await w.diskBytes();
    const other = await g.deliver(
      webhookUrl(w),
      g.protectionRule({ repo: 'someone/else', environment: ENV, sha: SHA, deploymentId: 11, runId: 110 }),
    );
    expect(other).toMatchObject({ status: 202, json: { ignored: expect.stringContaining('no program') } });
    const staging = await g.deliver(
      webhookUrl(w),
      g.protectionRule({ repo: REPO, environment: 'staging', sha: SHA, deploymentId: 12, runId: 120 }),
    );
    expect(staging.status).toBe(202);
    expect((await g.deliver(webhookUrl(w), { zen: 'hi' }, { event: 'ping' })).status).toBe(200);
    expect(await w.diskBytes()).toBe(before);
  });
});
