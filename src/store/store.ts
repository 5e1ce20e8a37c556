/**
 * The store port: what the service needs from storage, and nothing about how it is kept. Adapters beside it:
 * `json-file/` (lowdb, one process, the default), `memory.ts` (tests), and `postgres/` (many processes; not wired
 * in yet). Nothing above the port knows about paths, locks, fsync or connections; `bot.ts` picks the adapter.
 *
 * Reads come in two kinds, because once a second process can write, what this process holds in memory is only
 * what it last heard:
 * - `snapshot()` is synchronous and may lag another process's writes: for display (status, App Home, the record).
 *   A change is never decided against it: the rules run inside `update`.
 * - `update(fn)` is where the rules run: fn gets the latest committed document inside the one transaction that
 *   commits its result. `read()` is the latest committed document, asked of the storage now.
 *
 * How each adapter keeps that honest:
 * - JSON file: a lock file makes this process the only writer, so its committed copy IS the latest committed state:
 *   `read()` answers it, and `snapshot()` is the same copy. `update` queues in one writer (group commit), fsyncs,
 *   then settles.
 * - Memory: one copy, one queue; `snapshot()` and `read()` are the same.
 * - PostgreSQL: `update` is one transaction: `SELECT … FOR UPDATE` locks the program's row (so writers in
 *   every process queue on the row, not in memory), fn decides against that row, the result is validated, the new
 *   history rows are INSERTed and the row UPDATEd with its revision + 1, `NOTIFY` carries the key and revision,
 *   COMMIT, and only then does the promise settle. A deadline becomes the transaction's `lock_timeout`/
 *   `statement_timeout` plus a check once the row lock is granted (a late change rolls back: code `deadline`).
 *   `read()` is a `SELECT` of the row and its history tail. `snapshot()` is the copy from the last commit this
 *   process made or heard of: refreshed on `LISTEN` notifications from other processes, and by polling the row's
 *   revision every few seconds as a backstop (a notification is lost while the connection is down), so it lags by
 *   at most that. `health()` is a `SELECT 1` within a timeout, plus whether the last transaction failed. `close()`
 *   waits for transactions in flight and `UNLISTEN`s; the pool is its owner's to end (one pool serves every
 *   document of a database). Its read-only mode (the offline record, to come) is a read-only connection whose
 *   `read()` SELECTs.
 *
 * The history field of a document is append-only on every adapter (`AppendOnlyLog`): an update may add entries
 * after the ones it was given, never change or drop them; only the newest `keep` are held in memory.
 */
import type { z } from 'zod';

export type { StoreErrorCode } from './errors.js';
export { StoreError } from './errors.js';

/** The read side: a document that can be looked at. A read-only store (the offline record) is only this. */
export interface StoreReader<T> {
  /**
   * The latest document this process knows of, at once: after its own commits, and (for a store other processes
   * write) as far as it has heard of theirs, so it may lag them. For display only: rules never run against it (they
   * run inside `update`). It is frozen: it cannot be changed in place.
   */
  snapshot(): T;
  /** The latest committed document, asked of the storage now (frozen). */
  read(): Promise<T>;
  /** Waits for work in flight, then lets go of what the store holds. Later reads and updates reject ('closed'). */
  close(): Promise<void>;
}

export interface Store<T> extends StoreReader<T> {
  /**
   * One transaction. Runs `fn` against the latest committed document, frozen below a top level of fn's own (fn may
   * set fields of that top level; anything deeper it replaces, never changes in place: that throws, and the call is
   * refused). If fn returns `{ next }`, `next` is validated (schema; history only appended to) and committed
   * durably, and only then does the promise resolve with `result`; `snapshot()` shows it from then on. If fn returns
   * no `next`, nothing is written. If fn throws or validation fails, that call rejects (a validation failure with
   * a StoreError 'invalid') and nothing of it is written; later calls go on. If the commit fails, the call rejects
   * and the document is as it was. Calls made by this process settle in the order they were made.
   *
   * fn must be pure: an adapter may run it against a document another process has just changed, and a database
   * adapter may run it again after a serialization failure.
   */
  update<R>(fn: UpdateFn<T, R>, options?: UpdateOptions): Promise<R>;
  /** Whether a change could be committed now; if not, `message` says why and what to do. */
  health(): Promise<StoreHealth>;
  /**
   * True when this process is the store's only writer (the JSON file's lock, memory): a claim between replicas
   * (alerts/lease.ts) always falls to it, so none is written. Absent on a store many processes share.
   */
  readonly exclusive?: boolean;
  /**
   * Hears when `snapshot()` moved to a state another process committed (never for this process's own commits,
   * which their callers hear of). Adapters with one writer (the JSON file, memory) have nothing to tell and may
   * leave it out. Returns an unsubscribe function.
   */
  onChange?(listener: () => void): () => void;
}

