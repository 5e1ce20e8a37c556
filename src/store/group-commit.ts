/**
 * The group-commit engine every adapter of the store port shares (JSON file, PostgreSQL, memory): the queue of
 * updates waiting for the writer, the drain that takes them a group at a time, and the loop that decides a group.
 * What differs between adapters is only how a group is committed (one log append and one document write; one
 * transaction), which each gives as `commit`.
 *
 * - `GroupQueue`: while the writer is busy, updates wait; when it is free it takes every update waiting (up to
 *   `maxGroup`) and hands them to `commit`, which settles each; what `commit` leaves undecided (its decide budget
 *   ran out) goes back to the front of the queue, to start the next group. Calls settle in call order.
 * - `decideGroup`: decides the updates of a group one after another, each against what the one before produced
 *   (frozen, under a top level of its own), with the request key it names looked up (what was applied under it, if
 *   still live), until `budgetMs` have passed. An update that throws (one that changes the document in place
 *   does), fails validation or has passed its deadline (on the store's clock) is refused alone: the others go on as
 *   if it had not been made. Each change is validated for what it changed and only that (changed-parts.ts), so a
 *   later change of the group can never make an invalid one pass, and nothing it did not change is copied or
 *   parsed again. Immediately before the write the deadlines are checked again: a change whose deadline passed
 *   while its group was decided is refused, and the group decided again without it.
 */
import type { z } from 'zod';
import type { Clock } from '../runtime/clock.js';
import { changedPartsValidated, deepFrozen, sharedWith } from './changed-parts.js';
import { describeIssues, lateError, StoreError } from './errors.js';
import type { AppendOnlyLog, RequestKeys, UpdateFn, UpdateOptions } from './store.js';
import { appendedEntries, entriesOf, withEntries } from './validate.js';

/** An update waiting for the writer. */
export interface Pending<T> {
  fn: UpdateFn<T, unknown>;
  deadline: number | undefined;
  /** The request key it is applied under, and the instant (epoch ms) it is made at. */
  request: { key: string; now: number } | undefined;
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
}

/** How one update of a group was decided: its answer, to give once the group is committed. */
export type Decided = { ok: true; result: unknown } | { ok: false; error: unknown };

/** What a request key holds: what was applied under it, and when (epoch ms). */
export interface RequestRecord {
  key: string;
  at: number;
  applied: unknown;
}

/** The queue and its drain; `commit` decides and commits a group, settles it, and returns what it left undecided. */
export class GroupQueue<T> {
  readonly #commit: (group: Pending<T>[]) => Promise<Pending<T>[]>;
  readonly #maxGroup: number;
  #queue: Pending<T>[] = [];
  /** The writer while it runs: it takes groups off the queue until the queue is empty. */
  #writer: Promise<void> | undefined;

  constructor(commit: (group: Pending<T>[]) => Promise<Pending<T>[]>, maxGroup = Number.POSITIVE_INFINITY) {
    this.#commit = commit;
    this.#maxGroup = maxGroup;
  }

  submit<R>(fn: UpdateFn<T, R>, options: UpdateOptions | undefined): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const r = options?.request;
      this.#queue.push({
        fn: fn as UpdateFn<T, unknown>,
        deadline: options?.deadline,
        request: r ? { key: r.key, now: r.now.getTime() } : undefined,
        resolve: resolve as (result: unknown) => void,
        reject,
      });
      this.#writer ??= this.#drain();
    });
  }

  /** Resolves once nothing is queued or being committed. */
  async idle(): Promise<void> {
    while (this.#writer) await this.#writer;
  }

  async #drain(): Promise<void> {
    await Promise.resolve(); // updates made in the same tick as the first join its group
    while (this.#queue.length > 0) {
      const group = this.#queue.splice(0, this.#maxGroup);
      try {
        const left = await this.#commit(group);
        if (left.length) this.#queue.unshift(...left);
      } catch (error) {
        for (const p of group) p.reject(error); // a bug here must not leave callers waiting (settled ones stay)
      }
    }
    this.#writer = undefined;
  }
}

/** Settles each decided call of `group`, in order. */
export function settle<T>(group: readonly Pending<T>[], answers: Map<Pending<T>, Decided>): void {
  for (const p of group) {
    const d = answers.get(p);
    if (d?.ok) p.resolve(d.result);
    else if (d) p.reject(d.error);
  }
}

export interface DecideSpec<T> {
  where: string;
  schema: z.ZodType<T>;
  log: Required<AppendOnlyLog> | undefined;
  requests: RequestKeys | undefined;
  clock: Clock;
  /** What was committed under `key`, if it is younger than the TTL at `now` (epoch ms). */
  applied: (key: string, now: number) => unknown;
  /** How long deciding one group may take before the rest wait for the next (default 200 ms). */
  budgetMs?: number;
}

export interface DecidedGroup<T> {
  answers: Map<Pending<T>, Decided>;
  /** Not decided (the budget ran out): for the next group. */
  left: Pending<T>[];
  /** Whether anything is to be written. */
  changed: boolean;
  /** The document as decided, without its history field; validated (a copy no caller holds) when changed. */
  doc: T;
  /** The whole history the group ends with (the tail it was given, then what it added). */
  history: unknown[];
  /** The history entries the group added. */
  added: unknown[];
  /** The request keys to record, one per key (the last applied under it). */
  recorded: RequestRecord[];
}

/**
 * How long the writer may spend deciding one group: the first change decided waits for the rest of its group and
 * the write, and must still be answered within Slack's 3 seconds.
 */
export const GROUP_BUDGET_MS = 200;

