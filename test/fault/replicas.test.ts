/**
 * Faults, measured, with two replicas of the built bot (`node dist/main.js`) on one PostgreSQL database against one
 * Slack stand-in: 200 concurrent changes spread over both; kill -9 of the replica delivering the alerts right after
 * its post reached Slack, in the middle of a burst; the database restarting under load. What a person was told is
 * compared with what the database holds and with what the channel shows. Each test prints its figures. Last, the
 * answer to a change whose COMMIT was lost with the connection (seen now and then while the database restarts),
 * made certain: it may stand, so it is never answered as "nothing changed".
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { HistoryEntry } from '../../src/core/schema.js';
import { systemClock } from '../../src/runtime/clock.js';
import { createCutoverService } from '../../src/service/cutover-service.js';
import {
  CATALOG_VERSION,
  Catalog,
  newDocument,
  STORE_VERSION,
  StoreDocument,
} from '../../src/service/document.js';
import { loadProgram } from '../../src/service/program-file.js';
import { runSafely } from '../../src/slack/listeners/deps.js';
import { refusalText } from '../../src/slack/views/answers.js';
import { MemoryStore } from '../../src/store/memory.js';
import { databaseError } from '../../src/store/postgres/failure.js';
import { createPostgresPool, openPostgresLayout } from '../../src/store/postgres/index.js';
import { idsOf } from '../alerts/helpers.js';
import { SHIPPED_PROGRAM } from '../fixtures/programs.js';
import { type SlackStandIn, type StoredMessage, startSlackStandIn } from '../slack/stand-in.js';
import { testDatabases } from '../store/postgres/databases.js';
import { startTestServer, type TestServer } from '../store/postgres/embedded.js';
import { type Answer, CHANNEL, type ReplicaProcess, startReplica } from './replica-process.js';
import { type AfterCall, type SlackFront, startSlackFront } from './slack-front.js';

const PROGRAM = 'service-v3';

let slack: SlackStandIn | undefined;
let replicas: ReplicaProcess[] = [];
let fronts: SlackFront[] = [];
let server: TestServer | undefined;
let dbs = testDatabases();
afterEach(async () => {
  await Promise.all(replicas.map((r) => r.kill()));
  replicas = [];
  await Promise.all(fronts.map((f) => f.close()));
  fronts = [];
  await slack?.close();
  slack = undefined;
  await dbs.cleanup();
  await server?.remove();
  server = undefined;
  dbs = testDatabases();
});

/** Two replicas started together, as one deployment; `afterCall` hears every Web API call, by replica name. */
async function deploy(
  databaseUrl: string,
  afterCall?: (replica: string, ...call: Parameters<AfterCall>) => ReturnType<AfterCall>,
): Promise<[ReplicaProcess, ReplicaProcess]> {
  const s = await startSlackStandIn();
  slack = s;
  const start = async (name: string) => {
    const front = await startSlackFront(s, afterCall && ((method, args) => afterCall(name, method, args)));
    fronts.push(front);
    const r = await startReplica({
      name,
      databaseUrl,
      slackApiUrl: front.apiUrl,
      responseUrl: () => s.responseUrl(),
    });
    replicas.push(r);
    return r;
  };
  const [a, b] = await Promise.all([start('a'), start('b')]);
  return [a, b];
}

/** The ephemeral text of an answer ('' when there was none). */
const textOf = (a: Answer): string => {
  if ('lost' in a || a.status !== 200 || !a.text) return '';
  try {
    return String((JSON.parse(a.text) as { text?: unknown }).text ?? '');
  } catch {
    return a.text;
  }
};
const isAck = (a: Answer) => textOf(a).startsWith(':white_check_mark: Blocker');
/** What the store says when the connection was lost during COMMIT: the change may or may not have been saved. */
const UNSURE = 'may or may not have been saved';
const isRefusal = (a: Answer) => textOf(a).startsWith(':no_entry:');

/** Who was told what, by title: acknowledged, refused, or neither (no answer, Bolt's timeout). */
interface Tally {
  acked: string[];
  refused: { title: string; text: string }[];
  other: { title: string; answer: Answer }[];
}
const tally = (): Tally => ({ acked: [], refused: [], other: [] });
function count(t: Tally, title: string, answer: Answer) {
  if (isAck(answer)) t.acked.push(title);
  else if (isRefusal(answer) && !textOf(answer).includes(UNSURE))
    t.refused.push({ title, text: textOf(answer) });
  else t.other.push({ title, answer });
}

/** How the changes that got neither an ack nor a refusal ended: `404` (Bolt's 3 s), `lost`, … with counts. */
const howOf = (t: Tally): Record<string, number> => {
  const how: Record<string, number> = {};
  for (const { answer } of t.other) {
    const k = 'lost' in answer ? 'lost' : textOf(answer).includes(UNSURE) ? 'unsure' : String(answer.status);
    how[k] = (how[k] ?? 0) + 1;
  }
  return how;
};

