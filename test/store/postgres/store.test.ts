/**
 * What the PostgreSQL adapter adds to the port's contract (../postgres.contract.test.ts): several processes on one
 * document (two pools, as two processes would have), hearing each other's commits, the schema versions of the
 * database and of a document, the deadline as a lock wait, and the rows as a person querying the database sees them.
 */
import type pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { StoreError } from '../../../src/store/errors.js';
import {
  createPostgresPool,
  listPostgresKeys,
  migratePostgres,
  type OpenPostgresStoreOptions,
  openPostgresStore,
  type PostgresStore,
  SCHEMA_VERSION,
} from '../../../src/store/postgres/index.js';
import { ContractDoc, Entry } from '../contract.js';
import { testDatabases } from './databases.js';
import { freePort } from './embedded.js';

const databases = testDatabases();
const opened: PostgresStore<ContractDoc>[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  await databases.cleanup();
});

const empty = (): ContractDoc => ({ counter: 0, items: [], history: [] });

async function open(
  pool: pg.Pool,
  overrides: Partial<OpenPostgresStoreOptions<ContractDoc>> = {},
): Promise<PostgresStore<ContractDoc>> {
  const s = await openPostgresStore({
    pool,
    key: 'program-a',
    schema: ContractDoc,
    version: 1,
    create: empty,
    log: { field: 'history', entry: Entry },
    ...overrides,
  });
  opened.push(s);
  return s;
}

/** One change: the counter goes up and one history line is appended; resolves with its seq. */
const change = (s: PostgresStore<ContractDoc>, text: string, options?: { deadline: number }) =>
  s.update((d) => {
    const seq = (d.history.at(-1)?.seq ?? 0) + 1;
    return { next: { ...d, counter: d.counter + 1, history: [...d.history, { seq, text }] }, result: seq };
  }, options);

/** The StoreError a promise rejects with (fails the test if it resolves or throws something else). */
async function refusal(p: Promise<unknown>): Promise<StoreError> {
  const e = await p.then(
    () => expect.fail('expected a StoreError, but the call succeeded'),
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(StoreError);
  return e as StoreError;
}

/** The rows, as a person querying the database would see them. */
async function rows(pool: pg.Pool, key = 'program-a') {
  const doc = await pool.query('SELECT * FROM cutover_documents WHERE key = $1', [key]);
  const history = await pool.query<{ seq: number; entry: { seq: number; text: string } }>(
    'SELECT seq, entry FROM cutover_history WHERE key = $1 ORDER BY seq',
    [key],
  );
  return { doc: doc.rows[0], history: history.rows };
}

/** Until `n` connections to this database are LISTENing (their last statement), so a NOTIFY now is heard. */
async function listening(pool: pg.Pool, n: number): Promise<void> {
  await vi.waitFor(async () => {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND query = 'LISTEN cutover_changed'`,
    );
    expect(rows[0]?.n).toBe(n);
  });
}

describe('two processes on one document', () => {
  it('keeps every one of 200 concurrent changes spread over both, in a history without gaps', async () => {
    const url = await databases.make();
    const [poolA, poolB] = [await databases.pool(url), await databases.pool(url)];
    const [a, b] = [await open(poolA), await open(poolB)];

    // Made in waves, a few per turn of the event loop, so that both processes' groups of changes interleave.
    const calls: Promise<number>[] = [];
    for (let i = 0; i < 200; i++) {
      calls.push(change(i % 2 === 0 ? a : b, `${i % 2 === 0 ? 'a' : 'b'}${i}`));
      if (i % 7 === 6) await new Promise((r) => setImmediate(r));
    }
    const seqs = await Promise.all(calls);

    expect([...seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    const { doc, history } = await rows(poolA);
    expect(doc).toMatchObject({ schema_version: 1, history_length: 200, doc: { counter: 200, items: [] } });
    expect(doc.doc).not.toHaveProperty('history');
    expect(history.map((h) => h.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(history.every((h) => h.entry.seq === h.seq)).toBe(true);
    expect(new Set(history.map((h) => h.entry.text)).size).toBe(200);
    expect((await b.read()).counter).toBe(200);
  });

  it("sees the other's commit in its snapshot through NOTIFY, without polling", async () => {
    const url = await databases.make();
    const a = await open(await databases.pool(url));
    const b = await open(await databases.pool(url), { pollMs: 3_600_000 });
    await listening(await databases.pool(url), 2); // a's and b's

    await change(a, 'from a');

    await vi.waitFor(() => expect(b.snapshot().history.map((h) => h.text)).toEqual(['from a']));
    expect(b.snapshot().counter).toBe(1);
  });

  it("sees the other's commit in its snapshot by polling, with LISTEN off", async () => {
    const url = await databases.make();
    const a = await open(await databases.pool(url));
    const b = await open(await databases.pool(url), { listen: false, pollMs: 20 });

    await change(a, 'from a');

    await vi.waitFor(() => expect(b.snapshot().counter).toBe(1));
    expect(b.snapshot().history).toEqual([{ seq: 1, text: 'from a' }]);
  });

  it("decides against the other's latest commit even before its snapshot has heard of it", async () => {
    const url = await databases.make();
    const a = await open(await databases.pool(url));
    const b = await open(await databases.pool(url), { listen: false, pollMs: 3_600_000 });

    await change(a, 'one');
    expect(b.snapshot().counter).toBe(0); // not heard of yet

    expect(await change(b, 'two')).toBe(2);
    expect(b.snapshot().history.map((h) => h.text)).toEqual(['one', 'two']);
  });

  it('applies the migrations once when two processes open the database at once', async () => {
    const url = await databases.make();
    const [poolA, poolB] = [await databases.pool(url), await databases.pool(url)];

    const runs = await Promise.all([migratePostgres(poolA), migratePostgres(poolB)]);
    await Promise.all([open(poolA), open(poolB)]);

    expect(runs.map((r) => r.from).sort()).toEqual([0, SCHEMA_VERSION]);
    expect(runs.every((r) => r.to === SCHEMA_VERSION)).toBe(true);
    const applied = await poolA.query('SELECT version FROM cutover_schema_migrations ORDER BY version');
    expect(applied.rows.map((r) => r.version)).toEqual(
      Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1),
    );
  });
});

describe('opening', () => {
  it('refuses to open when no server answers (io), saying what to check, without the password', async () => {
    const url = `postgres://cutover:secret-password@127.0.0.1:${await freePort()}/cutover`;
    const pool = createPostgresPool(url);
    try {
      const e = await refusal(open(pool));

      expect(e.code).toBe('io');
      expect(e.message).toContain('ECONNREFUSED');
      expect(e.message).toContain('Check that the PostgreSQL server is up and reachable');
      expect(e.message).not.toContain('secret-password');
    } finally {
      await pool.end();
    }
  });
});

