/**
 * Two replicas of the real bot on one PostgreSQL database, against one Slack stand-in: the road from NO-GO to GO
 * walked with every other request sent to the other replica (a form opened on one and submitted on the other),
 * conflicting changes at once serialized as one process does, a program started on one known to the other, and
 * every alert posted exactly once whichever replica is alive.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Bot, startBot } from '../../src/bot.js';
import { loadConfig } from '../../src/runtime/config.js';
import { INPUT_ACTION, INPUTS, VIEWS } from '../../src/slack/ids.js';
import { type ManualClock, manualClock } from '../alerts/clock.js';
import { idsOf } from '../alerts/helpers.js';
import { SHIPPED_PROGRAM } from '../fixtures/programs.js';
import { reportRecordsOverApi } from '../fixtures/record-reports.js';
import { ADMIN, CHANNEL, PEOPLE, ROLE_OF, SIGNING_SECRET } from '../slack/harness.js';
import {
  interactiveForm,
  slashCommand,
  slashCommandForm,
  stateValue,
  viewSubmission,
} from '../slack/payloads.js';
import { postToBolt } from '../slack/signing.js';
import { type SlackStandIn, startSlackStandIn } from '../slack/stand-in.js';
import { testDatabases } from '../store/postgres/databases.js';

const API_TOKEN = 'two-replicas-ci-token-0123';

const SHA = '1f0e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c';
const {
  producerCommander: PIC,
  consumerCommander: CIC,
  producerRollback: PRB,
  consumerRollback: CRB,
  logOwner: LOG,
} = PEOPLE;

const dbs = testDatabases();
let bots: Bot[] = [];
let slack: SlackStandIn | undefined;
afterEach(async () => {
  for (const b of bots) await b.stop();
  bots = [];
  await slack?.close();
  slack = undefined;
  await dbs.cleanup();
});

interface Replicas {
  a: Bot;
  b: Bot;
  slack: SlackStandIn;
  clock: ManualClock;
  /** `/cutover <text>` as `user`, to replica `to`. */
  command(to: Bot, user: string, text: string, extra?: Record<string, string>): Promise<string>;
  interact(to: Bot, payload: object): Promise<Record<string, unknown>>;
  /** Advances the shared clock a second at a time until no program's outbox holds anything. */
  drain(): Promise<void>;
}

async function startReplicas(mode: 'http' | 'socket' = 'http'): Promise<Replicas> {
  const s = await startSlackStandIn();
  slack = s;
  const url = await dbs.make();
  const clock = manualClock('2026-02-10T08:00:00Z');
  const config = () => {
    const loaded = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      ...(mode === 'socket'
        ? { SLACK_APP_TOKEN: 'xapp-test-token' }
        : { SLACK_SIGNING_SECRET: SIGNING_SECRET }),
      SLACK_API_URL: s.apiUrl,
      PORT: '0',
      CUTOVER_CHANNEL_ID: CHANNEL,
      CUTOVER_ADMINS: ADMIN,
      CUTOVER_PROGRAM: SHIPPED_PROGRAM,
      DATABASE_URL: url,
      CUTOVER_API_TOKEN: API_TOKEN,
      LOG_LEVEL: 'error',
    });
    if (!loaded.ok) throw new Error(loaded.message);
    return loaded.config;
  };
  const alerts = { board: true, reminders: false, backoff: { baseMs: 2000, maxMs: 60_000 } };
  // Started together, as two replicas of one deployment: one of them starts the first program.
  const [a, b] = await Promise.all([
    startBot(config(), { host: '127.0.0.1', clock, alerts: { ...alerts, replica: 'replica-a' } }),
    startBot(config(), { host: '127.0.0.1', clock, alerts: { ...alerts, replica: 'replica-b' } }),
  ]);
  bots = [a, b];
  // Socket Mode: each replica holds its own connection; an envelope goes to one of them.
  if (mode === 'socket') await expect.poll(() => s.socket.connectionCount(), { timeout: 10_000 }).toBe(2);
  const url_ = (bot: Bot) => `http://127.0.0.1:${bot.port}/slack/events`;
  const connectionOf = (bot: Bot) => bots.indexOf(bot);
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      await Promise.all(bots.map((x) => x.alerts?.idle()));
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return {
    a,
    b,
    slack: s,
    clock,
    async command(to, user, text, extra = {}) {
      const payload = slashCommand({
        text,
        user_id: user,
        channel_id: CHANNEL,
        response_url: s.responseUrl(),
        ...extra,
      });
      if (mode === 'socket') {
        const ack = await s.socket.send('slash_commands', payload, { connection: connectionOf(to) });
        return JSON.stringify(ack.payload ?? {});
      }
      const res = await postToBolt(url_(to), SIGNING_SECRET, slashCommandForm(payload), { kind: 'form' });
      expect(res.status).toBe(200);
      return res.text;
    },
    async interact(to, payload) {
      if (mode === 'socket') {
        const ack = await s.socket.send('interactive', payload, { connection: connectionOf(to) });
        return (ack.payload ?? {}) as Record<string, unknown>;
      }
      const res = await postToBolt(url_(to), SIGNING_SECRET, interactiveForm(payload), { kind: 'form' });
      expect(res.status).toBe(200);
      return res.text ? (JSON.parse(res.text) as Record<string, unknown>) : {};
    },
    async drain() {
      const waiting = () => bots.some((x) => x.programs.all().some((p) => p.document().outbox.length > 0));
      await settle();
      for (let i = 0; i < 120 && waiting(); i++) {
        clock.advance(1000);
        await settle();
      }
      expect(waiting()).toBe(false);
    },
  };
}