/**
 * What an update decides. `applied` is what was recorded under the update's request key (UpdateOptions.request)
 * while it is younger than the store's TTL, else undefined. Returning `applied` records it under that key, in the
 * same transaction as `next` (with or without one): a repeat of the request then gets it.
 */
export type UpdateFn<T, R> = (current: T, applied?: unknown) => { next?: T; result: R; applied?: unknown };

export interface UpdateOptions {
  /**
   * Epoch milliseconds, on the store's clock (the bot's: `clock` when the adapter was opened), by which the change
   * must have been decided: checked when its turn comes and again immediately before its group is written; later,
   * it is refused unwritten with a StoreError 'deadline' (Slack's 3-second ack window has passed, or will have by
   * the time it is answered, so a retry would be a duplicate).
   */
  deadline?: number;
  /**
   * The request this update applies (Slack trigger_id, view id + hash, Events API event_id, CI Idempotency-Key)
   * and the instant it is made at: the adapter hands fn what was applied under `key` if it is younger than the TTL
   * at `now`, and records what fn returns as `applied` under it. Kept beside the document, not in it (RequestKeys).
   */
  request?: { key: string; now: Date };
}

/**
 * The request keys a store keeps beside its document, so that a change costs the same however many are live: the
 * JSON file in an append-only `.requests.jsonl` beside the document (compacted past the TTL), PostgreSQL in the
 * `cutover_requests` table (swept past the TTL), memory in a map; each looked up by key.
 */
export interface RequestKeys {
  /** What is recorded under a key is validated with this (the answer the request got). */
  entry: z.ZodType<unknown>;
  /** How long a key is remembered (ms). */
  ttlMs: number;
  /**
   * The field where a document written by an earlier version kept its keys (a record from key to an entry with an
   * ISO `at`): on open, its live keys are moved out beside the document, once, and the field is dropped.
   */
  legacyField?: string;
}

/** Whether the store can save changes now; `message` says why not, and what to do. */
export interface StoreHealth {
  ok: boolean;
  message?: string;
}

/**
 * An array field of the document that only grows (history). Adapters keep it apart from the document (the JSON file
 * in a `.jsonl` beside it, a database in a table) so a change costs the same however long it gets; the document
 * they hand out holds only the newest `keep` entries (default 1000), and an update's new entries are those `fn`
 * appends after them.
 */
export interface AppendOnlyLog {
  field: string;
  /** Each new entry is validated with this. */
  entry: z.ZodType<unknown>;
  keep?: number;
}

/**
 * Many documents of one shape, each its own `Store` under a key (one per program), beside a small catalog that
 * says which keys are committed. One program's change touches only its own document (and history), so a change
 * costs the same however many programs there are.
 *
 * - JSON file: the catalog is the store file itself (`data/cutover.json`), the documents are files in a folder
 *   beside it (`data/cutover.programs/<key>.json` and `<key>.history.jsonl`), each with its own lock.
 * - Memory: a map.
 * - PostgreSQL: the catalog is the document `catalog`, each program the document `program:<id>` (a row each, the
 *   history in the history table), in one database that any number of processes share.
 */
export interface DocumentSet<T> {
  /** The keys that have a document now (a committed key whose document is missing is the catalog's to notice). */
  keys(): Promise<string[]>;
  /**
   * Opens the document under `key`, first writing `create()` if there is none. Opened once per key. A document no
   * catalog lists (a start that never committed) is the caller's to overwrite: documents are never deleted, and
   * their history is only appended to.
   */
  open(key: string, create: () => T): Promise<Store<T>>;
  /** Closes every store it opened. */
  close(): Promise<void>;
}

/** A catalog and the documents it lists: the whole of a store with many programs. */
export interface Layout<C, T> {
  catalog: Store<C>;
  documents: DocumentSet<T>;
  /** Set when this open moved a store of the previous layout into this one: what was done, for the log. */
  upgraded?: string;
}