describe('versions', () => {
  it('refuses a database migrated by a newer bot, naming both versions, and changes nothing', async () => {
    const url = await databases.make();
    await migratePostgres(await databases.pool(url));
    const admin = await databases.pool(url);
    await admin.query('INSERT INTO cutover_schema_migrations (version) VALUES ($1)', [SCHEMA_VERSION + 1]);

    const e = await refusal(open(await databases.pool(url)));

    expect(e.code).toBe('version');
    expect(e.message).toContain(`schema version ${SCHEMA_VERSION + 1}`);
    expect(e.message).toContain(`knows versions up to ${SCHEMA_VERSION}`);
    expect(e.message).toContain('Run the newer cutover-bot');
    expect(e.message).not.toContain('test-only'); // the password in the URL
    expect((await admin.query('SELECT count(*)::int AS n FROM cutover_documents')).rows[0].n).toBe(0);
  });

  it('refuses a document kept with another schema version, and leaves its row as it was', async () => {
    const pool = await databases.pool();
    const v1 = await open(pool);
    await change(v1, 'kept');
    await v1.close();
    const before = await rows(pool);

    const e = await refusal(open(pool, { version: 2 }));

    expect(e.code).toBe('version');
    expect(e.message).toContain('the PostgreSQL document "program-a" has schema version 1');
    expect(e.message).toContain('reads version 2');
    expect(await rows(pool)).toEqual(before);
  });
});