/**
 * Decides `group` against `committed` (its history field the newest entries held; frozen, as every document this
 * returns is).
 */
export function decideGroup<T>(
  spec: DecideSpec<T>,
  committed: T,
  group: readonly Pending<T>[],
): DecidedGroup<T> {
  const { where, log, requests, clock } = spec;
  const field = log?.field;
  const hot = (doc: T): T => (field ? withEntries(doc, field, []) : doc);
  // The latest decided state, frozen: each fn is handed it under a top level of its own, so that what a fn sets
  // there and then throws, or does not return, reaches nobody; deeper, a change made in place throws.
  let source = Object.freeze(hot(deepFrozen(committed)));
  const before = field ? entriesOf(committed, field) : [];
  const history = [...before];
  const recorded = new Map<string, RequestRecord>();
  const answers = new Map<Pending<T>, Decided>();
  const left: Pending<T>[] = [];
  let changed = false;
  const started = performance.now();
  const budget = spec.budgetMs ?? GROUP_BUDGET_MS;
  for (const [i, p] of group.entries()) {
    if (i > 0 && performance.now() - started >= budget) {
      left.push(...group.slice(i));
      break;
    }
    const now = clock.now().getTime();
    if (p.deadline !== undefined && now > p.deadline) {
      answers.set(p, { ok: false, error: lateError(where, p.deadline, now) });
      continue;
    }
    try {
      const key = p.request?.key;
      const seen =
        p.request && key !== undefined
          ? (recorded.get(key)?.applied ?? spec.applied(key, p.request.now))
          : undefined;
      const given = field ? withEntries(source, field, [...history]) : ({ ...source } as T);
      const { next, result, applied } = p.fn(given, seen);
      let doc: T | undefined;
      let added: unknown[] = [];
      if (next !== undefined) {
        added = log ? appendedEntries(where, log, history, next) : [];
        const made = sharedWith(hot(next), source);
        doc = Object.freeze(deepFrozen(changedPartsValidated(where, spec.schema, source, made)));
      }
      let record: RequestRecord | undefined;
      if (applied !== undefined && p.request && key !== undefined) {
        if (!requests)
          throw new StoreError('invalid', where, `Refused to write ${where}: it keeps no request keys.`);
        record = { key, at: p.request.now, applied: appliedEntry(where, requests, applied) };
      }
      if (doc !== undefined) {
        source = doc;
        history.push(...added);
        changed = true;
      }
      if (record) {
        recorded.set(record.key, record);
        changed = true;
      }
      answers.set(p, { ok: true, result });
    } catch (error) {
      answers.set(p, { ok: false, error });
    }
  }
  if (!changed) return { answers, left, changed, doc: source, history, added: [], recorded: [] };
  // Checked again immediately before the write: a change whose deadline passed while its group was decided is
  // refused unwritten (its person is, or will be, shown a timeout), and the group decided again without it.
  const late = lateOnes(group, answers, clock.now().getTime());
  if (late.length) {
    const rest = group.filter((p) => !late.includes(p) && !left.includes(p));
    const again = decideGroup(spec, committed, rest);
    const now = clock.now().getTime();
    for (const p of late) answers.set(p, { ok: false, error: lateError(where, p.deadline ?? now, now) });
    for (const [p, d] of again.answers) answers.set(p, d);
    return { ...again, answers, left: [...left, ...again.left] };
  }
  return {
    answers,
    left,
    changed,
    doc: source,
    history,
    added: history.slice(before.length),
    recorded: [...recorded.values()],
  };
}

/** The updates of `group` decided to go ahead whose deadline is before `now`. */
function lateOnes<T>(
  group: readonly Pending<T>[],
  answers: Map<Pending<T>, Decided>,
  now: number,
): Pending<T>[] {
  return group.filter((p) => p.deadline !== undefined && now > p.deadline && answers.get(p)?.ok === true);
}

/** What an update recorded under its request key, validated. */
function appliedEntry(where: string, requests: RequestKeys, applied: unknown): unknown {
  const parsed = requests.entry.safeParse(applied);
  if (parsed.success) return parsed.data;
  throw new StoreError(
    'invalid',
    where,
    `Refused to write ${where}: what was recorded under the request key does not match the schema: ${describeIssues(parsed.error.issues)}. Nothing was written.`,
  );
}

/** Expired request keys are dropped this many times per TTL (hourly for 24 hours), not on every change. */
export const SWEEPS_PER_TTL = 24;

/**
 * The live request keys a store holds in memory (the JSON file, memory): an index from key to what was applied
 * under it and when. Expired keys answer nothing and are dropped as they are met, and by `sweep`.
 */
export class RequestIndex {
  readonly #ttlMs: number;
  readonly #byKey = new Map<string, RequestRecord>();

  constructor(ttlMs: number) {
    this.#ttlMs = ttlMs;
  }

  get size(): number {
    return this.#byKey.size;
  }

  /** What was applied under `key`, if younger than the TTL at `now`. */
  applied(key: string, now: number): unknown {
    const r = this.#byKey.get(key);
    return r && r.at > now - this.#ttlMs ? r.applied : undefined;
  }

  set(r: RequestRecord): void {
    this.#byKey.delete(r.key); // kept in the order recorded: the oldest first
    this.#byKey.set(r.key, r);
  }

  /** Drops the keys expired at `now`; returns the live ones, oldest first. */
  sweep(now: number): RequestRecord[] {
    const cutoff = now - this.#ttlMs;
    for (const [key, r] of this.#byKey) if (r.at <= cutoff) this.#byKey.delete(key);
    return [...this.#byKey.values()];
  }
}