const ok = (text: string) => expect(text).toContain(':white_check_mark:');

/** The sign-off form submitted GO by `user`, as Slack sends it. */
const goSignoff = (user: string, metadata: string, rationale: string) =>
  viewSubmission({
    user_id: user,
    callback_id: VIEWS.signoff,
    private_metadata: metadata,
    values: {
      [INPUTS.signoff.decision]: {
        [INPUT_ACTION]: {
          type: 'radio_buttons',
          selected_option: { text: { type: 'plain_text', text: 'GO' }, value: 'go' },
        },
      },
      [INPUTS.signoff.rationale]: { [INPUT_ACTION]: stateValue.plainTextInput(rationale) },
      [INPUTS.signoff.evidenceUrl]: { [INPUT_ACTION]: stateValue.plainTextInput(null) },
    },
  });

describe('two replicas on one PostgreSQL database', () => {
  it.each(['http', 'socket'] as const)(
    'walk the road from NO-GO to GO, each receiving half of the requests, and post every alert once (%s mode)',
    async (mode) => {
      const r = await startReplicas(mode);
      const { a, b } = r;
      // One program, whichever replica started it, known to both.
      expect(a.programs.all().map((s) => s.cutover().id)).toEqual(['service-v3']);
      expect(b.programs.all().map((s) => s.cutover().id)).toEqual(['service-v3']);

      const replicas = [a, b];
      let turn = 0;
      const next = () => replicas[turn++ % 2] as Bot;
      for (const [who, role] of Object.entries(ROLE_OF))
        ok(await r.command(next(), ADMIN, `role ${role} <@${PEOPLE[who as keyof typeof PEOPLE]}|${who}>`));
      ok(await r.command(next(), PRB, `target service.v3.0 ${SHA}`));
      ok(await r.command(next(), CRB, 'target approve service.v3.0'));
      ok(await r.command(next(), PIC, 'gate producer-suite green https://ci.example.com/p/1'));
      ok(await r.command(next(), CIC, 'gate consumer-suite green https://ci.example.com/c/1'));
      ok(await r.command(next(), LOG, 'gate alignment green'));
      ok(await r.command(next(), PRB, 'evidence producer-handoff https://x.example/handoff'));
      ok(await r.command(next(), CIC, 'evidence consumer-repin https://x.example/repin'));
      ok(await r.command(next(), PRB, 'evidence producer-rollback https://x.example/prb'));
      ok(await r.command(next(), CRB, 'evidence consumer-rollback https://x.example/crb'));

      // A sign-off form opened on one replica and submitted to the other.
      for (const [user, opener, submitter] of [
        [PIC, a, b],
        [CIC, b, a],
      ] as const) {
        const trigger = `trigger-signoff-${user}`;
        await r.command(opener, user, 'signoff', { trigger_id: trigger });
        const view = (await r.slack.waitFor('views.open', (c) => c.args.trigger_id === trigger)).args
          .view as {
          private_metadata: string;
        };
        const answer = await r.interact(
          submitter,
          goSignoff(user, view.private_metadata, 'ready on the target'),
        );
        expect(answer).toEqual({});
      }
      ok(await r.command(next(), LOG, 'decide runtime-cutover go both sides signed on service.v3.0'));
      // Each repo's CI reports the record of the GO to another replica.
      await reportRecordsOverApi({ port: a.apiPort, token: API_TOKEN, sides: ['producer'] });
      await reportRecordsOverApi({ port: b.apiPort, token: API_TOKEN, sides: ['consumer'] });
      ok(await r.command(next(), LOG, 'phase 8 start'));

      // Both replicas read the same state, and the history has no gap.
      await r.drain();
      const [sa] = a.programs.all();
      const [sb] = b.programs.all();
      const doc = await sa?.document();
      expect(sa?.cutover().decisions.find((d) => d.id === 'runtime-cutover')?.status).toBe('go');
      expect(sb?.cutover().phases.find((p) => p.id === '8')?.status).toBe('started');
      const seqs = (sa?.history(1000) ?? []).map((h) => h.seq).reverse();
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      expect(doc?.outbox).toEqual([]);

      // Every alert was posted, once, in the channel; one board, updated in place.
      const told = r.slack
        .messages(CHANNEL)
        .flatMap(idsOf)
        .filter((id) => id);
      expect(told.length).toBeGreaterThan(10);
      expect(new Set(told).size).toBe(told.length);
      const delivered = (doc?.delivered ?? []).map((d) => d.id);
      expect([...told].sort()).toEqual([...delivered].sort());
      const boards = r.slack
        .calls('chat.postMessage')
        .filter((c) => JSON.stringify(c.args.metadata ?? '').includes('cutover_board'));
      expect(boards).toHaveLength(1);
    },
  );

  it('serialize a target publish and a sign-off sent to the two replicas at once, as one process does', async () => {
    const r = await startReplicas();
    const { a, b } = r;
    for (const [who, role] of Object.entries(ROLE_OF))
      ok(await r.command(a, ADMIN, `role ${role} <@${PEOPLE[who as keyof typeof PEOPLE]}|${who}>`));
    ok(await r.command(a, PRB, `target service.v3.0 ${SHA}`));
    ok(await r.command(b, CRB, 'target approve service.v3.0'));
    const trigger = 'trigger-race';
    await r.command(a, PIC, 'signoff', { trigger_id: trigger });
    const view = (await r.slack.waitFor('views.open', (c) => c.args.trigger_id === trigger)).args.view as {
      private_metadata: string;
    };
    const [publish, signed] = await Promise.all([
      r.command(a, PRB, `target service.v3.1 ${'b'.repeat(40)}`),
      r.interact(b, goSignoff(PIC, view.private_metadata, 'ready')),
    ]);
    ok(publish);
    const c = (await a.programs.all()[0]?.document())?.cutover;
    const live = c?.signoffs.filter((s) => !s.voided) ?? [];
    // Whichever went first, no GO stands on a target that is not the current one.
    expect(live.every((s) => s.target?.sha === c?.targets.at(-1)?.sha)).toBe(true);
    if (Object.keys(signed).length) expect(JSON.stringify(signed)).toContain('response_action');
    else expect(c?.signoffs.at(-1)?.voided).toBeDefined();
  });

  it('know of a program started on the other, and take its alerts over when the first replica stops', async () => {
    const r = await startReplicas();
    const { a, b } = r;
    const responses = r.slack.responses.length;
    await r.command(a, ADMIN, 'new service-v4 from service-v3', { channel_id: 'C0SECOND' });
    await r.slack.waitForResponse(
      (x) => r.slack.responses.indexOf(x) >= responses && JSON.stringify(x.body).includes('started in'),
    );
    await expect
      .poll(() => b.programs.get('service-v4')?.cutover().channel, { timeout: 10_000 })
      .toBe('C0SECOND');
    const list = await r.command(b, ADMIN, 'list', { channel_id: 'C0SECOND' });
    expect(list).toContain('service-v4');
    await r.drain();

    // The first replica stops cleanly, giving its leases back: the second delivers what is written from now on,
    // once, and at once: within 2 s of the bot's clock, not when the lease would have run out.
    await a.stop();
    bots = [b];
    const before = r.slack.messages('C0SECOND').length;
    ok(
      await r.command(b, ADMIN, `role producer-incident-commander <@${PIC}|pic>`, { channel_id: 'C0SECOND' }),
    );
    const started = r.clock.now().getTime();
    for (let i = 0; i < 20 && r.slack.messages('C0SECOND').length === before; i++) {
      await b.alerts?.idle();
      await new Promise((done) => setTimeout(done, 50));
      if (i % 5 === 4 && r.slack.messages('C0SECOND').length === before) r.clock.advance(500);
    }
    expect(r.slack.messages('C0SECOND').length).toBeGreaterThan(before);
    expect(r.clock.now().getTime() - started).toBeLessThanOrEqual(2000);
    await r.drain();
    const told = r.slack
      .messages('C0SECOND')
      .flatMap(idsOf)
      .filter((id) => id);
    expect(new Set(told).size).toBe(told.length);
    expect(told.length).toBeGreaterThanOrEqual(2);
    bots = [a, b];
  });
});