describe('one update', () => {
  it('refused by its deadline while another process holds the row: nothing written, later ones go on', async () => {
    const pool = await databases.pool();
    const s = await open(pool);
    await change(s, 'first');
    const before = await rows(pool);
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query("SELECT 1 FROM cutover_documents WHERE key = 'program-a' FOR UPDATE");

      const e = await refusal(change(s, 'late', { deadline: Date.now() + 50 }));

      expect(e.code).toBe('deadline');
      expect(e.message).toContain('Nothing was written');
      await holder.query('COMMIT');
    } finally {
      holder.release();
    }
    expect(await rows(pool)).toEqual(before);
    expect(s.snapshot().history.map((h) => h.text)).toEqual(['first']);
    expect(await change(s, 'in time', { deadline: Date.now() + 60_000 })).toBe(2);
    expect(await s.health()).toEqual({ ok: true });
  });

  it("a lock wait bounded by one change's deadline refuses that one at once; the rest of its group commits once the row is free", async () => {
    const pool = await databases.pool();
    const s = await open(pool);
    const holder = await pool.connect();
    let patient: Promise<number>;
    try {
      await holder.query('BEGIN');
      await holder.query("SELECT 1 FROM cutover_documents WHERE key = 'program-a' FOR UPDATE");

      patient = change(s, 'patient'); // no deadline: waits for the row
      const e = await refusal(change(s, 'late', { deadline: Date.now() + 50 }));

      expect(e.code).toBe('deadline');
      await holder.query('COMMIT');
    } finally {
      holder.release();
    }
    expect(await patient).toBe(1);
    expect((await rows(pool)).history.map((h) => h.entry.text)).toEqual(['patient']);
  });

  it('commits before it resolves: the rows hold the change, the revision goes up, and a NOTIFY carries it', async () => {
    const pool = await databases.pool();
    const s = await open(pool);
    const listener = await pool.connect();
    const heard: string[] = [];
    try {
      listener.on('notification', (m) => heard.push(m.payload ?? ''));
      await listener.query('LISTEN cutover_changed');
      const revision = Number((await rows(pool)).doc.revision);

      await change(s, 'one');

      const after = await rows(pool);
      expect(after.history).toEqual([{ seq: 1, entry: { seq: 1, text: 'one' } }]);
      expect(Number(after.doc.revision)).toBe(revision + 1);
      await vi.waitFor(() => expect(heard).toEqual([`program-a:${revision + 1}`]));
      await listener.query('UNLISTEN cutover_changed');
    } finally {
      listener.release();
    }
  });

  it('keeps the newest keep entries in the document it hands out; the table keeps them all', async () => {
    const pool = await databases.pool();
    const s = await open(pool, { log: { field: 'history', entry: Entry, keep: 2 } });
    for (const text of ['a', 'b', 'c']) await change(s, text);

    const again = await open(pool, { log: { field: 'history', entry: Entry, keep: 2 } });

    expect((await again.read()).history.map((h) => h.text)).toEqual(['b', 'c']);
    expect(again.snapshot().history.map((h) => h.text)).toEqual(['b', 'c']);
    expect((await rows(pool)).history.map((h) => h.entry.text)).toEqual(['a', 'b', 'c']);
  });

  it('runs fn again after a serialization failure; one that keeps failing is refused (io), unwritten', async () => {
    const pool = await databases.pool();
    const s = await open(pool);
    // The database refuses the row's UPDATE as a serialization failure the first `failures` times (a sequence, as
    // a counter the failed transaction's rollback would undo).
    const failTimes = async (failures: number) =>
      pool.query(`
        DROP TRIGGER IF EXISTS flaky ON cutover_documents;
        DROP SEQUENCE IF EXISTS flaky_tries;
        CREATE SEQUENCE flaky_tries;
        CREATE OR REPLACE FUNCTION flaky() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF nextval('flaky_tries') <= ${failures} THEN
            RAISE EXCEPTION 'could not serialize access (test)' USING ERRCODE = 'serialization_failure';
          END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER flaky BEFORE UPDATE ON cutover_documents FOR EACH ROW EXECUTE FUNCTION flaky();`);
    let calls = 0;
    const counted = (text: string) =>
      s.update((d) => {
        calls += 1;
        return {
          next: { ...d, history: [...d.history, { seq: d.history.length + 1, text }] },
          result: calls,
        };
      });

    await failTimes(2);
    expect(await counted('third time')).toBe(3);
    expect((await rows(pool)).history.map((h) => h.entry.text)).toEqual(['third time']);

    await failTimes(100);
    calls = 0;
    const e = await refusal(counted('never'));
    expect(e.code).toBe('io');
    expect(e.message).toContain('could not serialize access (test)');
    expect(e.message).toContain('Nothing was written');
    expect(e.message).toContain('SQLSTATE 40001');
    expect(calls).toBe(4);
    expect((await rows(pool)).history.map((h) => h.entry.text)).toEqual(['third time']);
    expect(s.snapshot().history.map((h) => h.text)).toEqual(['third time']);
  });

  it('the history table refuses an UPDATE or DELETE, whoever tries it', async () => {
    const pool = await databases.pool();
    const s = await open(pool);
    await change(s, 'kept');

    await expect(pool.query("UPDATE cutover_history SET entry = '{}'")).rejects.toThrow('append-only');
    await expect(pool.query('DELETE FROM cutover_history')).rejects.toThrow('append-only');
    expect((await rows(pool)).history).toHaveLength(1);
  });
});