const addBlocker = (title: string) => `blocker add decision-log-owner ${title}`;

/** The program's document as the database holds it (whole history), read through the store port's adapter. */
async function readBack(url: string): Promise<StoreDocument> {
  const pool = createPostgresPool(url);
  try {
    const layout = await openPostgresLayout({
      pool,
      catalog: {
        schema: Catalog,
        version: CATALOG_VERSION,
        create: () => {
          throw new Error('the catalog must exist');
        },
      },
      documents: {
        schema: StoreDocument,
        version: STORE_VERSION,
        log: { field: 'history', entry: HistoryEntry, keep: 100_000 },
      },
    });
    try {
      expect(layout.catalog.snapshot().programs.map((p) => p.id)).toEqual([PROGRAM]);
      const store = await layout.documents.open(PROGRAM, () => {
        throw new Error('the program must exist');
      });
      return await store.read();
    } finally {
      await layout.documents.close();
      await layout.catalog.close();
    }
  } finally {
    await pool.end();
  }
}

/** How many outbox items wait in the program's row now (a plain SELECT, cheap enough to poll). */
async function outboxLength(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      "SELECT jsonb_array_length(doc->'outbox') AS n FROM cutover_documents WHERE key = $1",
      [`program:${PROGRAM}`],
    );
    return rows[0]?.n ?? -1;
  } finally {
    await client.end();
  }
}

/** Every acknowledged change is in the document once, no refused one is, and the history has no gap. */
function expectKept(doc: StoreDocument, t: Tally) {
  const titles = doc.cutover.blockers.map((b) => b.title);
  const times = (title: string) => titles.filter((x) => x === title).length;
  expect(t.acked.filter((title) => times(title) !== 1)).toEqual([]);
  expect(t.refused.filter((r) => times(r.title) !== 0)).toEqual([]);
  expect(t.other.filter((o) => times(o.title) > 1)).toEqual([]);
  expect(doc.history.map((h) => h.seq)).toEqual(doc.history.map((_, i) => i + 1));
  // One history entry per blocker added (the shipped program has 4 of its own), none for a refused change.
  expect(new Set(titles).size).toBe(titles.length);
  expect(doc.history.filter((h) => h.event.type === 'blocker.added').length).toBe(titles.length - 4);
}

const alertMessages = (s: SlackStandIn): StoredMessage[] =>
  s.messages(CHANNEL).filter((m) => idsOf(m).length);

const figures = (name: string, f: Record<string, unknown>) =>
  console.info(`[faults] ${name}: ${JSON.stringify(f)}`);

describe('two replica processes on one PostgreSQL database', () => {
  it('keep every one of 200 concurrent changes spread over both that they acknowledged, once, and no refused one', async () => {
    const url = await dbs.make();
    const [a, b] = await deploy(url);
    const t = tally();
    const per = { a: tally(), b: tally() };
    const started = performance.now();
    // Four waves of 50 at once, every other one to the other replica.
    for (let wave = 0; wave < 4; wave++)
      await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          const to = i % 2 ? b : a;
          const title = `burst-w${wave}-n${String(i).padStart(3, '0')}-${to.name}`;
          const answer = await to.command(addBlocker(title));
          count(t, title, answer);
          count(per[to.name as 'a' | 'b'], title, answer);
        }),
      );
    const tookMs = Math.round(performance.now() - started);

    expect(t.acked.length + t.refused.length + t.other.length).toBe(200);
    expect(t.acked.length).toBeGreaterThan(0);
    // A refusal says why and that nothing changed.
    for (const r of t.refused) expect(r.text.toLowerCase()).toContain('nothing was changed');
    const doc = await readBack(url);
    expectKept(doc, t);
    figures('200 concurrent changes', {
      acked: t.acked.length,
      refused: t.refused.length,
      unanswered: t.other.length,
      unansweredHow: howOf(t),
      unansweredKept: t.other.filter((o) => doc.cutover.blockers.some((x) => x.title === o.title)).length,
      ackedByA: per.a.acked.length,
      ackedByB: per.b.acked.length,
      historyLength: doc.history.length,
      tookMs,
    });
  }, 60_000);
});

