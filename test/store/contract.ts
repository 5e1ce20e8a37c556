/**
 * The store port's contract (src/store/store.ts), run against every adapter: `describeStoreContract(name, open)`
 * where `open` makes a fresh, empty store of the adapter for one test. What it holds for any adapter: updates
 * one at a time in call order; a refusal (no `next`, a throw, a schema failure, a passed deadline) writes nothing;
 * `snapshot()` and `read()` show a change once its update has resolved and never before; `close()` lets queued
 * updates finish and refuses later ones; the history field is append-only and only its newest `keep` are held.
 * Each adapter's own tests (test/store/json-file/) show the rest: the file on disk, the lock, fsync, health on a disk.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type AppendOnlyLog, type RequestKeys, type Store, StoreError } from '../../src/store/store.js';
import { type ManualClock, manualClock } from '../alerts/clock.js';

export const Entry = z.object({ seq: z.number().int().positive(), text: z.string().min(1) });
export const ContractDoc = z.object({
  counter: z.number().int().nonnegative(),
  items: z.array(z.object({ name: z.string().min(1) })),
  history: z.array(Entry),
});
export type ContractDoc = z.infer<typeof ContractDoc>;

/** What the contract opens a store with; the adapter adds its own (a path, a version). */
export interface ContractOptions {
  schema: z.ZodType<ContractDoc>;
  create: () => ContractDoc;
  log: AppendOnlyLog;
  requests: RequestKeys;
  /** The store's clock: deadlines and request-key expiry are read on it, so no test waits in real time. */
  clock: ManualClock;
}

/** What the contract records under a request key. */
export const Applied = z.object({ message: z.string().min(1) });
const TTL_MS = 24 * 3600_000;
const T0 = new Date('2026-03-01T10:00:00.000Z');

export type OpenForContract = (opts: ContractOptions) => Promise<Store<ContractDoc>>;

/** How many history entries the contract's stores hold in memory. */
const KEEP = 3;

const empty = (): ContractDoc => ({ counter: 0, items: [], history: [] });

