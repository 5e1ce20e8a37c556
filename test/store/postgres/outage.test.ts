/**
 * The database goes away under load and comes back: a server of this test's own (the shared one stays up for the
 * other files), stopped while changes are being made, then started again on the same port and data.
 */
import type pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StoreError } from '../../../src/store/errors.js';
import { openPostgresStore, type PostgresStore } from '../../../src/store/postgres/index.js';
import { ContractDoc, Entry } from '../contract.js';
import { testDatabases } from './databases.js';
import { startTestServer, type TestServer } from './embedded.js';

let server: TestServer | undefined;
const opened: PostgresStore<ContractDoc>[] = [];
let databases: ReturnType<typeof testDatabases> | undefined;
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  await databases?.cleanup();
  await server?.remove();
  server = undefined;
});

async function open(pool: pg.Pool, pollMs: number): Promise<PostgresStore<ContractDoc>> {
  const s = await openPostgresStore({
    pool,
    key: 'program-a',
    schema: ContractDoc,
    version: 1,
    create: () => ({ counter: 0, items: [], history: [] }),
    log: { field: 'history', entry: Entry },
    pollMs,
    healthTimeoutMs: 1000,
    lockTimeoutMs: 2000,
  });
  opened.push(s);
  return s;
}

const change = (s: PostgresStore<ContractDoc>, text: string) =>
  s.update((d) => {
    const seq = (d.history.at(-1)?.seq ?? 0) + 1;
    return { next: { ...d, counter: d.counter + 1, history: [...d.history, { seq, text }] }, result: seq };
  });

type Outcome = { text: string; ok: true } | { text: string; ok: false; error: unknown };

describe('the database stopped under load', () => {
  it('rejects every change it could not commit (never resolves one), health says so, and it resumes by itself', async () => {
    const up = await startTestServer();
    server = up;
    databases = testDatabases(() => up.url);
    const url = await databases.make();
    const s = await open(await databases.pool(url), 20);
    // Another process, which hears of commits only by LISTEN (its polling is too slow to matter here).
    const other = await open(await databases.pool(url), 3_600_000);

    const outcomes: Outcome[] = [];
    let running = true;
    const worker = async (w: number) => {
      for (let i = 0; running; i++) {
        const text = `w${w}-${i}`;
        try {
          await change(s, text);
          outcomes.push({ text, ok: true });
        } catch (error) {
          outcomes.push({ text, ok: false, error });
          await new Promise((r) => setTimeout(r, 5)); // a caller that tries again, not a spin
        }
      }
    };
    const workers = Array.from({ length: 4 }, (_, w) => worker(w));
    await vi.waitFor(() => expect(outcomes.filter((o) => o.ok).length).toBeGreaterThanOrEqual(20));

    await up.stop();

    const down = await change(s, 'while down').then(
      () => expect.fail('a change resolved while the database was down'),
      (e: unknown) => e,
    );
    expect(down).toBeInstanceOf(StoreError);
    expect((down as StoreError).code).toBe('io');
    expect((down as StoreError).message).toContain('Nothing was written');
    expect((down as StoreError).message).toContain('Check that the PostgreSQL server is up');
    const health = await s.health();
    expect(health.ok).toBe(false);
    expect(health.message).toContain('cannot be reached');
    await expect(s.read()).rejects.toMatchObject({ code: 'io' });

    await up.start();

    await vi.waitFor(async () => expect(await s.health()).toEqual({ ok: true }), { timeout: 10_000 });
    const committedAfter = outcomes.filter((o) => o.ok).length;
    await vi.waitFor(() => expect(outcomes.filter((o) => o.ok).length).toBeGreaterThan(committedAfter + 5));
    running = false;
    await Promise.all(workers);

    const failures = outcomes.filter((o) => !o.ok);
    expect(failures.length).toBeGreaterThan(0);
    for (const f of failures) expect(f.error).toMatchObject({ name: 'StoreError', code: 'io' });
    const latest = await s.read();
    const admin = await databases.pool(url);
    const rows = await admin.query<{ seq: number; text: string }>(
      "SELECT seq, entry->>'text' AS text FROM cutover_history WHERE key = 'program-a' ORDER BY seq",
    );
    expect(rows.rows.map((r) => r.seq)).toEqual(Array.from({ length: latest.counter }, (_, i) => i + 1));
    const kept = new Set(rows.rows.map((r) => r.text));
    expect(outcomes.filter((o) => o.ok && !kept.has(o.text))).toEqual([]); // every one resolved was committed
    expect(kept.has('while down')).toBe(false);
    await vi.waitFor(() => expect(other.snapshot().counter).toBe(latest.counter), { timeout: 10_000 });
  });
});