describe('kill -9 of the replica delivering the alerts, right after its post reached Slack, mid-burst', () => {
  it('loses no acknowledged change, and the survivor delivers every alert exactly once', async () => {
    const url = await dbs.make();
    const byName = new Map<string, ReplicaProcess>();
    let armed = false;
    let victim: ReplicaProcess | undefined;
    let killedAt = 0;
    /** The ids of the post that reached Slack and whose answer its sender never got. */
    let unrecorded: string[] = [];
    const [a, b] = await deploy(url, async (name, method, args) => {
      const alert = method === 'chat.postMessage' && (args.get('metadata') ?? '').includes('cutover_alert');
      if (!armed || victim || !alert) return 'answer';
      victim = byName.get(name);
      killedAt = performance.now();
      await victim?.kill();
      unrecorded = String(
        (JSON.parse(args.get('metadata') ?? '{}') as { event_payload?: { ids?: string } }).event_payload?.ids,
      ).split(',');
      return 'drop';
    });
    byName.set(a.name, a);
    byName.set(b.name, b);

    const t = tally();
    let ackedAfterKill = 0;
    let stop = false;
    // Three streams of changes to each replica, each waiting for its answer before the next.
    const lane = async (to: ReplicaProcess, lane: number) => {
      for (let i = 0; !stop; i++) {
        const title = `kill-${to.name}${lane}-n${String(i).padStart(4, '0')}`;
        const answer = await to.command(addBlocker(title));
        count(t, title, answer);
        if (victim && isAck(answer)) ackedAfterKill += 1;
        if ('lost' in answer && to === victim) return; // the process is gone
      }
    };
    const lanes = [a, b].flatMap((to) => [0, 1, 2].map((n) => lane(to, n)));
    await expect.poll(() => t.acked.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(40);
    armed = true; // the next alert the lease holder posts is its last
    await expect.poll(() => victim !== undefined && ackedAfterKill >= 20, { timeout: 40_000 }).toBe(true);
    stop = true;
    await Promise.all(lanes);
    const survivor = victim === a ? b : a;

    // The survivor takes the lease over once it runs out (30 s at most), then delivers what waits.
    await expect.poll(() => outboxLength(url), { timeout: 60_000, interval: 500 }).toBe(0);
    const drainedMs = Math.round(performance.now() - killedAt);
    const doc = await readBack(url);
    expectKept(doc, t);
    expect(survivor.holds(doc.lease?.by)).toBe(true);

    // Every alert in the channel once: each outbox id told by one message, the same ids as `delivered`.
    const s = slack as SlackStandIn;
    const told = alertMessages(s).flatMap(idsOf);
    expect(told.length - new Set(told).size).toBe(0);
    expect([...told].sort()).toEqual(doc.delivered.map((d) => d.id).sort());
    // The post its sender never heard back from was found in the channel, not posted again.
    expect(unrecorded.length).toBeGreaterThan(0);
    for (const id of unrecorded) expect(told.filter((x) => x === id)).toHaveLength(1);
    // Every change kept was told once in the channel: each acknowledged one, and any the victim saved unanswered.
    const opened = alertMessages(s)
      .flatMap((m) => m.text.split('\n'))
      .filter((line) => line.startsWith(':construction: *Blocker opened:*'));
    const timesTold = (title: string) => opened.filter((line) => line.includes(` ${title} — blocks`)).length;
    // Past 100 alerts waiting, a routine change is counted in a tally instead (alerts/tally.ts): told at most once
    // each, and together with the counted ones every change kept.
    const counted = alertMessages(s)
      .flatMap((m) => [...m.text.matchAll(/\*(\d+) more changes?\*/g)])
      .reduce((n, m) => n + Number(m[1]), 0);
    const kept = new Set(doc.cutover.blockers.map((x) => x.title));
    const keptMine = [...t.acked, ...t.other.map((o) => o.title)].filter((title) => kept.has(title));
    expect(keptMine.filter((title) => timesTold(title) > 1)).toEqual([]);
    expect(keptMine.filter((title) => timesTold(title) === 1).length + counted).toBe(keptMine.length);
    if (!counted) expect(t.acked.filter((title) => timesTold(title) !== 1)).toEqual([]);
    expect(t.other.filter((o) => !kept.has(o.title) && timesTold(o.title) !== 0)).toEqual([]);
    expect(t.refused.filter((r) => timesTold(r.title) !== 0)).toEqual([]);

    figures('kill -9 mid-burst', {
      victim: victim?.name,
      acked: t.acked.length,
      ackedAfterKill,
      refused: t.refused.length,
      unanswered: t.other.length,
      unansweredHow: howOf(t),
      unansweredKept: t.other.filter((o) => kept.has(o.title)).length,
      unrecordedPost: unrecorded.length,
      alertMessages: alertMessages(s).length,
      alertIds: told.length,
      killToOutboxEmptyMs: drainedMs,
    });
  }, 90_000);
});

describe('the database restarting under load', () => {
  it('refuses changes while it is down, saying nothing was saved; /healthz says why; both resume by themselves', async () => {
    const up = await startTestServer();
    server = up;
    dbs = testDatabases(() => up.url);
    const url = await dbs.make();
    const [a, b] = await deploy(url);
    const t = tally();
    let stop = false;
    // Two streams of changes to each replica; one that is not acknowledged is tried again a moment later.
    const lane = async (to: ReplicaProcess, lane: number) => {
      for (let i = 0; !stop; i++) {
        const title = `outage-${to.name}${lane}-n${String(i).padStart(4, '0')}`;
        const answer = await to.command(addBlocker(title));
        count(t, title, answer);
        if (!isAck(answer)) await new Promise((r) => setTimeout(r, 20));
      }
    };
    const lanes = [a, b].flatMap((to) => [0, 1].map((n) => lane(to, n)));
    await expect.poll(() => t.acked.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(20);
    const ackedBeforeStop = t.acked.length;

    await up.stop();
    const stoppedAt = performance.now();
    for (const r of [a, b]) {
      const title = `while-down-${r.name}`;
      const answer = await r.command(addBlocker(title));
      count(t, title, answer);
      const text = textOf(answer);
      expect(isRefusal(answer), text).toBe(true);
      expect(text).toContain('The change could not be saved');
      expect(text).toContain('Check that the PostgreSQL server is up');
      expect(text).toContain('Nothing was changed; try again');
      const health = await r.healthz();
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({ ok: false, store: 'not writable' });
      expect(String(health.body.message)).toContain('cannot be reached');
    }
    const ackedWhileDown = t.acked.length;

    await up.start();
    const startedAt = performance.now();
    const resumeMs: Record<string, number> = {};
    await Promise.all(
      [a, b].map(async (r) => {
        let k = 0;
        await expect
          .poll(
            async () => {
              const title = `back-${r.name}-n${String(k++).padStart(4, '0')}`;
              const answer = await r.command(addBlocker(title));
              count(t, title, answer);
              return isAck(answer);
            },
            { timeout: 30_000, interval: 100 },
          )
          .toBe(true);
        resumeMs[r.name] = Math.round(performance.now() - startedAt);
        await expect.poll(async () => (await r.healthz()).status, { timeout: 10_000 }).toBe(200);
      }),
    );
    stop = true;
    await Promise.all(lanes);

    const doc = await readBack(url);
    expectKept(doc, t);
    // A change whose commit was lost with the connection may stand: its answer says so, never "nothing changed".
    for (const o of t.other.filter((x) => textOf(x.answer).includes(UNSURE)))
      expect(textOf(o.answer)).not.toMatch(/nothing was changed/i);
    for (const title of ['while-down-a', 'while-down-b'])
      expect(doc.cutover.blockers.map((x) => x.title)).not.toContain(title);
    figures('database restart under load', {
      acked: t.acked.length,
      ackedBeforeStop,
      ackedWhileDownAsOfCheck: ackedWhileDown,
      refused: t.refused.length,
      unanswered: t.other.length,
      unansweredHow: howOf(t),
      unansweredKept: t.other.filter((o) => doc.cutover.blockers.some((x) => x.title === o.title)).length,
      downMs: Math.round(startedAt - stoppedAt),
      resumeAfterRestartMs: resumeMs,
      historyLength: doc.history.length,
    });
  }, 90_000);
});

describe('a change whose commit was lost with the connection to the database', () => {
  it('is answered as perhaps saved, with what to look at before trying again, never as nothing changed', async () => {
    const program = await loadProgram(SHIPPED_PROGRAM);
    /** Commits, then loses the answer as PostgreSQL's adapter does when the connection drops during COMMIT. */
    class LostCommit extends MemoryStore<StoreDocument> {
      override async update<R>(
        fn: (current: StoreDocument) => { next?: StoreDocument; result: R },
      ): Promise<R> {
        await super.update(fn);
        throw databaseError(
          'the PostgreSQL document "program:service-v3"',
          'change',
          new Error('Connection terminated unexpectedly'),
          'unknown',
        );
      }
    }
    const store = new LostCommit({
      schema: StoreDocument,
      create: () => newDocument(program),
      log: { field: 'history', entry: HistoryEntry },
    });
    const errors: unknown[] = [];
    const outcome = await runSafely(
      { service: createCutoverService(store), clock: systemClock },
      { type: 'blocker.add', owner: 'decision-log-owner', title: 'Perhaps saved' },
      { kind: 'user', userId: 'UADMIN', isAdmin: true },
      { error: (...msg: unknown[]) => errors.push(msg) },
    );

    expect(store.snapshot().cutover.blockers.map((b) => b.title)).toContain('Perhaps saved');
    expect(outcome.ok).toBe(false);
    const text = outcome.ok ? '' : refusalText(outcome.error);
    expect(text).toContain(UNSURE);
    expect(text).toContain('`/cutover status` before trying again');
    expect(text).not.toMatch(/nothing was changed/i);
    expect(errors).toHaveLength(1);
  });
});