/** The StoreError a promise rejects with (fails the test if it resolves or throws something else). */
async function refusal(p: Promise<unknown>): Promise<StoreError> {
  const e = await p.then(
    () => expect.fail('expected a StoreError, but the call succeeded'),
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(StoreError);
  return e as StoreError;
}

/** One change: the counter goes up and one history line is appended. */
const change = (s: Store<ContractDoc>, text = 'x', options?: { deadline: number }) =>
  s.update((d) => {
    const seq = (d.history.at(-1)?.seq ?? 0) + 1;
    return {
      next: { ...d, counter: d.counter + 1, history: [...d.history, { seq, text }] },
      result: seq,
    };
  }, options);

export function describeStoreContract(name: string, open: OpenForContract): void {
  describe(`the store port, on ${name}`, () => {
    const opened: Store<ContractDoc>[] = [];
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });
    let clock = manualClock(T0);
    async function fresh(create: () => ContractDoc = empty): Promise<Store<ContractDoc>> {
      clock = manualClock(T0);
      const s = await open({
        schema: ContractDoc,
        create,
        log: { field: 'history', entry: Entry, keep: KEEP },
        requests: { entry: Applied, ttlMs: TTL_MS },
        clock,
      });
      opened.push(s);
      return s;
    }

    it('starts from create(), validated: a first document that fails the schema is refused (invalid)', async () => {
      const s = await fresh(() => ({ ...empty(), items: [{ name: 'db' }] }));
      expect(s.snapshot()).toEqual({ counter: 0, items: [{ name: 'db' }], history: [] });
      expect(await s.read()).toEqual(s.snapshot());

      const e = await refusal(fresh(() => ({ ...empty(), counter: -1 })));
      expect(e.code).toBe('invalid');
      expect(e.message).toContain('counter');
    });

    it('applies concurrent updates one at a time, in the order they were made', async () => {
      const s = await fresh();

      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => change(s, `c${i}`)));

      expect(results).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect((await s.read()).counter).toBe(50);
      expect(s.snapshot().history.map((h) => h.text)).toEqual(['c47', 'c48', 'c49']);
    });

    it('a refusal writes nothing: fn returning no next, throwing after changing its copy, or changing the document in place; later updates go on', async () => {
      const s = await fresh();
      await change(s, 'kept');
      const before = structuredClone(await s.read());

      expect(await s.update((d) => ({ result: d.counter }))).toBe(1);
      await expect(
        s.update((d) => {
          d.counter = 99; // its own top level: must not leak
          d.history.push({ seq: 99, text: 'half-done' });
          throw new Error('no such blocker');
        }),
      ).rejects.toThrow('no such blocker');
      // Below its top level, fn is handed the committed document itself, frozen: a change in place throws.
      await expect(
        s.update((d) => {
          d.items.push({ name: 'half-done' });
          return { next: d, result: undefined };
        }),
      ).rejects.toThrow(TypeError);
      // A change made to the copy without returning it is no change either.
      await s.update((d) => {
        d.counter = 42;
        return { result: undefined };
      });

      expect(await s.read()).toEqual(before);
      expect(s.snapshot()).toEqual(before);
      expect(await change(s, 'after')).toBe(2);
    });

    it('updates made at once each get their own top level: what one changes and throws, does not return, or changes in place, reaches neither the next nor the store', async () => {
      const s = await fresh();

      const calls = [
        change(s, 'a'),
        s.update((d) => {
          d.counter = 99; // its own top level, over what 'a' decided
          d.history.push({ seq: 99, text: 'half-done' });
          throw new Error('gave up');
        }),
        change(s, 'b'),
        s.update((d) => {
          d.items.push({ name: 'in place' }); // the document 'b' decided, frozen: refused alone
          return { next: d, result: 'pushed' };
        }),
        s.update((d) => {
          const read = d.counter;
          d.counter = 7; // the last of the group: its top level must not be what is written
          d.history.push({ seq: 99, text: 'not returned' });
          return { result: `read ${read}` };
        }),
      ];
      const settled = await Promise.allSettled(calls);

      expect(settled.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).name))).toEqual([
        1,
        'Error',
        2,
        'TypeError',
        'read 2',
      ]);
      expect((settled[1] as PromiseRejectedResult).reason.message).toBe('gave up');
      const written = {
        counter: 2,
        items: [],
        history: [
          { seq: 1, text: 'a' },
          { seq: 2, text: 'b' },
        ],
      };
      expect(await s.read()).toEqual(written);
      expect(s.snapshot()).toEqual(written);
    });

    it('a next that fails the schema is refused (invalid), naming the field; the state stays and the queue goes on', async () => {
      const s = await fresh();
      await s.update((d) => ({ next: { ...d, items: [{ name: 'db' }] }, result: undefined }));

      const calls = [
        s.update((d) => ({ next: { ...d, items: [...d.items, { name: '' }] }, result: 'bad' })),
        change(s, 'next one'),
      ];
      const e = await refusal(calls[0] as Promise<unknown>);

      expect(e.code).toBe('invalid');
      expect(e.message).toContain('items[1].name');
      expect(e.message).toContain('Nothing was written');
      expect(await calls[1]).toBe(1);
      expect(await s.read()).toEqual({
        counter: 1,
        items: [{ name: 'db' }],
        history: [{ seq: 1, text: 'next one' }],
      });
    });

    it('an update whose deadline passed before its turn is refused (deadline), unwritten; one in time goes through', async () => {
      const s = await fresh();

      const now = () => clock.now().getTime();
      const late = await refusal(change(s, 'late', { deadline: now() - 1 }));
      expect(late.code).toBe('deadline');
      expect(late.message).toContain('Nothing was written');
      expect(await s.read()).toEqual(empty());

      // Waiting behind a slow update: its deadline passes (on the store's clock) while the one before it is decided.
      const deadline = now() + 5;
      const slow = s.update((d) => {
        clock.advance(10); // deciding takes past the next one's deadline
        return { next: { ...d, counter: d.counter + 1 }, result: 'slow' };
      });
      const behind = change(s, 'behind', { deadline });
      const inTime = change(s, 'in time', { deadline: now() + 60_000 });

      expect(await slow).toBe('slow');
      expect((await refusal(behind)).code).toBe('deadline');
      expect(await inTime).toBe(1);
      expect((await s.read()).history.map((h) => h.text)).toEqual(['in time']);
    });

    it('a change whose deadline passes while its group is decided is refused (deadline) and its group written without it', async () => {
      const s = await fresh();
      const now = () => clock.now().getTime();
      // Decided in time, but the change after it in the same group takes past its deadline before the write.
      const first = change(s, 'first', { deadline: now() + 5 });
      const slow = s.update((d) => {
        clock.advance(10);
        const seq = (d.history.at(-1)?.seq ?? 0) + 1;
        return {
          next: { ...d, counter: d.counter + 10, history: [...d.history, { seq, text: 'slow' }] },
          result: seq,
        };
      });
      const inTime = change(s, 'in time', { deadline: now() + 60_000 });

      const late = await refusal(first);
      expect(late.code).toBe('deadline');
      expect(late.message).toContain('Nothing was written');
      // Decided again without the late one: its history line and its counter are not there, and the sequence is whole.
      expect(await slow).toBe(1);
      expect(await inTime).toBe(2);
      const after = await s.read();
      expect(after.history.map((h) => h.text)).toEqual(['slow', 'in time']);
      expect(after.counter).toBe(11);
    });

    it('a request key: fn gets what was applied under it while it is live, committed with the change; a refusal records nothing', async () => {
      const s = await fresh();
      /** A change applied once under `key` at `at`: what it (or the first under that key) answered. */
      const keyed = (key: string, at: Date, refuse = false) =>
        s.update<string>(
          (d, applied) => {
            const seen = applied as { message: string } | undefined;
            if (seen) return { result: `again: ${seen.message}` };
            if (refuse) return { result: 'refused' };
            const message = `counter ${d.counter + 1}`;
            return { next: { ...d, counter: d.counter + 1 }, result: message, applied: { message } };
          },
          { request: { key, now: at } },
        );

      expect(await keyed('k1', T0)).toBe('counter 1');
      expect(await keyed('k1', new Date(T0.getTime() + 60_000))).toBe('again: counter 1');
      // One group, one key: the second sees what the first recorded.
      expect(await Promise.all([keyed('k2', T0), keyed('k2', T0)])).toEqual([
        'counter 2',
        'again: counter 2',
      ]);
      expect(await keyed('k3', T0, true)).toBe('refused');
      expect(await keyed('k3', T0)).toBe('counter 3');
      // What is recorded is validated: a bad one is refused (invalid) with its change.
      const bad = await refusal(
        s.update((d) => ({ next: { ...d, counter: 99 }, result: undefined, applied: { message: '' } }), {
          request: { key: 'k4', now: T0 },
        }),
      );
      expect(bad.code).toBe('invalid');
      expect((await s.read()).counter).toBe(3);
      // Past the TTL a key is forgotten: the same key applies again.
      const later = new Date(T0.getTime() + TTL_MS + 1000);
      clock.advanceTo(later);
      expect(await keyed('k1', later)).toBe('counter 4');
      expect(await keyed('k1', later)).toBe('again: counter 4');
      expect(await keyed('k2', later)).toBe('counter 5');
    });

    it('snapshot() and read() show a change once its update resolves, never while it is being decided', async () => {
      const s = await fresh();
      const seen: ContractDoc[] = [];

      const done = s.update((d) => {
        seen.push(s.snapshot());
        return { next: { ...d, counter: 7 }, result: undefined };
      });
      await done;

      expect(seen).toEqual([empty()]);
      expect(s.snapshot().counter).toBe(7);
      expect((await s.read()).counter).toBe(7);
    });

    it('history is append-only: new entries validated, a rewrite or a drop refused (invalid); the newest keep held', async () => {
      const s = await fresh();
      for (const text of ['a', 'b', 'c', 'd', 'e']) await change(s, text);

      expect(s.snapshot().history).toEqual([
        { seq: 3, text: 'c' },
        { seq: 4, text: 'd' },
        { seq: 5, text: 'e' },
      ]);
      const rewrite = await refusal(
        s.update((d) => ({
          next: { ...d, history: d.history.map((h) => ({ ...h, text: 'rewritten' })) },
          result: undefined,
        })),
      );
      expect(rewrite.code).toBe('invalid');
      expect(rewrite.message).toContain('may only be appended to');
      const drop = await refusal(
        s.update((d) => ({ next: { ...d, history: d.history.slice(1) }, result: undefined })),
      );
      expect(drop.code).toBe('invalid');
      const bad = await refusal(
        s.update((d) => ({
          next: { ...d, history: [...d.history, { seq: 6, text: '' }] },
          result: undefined,
        })),
      );
      expect(bad.code).toBe('invalid');
      expect(bad.message).toContain('history entry 1');
      expect((await s.read()).history.map((h) => h.seq)).toEqual([3, 4, 5]);
      expect(await change(s, 'f')).toBe(6);
    });

    it('close() lets queued updates finish, then refuses updates and reads (closed); health says it is closed', async () => {
      const s = await fresh();
      expect(await s.health()).toEqual({ ok: true });

      const queued = Array.from({ length: 5 }, (_, i) => change(s, `q${i}`));
      await s.close();

      expect(await Promise.all(queued)).toEqual([1, 2, 3, 4, 5]);
      expect(s.snapshot().counter).toBe(5);
      expect((await refusal(change(s))).code).toBe('closed');
      expect((await refusal(s.read())).code).toBe('closed');
      expect((await s.health()).ok).toBe(false);
    });
  });
}