describe('many documents in one database', () => {
  it('keeps each key apart, and lists the keys (all, or by prefix)', async () => {
    const pool = await databases.pool();
    const a = await open(pool, { key: 'acme/runtime' });
    const b = await open(pool, { key: 'acme/storage' });
    await open(pool, { key: 'other' });

    await change(a, 'only a');

    expect((await b.read()).counter).toBe(0);
    expect(b.snapshot().counter).toBe(0);
    expect(await listPostgresKeys(pool)).toEqual(['acme/runtime', 'acme/storage', 'other']);
    expect(await listPostgresKeys(pool, 'acme/')).toEqual(['acme/runtime', 'acme/storage']);
    expect(a.key).toBe('acme/runtime');
  });
});

describe('request keys in cutover_requests', () => {
  const KEYS = {
    entry: z.object({ at: z.string(), message: z.string() }),
    ttlMs: 24 * 3600_000,
    legacyField: 'requests',
  };
  const T = new Date('2026-03-01T10:00:00.000Z');
  /**
   * A change applied once under `key`, made at `now` (the store's clock is the system clock unless a test gives
   * one): resolves with the message it (or the first under that key) answered.
   */
  const keyed = (s: PostgresStore<ContractDoc>, key: string, now = new Date()) =>
    s.update<string>(
      (d, applied) => {
        const seen = applied as { message: string } | undefined;
        if (seen) return { result: `replayed: ${seen.message}` };
        const message = `counter ${d.counter + 1}`;
        return {
          next: { ...d, counter: d.counter + 1 },
          result: message,
          applied: { at: now.toISOString(), message },
        };
      },
      { request: { key, now } },
    );

  it('a key applied by one replica answers the same on the other and after a restart; the document holds none', async () => {
    const url = await databases.make();
    const [poolA, poolB] = [await databases.pool(url), await databases.pool(url)];
    const a = await open(poolA, { requests: KEYS });
    const b = await open(poolB, { requests: KEYS });

    expect(await keyed(a, 'slack:t1')).toBe('counter 1');
    expect(await keyed(b, 'slack:t1')).toBe('replayed: counter 1');
    // At once on both: one of them applies it, the other answers as it did.
    const both = await Promise.all([keyed(a, 'slack:t2'), keyed(b, 'slack:t2')]);
    expect(both.sort()).toEqual(['counter 2', 'replayed: counter 2']);
    await a.close();
    const again = await open(poolA, { requests: KEYS });
    expect(await keyed(again, 'slack:t2')).toBe('replayed: counter 2');
    expect((await again.read()).counter).toBe(2);

    const { doc } = await rows(poolA);
    expect(doc.doc).not.toHaveProperty('requests');
    const keys = await poolA.query('SELECT request_key FROM cutover_requests ORDER BY request_key');
    expect(keys.rows.map((r) => r.request_key)).toEqual(['slack:t1', 'slack:t2']);
  });

  it('a key past the TTL applies again, and expired keys are swept by a later change', async () => {
    const pool = await databases.pool();
    const clock = { now: () => T, setTimeout: () => 0, clearTimeout: () => undefined };
    const s = await open(pool, { requests: KEYS, clock });
    expect(await keyed(s, 'slack:old', T)).toBe('counter 1');
    const later = new Date(T.getTime() + KEYS.ttlMs + 1000);
    clock.now = () => later;
    expect(await keyed(s, 'slack:new', later)).toBe('counter 2');
    const { rows: left } = await pool.query('SELECT request_key FROM cutover_requests');
    expect(left.map((r) => r.request_key)).toEqual(['slack:new']);
    expect(await keyed(s, 'slack:old', later)).toBe('counter 3');
  });

  it('a row written with its keys inside (the version before) has the live ones moved to the table on open, once', async () => {
    const url = await databases.make();
    const pool = await databases.pool(url);
    await migratePostgres(pool);
    const inside = {
      counter: 1,
      items: [],
      requests: {
        'slack:live': { at: new Date().toISOString(), message: 'counter 1' },
        'slack:stale': { at: new Date(Date.now() - KEYS.ttlMs - 60_000).toISOString(), message: 'old' },
      },
    };
    await pool.query(
      'INSERT INTO cutover_documents (key, schema_version, doc, history_length) VALUES ($1, 1, $2, 0)',
      ['program-a', JSON.stringify(inside)],
    );
    const [a, b] = await Promise.all([
      open(pool, { requests: KEYS }),
      open(await databases.pool(url), { requests: KEYS }),
    ]);
    const { doc } = await rows(pool);
    expect(doc.doc).toEqual({ counter: 1, items: [] });
    const { rows: moved } = await pool.query('SELECT request_key FROM cutover_requests');
    expect(moved.map((r) => r.request_key)).toEqual(['slack:live']);
    expect(await keyed(a, 'slack:live', new Date())).toBe('replayed: counter 1');
    expect(await keyed(b, 'slack:live', new Date())).toBe('replayed: counter 1');
    expect(await keyed(b, 'slack:stale', new Date())).toBe('counter 2');
  });
});
