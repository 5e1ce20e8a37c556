/**
 * A change is validated for what it is: the store validates the whole document when it opens it, and a group of
 * changes once (store/group-commit.ts), not each change against the whole document. The property: whatever mix of
 * real changes (the core's, through the service, with alerts and request keys) and broken ones (a field of the
 * document set to anything, in the same groups), what the JSON file holds on disk always parses with the full
 * schema, every history line with its own, and the store opens it again to the document it last handed out.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { alertsHook } from '../../src/alerts/messages.js';
import { HistoryEntry } from '../../src/core/schema.js';
import { createCutoverService } from '../../src/service/cutover-service.js';
import { newDocument, REQUEST_KEYS, STORE_VERSION, StoreDocument } from '../../src/service/document.js';
import { logPathOf, openJsonFileStore } from '../../src/store/json-file/index.js';
import { manualClock } from '../alerts/clock.js';
import { A, seeded, T0 } from '../core/fixtures.js';
import { tempDirs } from './helpers.js';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const open = (path: string) =>
  openJsonFileStore({
    path,
    schema: StoreDocument,
    version: STORE_VERSION,
    create: () => newDocument({ ...seeded(), channel: 'C0CUTOVER' }),
    log: { field: 'history', entry: HistoryEntry },
    requests: REQUEST_KEYS,
    clock: manualClock(T0),
  });

const text = fc.string({ minLength: 0, maxLength: 40 });
/** A command a person might send: valid or not, the core decides. */
const command = fc.oneof(
  fc.record({
    type: fc.constant('blocker.add'),
    owner: fc.constantFrom('decision-log-owner', 'nobody'),
    title: text,
  }),
  fc.record({
    type: fc.constant('gate.set'),
    gate: fc.constantFrom('alignment', 'producer-suite', 'nope'),
    status: fc.constantFrom('green', 'red', 'pending', 'purple'),
  }),
  fc.record({
    type: fc.constant('role.assign'),
    role: fc.constant('decision-log-owner'),
    user: fc.constantFrom('UONE', 'UTWO', 'bad id'),
  }),
  fc.record({
    type: fc.constant('evidence.log'),
    evidence: fc.constant('producer-handoff'),
    url: fc.webUrl(),
  }),
);
/** A write that breaks the document: a top-level field, or a blocker, set to anything. */
const breakage = fc.record({
  field: fc.constantFrom('cutover', 'outbox', 'delivered', 'reminders', 'users', 'lease', 'blocker'),
  value: fc.jsonValue({ maxDepth: 2 }),
});
const op = fc.oneof(
  fc.record({
    kind: fc.constant('run' as const),
    command,
    key: fc.option(fc.constantFrom('k1', 'k2', 'k3')),
  }),
  fc.record({ kind: fc.constant('break' as const), breakage }),
);

describe('what the store writes', () => {
  it('always parses with the full schema, whatever the changes of a group (validated once per group)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(op, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 }),
        async (groups) => {
          const path = join(await dirs.make(), 'cutover.json');
          const store = await open(path);
          const service = createCutoverService(store, { compose: alertsHook() });
          // At once: each group of calls is decided as one group of the writer.
          for (const group of groups)
            await Promise.allSettled(
              group.map((o) =>
                o.kind === 'run'
                  ? service.run(o.command, A.admin, T0, o.key ? { requestKey: o.key } : {})
                  : store.update((d) => {
                      const { field, value } = o.breakage;
                      if (field === 'blocker')
                        return {
                          next: {
                            ...d,
                            cutover: { ...d.cutover, blockers: [...d.cutover.blockers, value as never] },
                          },
                          result: undefined,
                        };
                      return { next: { ...d, [field]: value }, result: undefined };
                    }),
              ),
            );
          const handedOut = store.snapshot();
          await store.close();
          const onDisk = JSON.parse(await readFile(path, 'utf8'));
          expect(StoreDocument.safeParse({ ...onDisk.data, history: [] }).success).toBe(true);
          const lines = (await readFile(logPathOf(path, 'history'), 'utf8')).split('\n').filter(Boolean);
          expect(lines).toHaveLength(onDisk.logLength);
          for (const l of lines) expect(HistoryEntry.safeParse(JSON.parse(l)).success).toBe(true);
          const again = await open(path);
          expect(again.snapshot()).toEqual(handedOut);
          await again.close();
        },
      ),
      { numRuns: 40 },
    );
  }, 60_000);

  it('refuses every change whose own result does not parse, though a later change of its group repairs it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ breakage, repaired: fc.boolean(), command }), { minLength: 1, maxLength: 5 }),
        async (ops) => {
          const path = join(await dirs.make(), 'cutover.json');
          const store = await open(path);
          const service = createCutoverService(store, { compose: alertsHook() });
          const good = store.snapshot();
          /** The document `d` with the change's breakage, as one change would write it. */
          const broken = (
            d: typeof good,
            { field, value }: typeof breakage extends fc.Arbitrary<infer B> ? B : never,
          ) =>
            field === 'blocker'
              ? { ...d, cutover: { ...d.cutover, blockers: [...d.cutover.blockers, value as never] } }
              : { ...d, [field]: value };
          // One group: each breakage, then (maybe) a change that puts the field back as it was, then a real change.
          const calls = ops.flatMap((o) => {
            const field = o.breakage.field === 'blocker' ? 'cutover' : o.breakage.field;
            const breaking = store.update((d) => ({ next: broken(d, o.breakage), result: 'applied' }));
            const repair = () =>
              store.update((d) => ({
                next: { ...d, [field]: (good as Record<string, unknown>)[field] },
                result: 'repaired',
              }));
            const real = service.run(o.command, A.admin, T0);
            return [{ o, call: breaking }, ...(o.repaired ? [{ call: repair() }] : []), { call: real }];
          });
          const answers = await Promise.allSettled(calls.map((c) => c.call));
          for (const [i, c] of calls.entries()) {
            if (!('o' in c) || !c.o) continue;
            // Alone, on the good document, would its result parse? Then it may be applied; if not, it is refused.
            const parses = StoreDocument.safeParse({ ...broken(good, c.o.breakage), history: [] }).success;
            const answer = answers[i];
            if (!parses) {
              expect(answer?.status).toBe('rejected');
              expect((answer as PromiseRejectedResult).reason.code).toBe('invalid');
            }
          }
          await store.close();
          const onDisk = JSON.parse(await readFile(path, 'utf8'));
          expect(StoreDocument.safeParse({ ...onDisk.data, history: [] }).success).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  }, 60_000);
});
