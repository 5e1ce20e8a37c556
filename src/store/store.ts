/**
 * A single-writer JSON document store on lowdb. It does not know the document's shape: a zod schema checks
 * the document as read and before every write. On disk: `{ "schemaVersion": <n>, "data": <document> }`.
 *
 * - One `Low` instance, `read()` once at open; every change goes through one writer, in the order of the calls.
 * - Group commit: while the writer is busy, updates wait. When it is free it takes every update waiting and
 *   decides them one after another, each against the document the one before produced; then it writes the group
 *   once (one log append, one document write) and only then settles each call, in order. An update that throws,
 *   fails the schema or has passed its deadline is refused alone: the others go on as if it had not been made.
 *   If the write fails, every call of the group rejects and none of it is committed.
 * - A write is a temp file `.<name>.tmp` written and fsynced, renamed over the document (atomic), then an fsync
 *   of the directory, before `update` resolves. A temp file left by a failed or killed write is removed on the
 *   next write and on open.
 * - A file that is not JSON, fails the schema or has another schema version is refused and left untouched.
 * - `<file>.lock` keeps a second process (or a second open in this one) out; see lock.ts.
 * - `health()` answers whether the store can write: not while its last write failed (until one succeeds), nor
 *   when a probe file cannot be written and fsynced in its directory.
 *
 * The schema's output must be valid input again (it is parsed on every read and write), which holds for
 * plain shapes, defaults and idempotent transforms such as trimming or lower-casing. Parsing must also build the
 * output anew (zod objects, arrays and records do; `z.unknown()` or `z.instanceof()` hand the same object on): within
 * a group, the next update's private copy of the document is the parse of the one before, not a clone.
 */
import { mkdir, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type Adapter, Low } from 'lowdb';
import { TextFile } from 'lowdb/node';
import type { z } from 'zod';
import { appendLog, createLog, readLog, rollbackLog } from './append-log.js';
import {
  nodeIo,
  probePathOf,
  removeLeftovers,
  replaceFile,
  type StoreIo,
  syncDirectory,
  writeDurably,
} from './disk.js';
import { describeIssues, ioError, StoreError } from './errors.js';
import { acquireLock, type Lock } from './lock.js';

export type { StoreIo } from './disk.js';
export type { StoreErrorCode } from './errors.js';
export { StoreError } from './errors.js';

/** Whether the store can save changes now; `message` says why not, and what to do. */
export interface StoreHealth {
  ok: boolean;
  message?: string;
}

export interface Store<T> {
  /** The document file, absolute. */
  readonly path: string;
  /** The last committed document. Callers must not mutate it. */
  current(): T;
  /**
   * Runs `fn` inside the single writer against a private copy of the latest document: the last committed one,
   * with the changes of the updates decided before it in the same group (fn may change the copy and return it).
   * If fn returns `{ next }`, `next` is validated (schema), written to disk atomically and fsynced (with the rest
   * of its group), and only then does the promise resolve with `result`. If fn returns no `next`, it writes
   * nothing. If fn throws or validation fails, that call rejects and writes nothing; the others go on. If the
   * write fails, every call of the group rejects, nothing of it is committed and `current()` is unchanged.
   * Calls settle in the order they were made.
   *
   * `options.deadline` (epoch ms, wall clock): if the change has not been started by then, it is refused with a
   * StoreError of code 'deadline' and nothing is written (Slack's 3-second ack window has passed).
   */
  update<R>(fn: (current: T) => { next?: T; result: R }, options?: UpdateOptions): Promise<R>;
  /**
   * Whether a change could be saved now: not if the last write failed (a write of the document as it is is
   * tried again first), nor if a small probe file cannot be written, fsynced and removed beside the document.
   */
  health(): Promise<StoreHealth>;
  /** Waits for queued updates, then releases the lock. Later `update`s reject with code 'closed'. */
  close(): Promise<void>;
}

export interface UpdateOptions {
  /** Epoch milliseconds by which the change must have been decided; later, it is refused unwritten. */
  deadline?: number;
}

export interface OpenStoreOptions<T> {
  /** The document file; its directory is created if missing. */
  path: string;
  /** Validates the whole document as read and before each write. */
  schema: z.ZodType<T>;
  /** The schema version kept in the file; a file with another version is refused. */
  version: number;
  /** The document on first start (file absent). */
  create: () => T;
  /**
   * An array field of T that only grows (history): kept as `<name>.<field>.jsonl` beside the document and
   * appended to, so a write costs the same however long it gets. Only the last `keep` entries stay in memory
   * (and in `current()`); new entries are those `fn` appends after them.
   */
  log?: { field: string; entry: z.ZodType<unknown>; keep?: number };
  /** How bytes reach the disk (write, fsync); the real disk unless a test gives a failing one. */
  io?: StoreIo;
}

interface Envelope<T> {
  schemaVersion: number;
  /** With a log: how many of its lines are committed. */
  logLength?: number;
  data: T;
}

/** `data/cutover.json` + `history` -> `data/cutover.history.jsonl`. */
export const logPathOf = (path: string, field: string) => `${path.replace(/\.json$/i, '')}.${field}.jsonl`;

type Row = Record<string, unknown>;

export async function openStore<T>(opts: OpenStoreOptions<T>): Promise<Store<T>> {
  const path = resolve(opts.path);
  const io = opts.io ?? nodeIo;
  try {
    await mkdir(dirname(path), { recursive: true });
  } catch (e) {
    throw ioError(path, 'create the directory for', e);
  }
  const lock = await acquireLock(path);
  try {
    // What a write or probe interrupted by a crash left: never part of the store. Best effort; a directory that
    // refuses this will refuse the first write too, and say so there.
    await removeLeftovers(path).catch(() => undefined);
    const file = new VersionedJsonFile(path, opts.schema, opts.version, io, opts.log?.field);
    const db = new Low<Envelope<T> | null>(file, null);
    await db.read(); // null stays null only when the file is absent; anything else is validated or refused
    const write = () => db.write().catch((e: unknown) => Promise.reject(unwrapped(e)));
    const log = opts.log
      ? { ...opts.log, path: logPathOf(path, opts.log.field), keep: opts.log.keep ?? 1000 }
      : undefined;
    if (db.data === null) {
      const first = validated(path, opts.schema, opts.create(), 'the first document (from create())');
      if (log) {
        // A log left without its document belongs to no committed change: it is started afresh.
        const entries = ((first as Row)[log.field] ?? []) as unknown[];
        const bytes = await createLog(log.path, entries, io);
        db.data = { schemaVersion: opts.version, logLength: entries.length, data: first };
        await write();
        return new JsonStore(path, db, first, opts, lock, io, { ...log, length: entries.length, bytes });
      }
      db.data = { schemaVersion: opts.version, data: first };
      await write();
    }
    if (!log) return new JsonStore(path, db, db.data.data, opts, lock, io);
    const inline = ((db.data.data as Row)[log.field] ?? []) as unknown[];
    if (db.data.logLength === undefined) {
      // A document written before the log existed: move its entries out to the log, once.
      const bytes = await createLog(log.path, inline, io);
      db.data = { ...db.data, logLength: inline.length };
      await write();
      const data = { ...(db.data.data as Row), [log.field]: inline.slice(-log.keep) } as T;
      return new JsonStore(path, db, data, opts, lock, io, { ...log, length: inline.length, bytes });
    }
    const { tail, bytes } = await readLog(log.path, db.data.logLength, log.entry, log.keep, true);
    const data = { ...(db.data.data as Row), [log.field]: tail } as T;
    return new JsonStore(path, db, data, opts, lock, io, { ...log, length: db.data.logLength, bytes });
  } catch (e) {
    await lock.release();
    throw e;
  }
}

interface LogState {
  field: string;
  entry: z.ZodType<unknown>;
  keep: number;
  path: string;
  /** Committed lines. */
  length: number;
  /** Committed bytes. */
  bytes: number;
}

/**
 * How long the writer may spend deciding one group before it writes it: the first change decided waits for the
 * rest of its group and the write, and must still be answered within Slack's 3 seconds. The updates left over
 * start the next group.
 */
const GROUP_BUDGET_MS = 200;

/** An update waiting for the writer. */
interface Pending<T> {
  fn: (current: T) => { next?: T; result: unknown };
  deadline: number | undefined;
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
}

/** How one update of a group was decided: its answer, to give once the group is written. */
type Decided = { ok: true; result: unknown } | { ok: false; error: unknown };

class JsonStore<T> implements Store<T> {
  readonly path: string;
  readonly #db: Low<Envelope<T> | null>;
  readonly #schema: z.ZodType<T>;
  readonly #version: number;
  readonly #lock: Lock;
  readonly #io: StoreIo;
  #committed: T;
  /** Updates waiting for the writer, in call order. */
  #queue: Pending<T>[] = [];
  /** The writer while it runs: it takes groups off the queue until the queue is empty. */
  #writer: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  /** Why the last write failed; cleared by the next write that succeeds. */
  #failure: unknown;
  /** A probe in flight, shared by concurrent health checks. */
  #probing: Promise<StoreHealth> | undefined;
  /** A probe file could not be removed: the next write removes it. */
  #untidy = false;
  readonly #log: LogState | undefined;

  constructor(
    path: string,
    db: Low<Envelope<T> | null>,
    committed: T,
    opts: OpenStoreOptions<T>,
    lock: Lock,
    io: StoreIo,
    log?: LogState,
  ) {
    this.path = path;
    this.#log = log;
    this.#db = db;
    this.#committed = committed;
    this.#schema = opts.schema;
    this.#version = opts.version;
    this.#lock = lock;
    this.#io = io;
  }

  current(): T {
    return this.#committed;
  }

  update<R>(fn: (current: T) => { next?: T; result: R }, options?: UpdateOptions): Promise<R> {
    if (this.#closing) {
      return Promise.reject(
        new StoreError(
          'closed',
          this.path,
          `The store for ${this.path} is closed, so this change was not applied. Open the store again to write.`,
        ),
      );
    }
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({
        fn,
        deadline: options?.deadline,
        resolve: resolve as (result: unknown) => void,
        reject,
      });
      this.#writer ??= this.#drain();
    });
  }

  async health(): Promise<StoreHealth> {
    if (this.#closing) return { ok: false, message: `The store for ${this.path} is closed.` };
    if (this.#failure !== undefined) {
      // Only a write that succeeds clears a failed one: write the document as it is (same content).
      await this.update((doc) => ({ next: doc, result: undefined })).catch(() => undefined);
      const failure = this.#failure;
      if (failure !== undefined)
        return {
          ok: false,
          message:
            `The last write of ${this.path} failed, and so does writing it again: ${reasonOf(failure)}. ` +
            'Changes cannot be saved until the disk takes writes again (is it full or read-only?).',
        };
    }
    this.#probing ??= this.#probe().finally(() => {
      this.#probing = undefined;
    });
    return this.#probing;
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      while (this.#writer) await this.#writer;
      await this.#probing;
      await this.#lock.release();
    })();
    return this.#closing;
  }

  /** The writer: one group at a time, each made of every update waiting when it starts. */
  async #drain(): Promise<void> {
    await Promise.resolve(); // updates made in the same tick as the first join its group
    while (this.#queue.length > 0) {
      const group: Pending<T>[] = [];
      try {
        await this.#commit(this.#queue, group);
      } catch (error) {
        for (const p of group) p.reject(error); // a bug here must not leave callers waiting (settled ones stay)
      }
    }
    this.#writer = undefined;
  }

  /**
   * Takes updates off `queue` into `group`, decides each in order, writes the result once, then settles every call
   * of the group in order.
   */
  async #commit(queue: Pending<T>[], group: Pending<T>[]): Promise<void> {
    const log = this.#log;
    const field = log?.field;
    const hot = (doc: T): T => (field ? ({ ...(doc as Row), [field]: [] } as T) : doc);
    // The document as the group goes on, kept as two things: `source`, never handed to a fn, and `fresh`, a
    // private copy of it for the next fn (a schema parse builds one anew, so no clone is needed after a change).
    let source = hot(this.#committed);
    let fresh: T | undefined;
    let changed = false;
    const copy = (): T => {
      const c = fresh ?? (changed ? this.#parse(source) : structuredClone(source));
      fresh = undefined;
      return c;
    };
    const before = field ? (((this.#committed as Row)[field] ?? []) as unknown[]) : [];
    const history = [...before];
    const decided: Decided[] = [];
    const started = performance.now();
    // Every update waiting, unless deciding them takes so long that the first ones would be answered late.
    while (queue.length > 0 && performance.now() - started < GROUP_BUDGET_MS) {
      const p = queue.shift() as Pending<T>;
      group.push(p);
      if (p.deadline !== undefined && Date.now() > p.deadline) {
        decided.push({ ok: false, error: this.#late(p.deadline) });
        continue;
      }
      try {
        const doc = copy();
        const { next, result } = p.fn(field ? ({ ...(doc as Row), [field]: [...history] } as T) : doc);
        if (next !== undefined) {
          const added = log ? this.#appended(next, history, log) : [];
          fresh = this.#parse(hot(next));
          source = hot(next);
          history.push(...added);
          changed = true;
        }
        decided.push({ ok: true, result });
      } catch (error) {
        decided.push({ ok: false, error });
      }
    }
    if (changed) {
      let data: T;
      try {
        data = fresh ?? this.#parse(source);
        await this.#persist(data, history.slice(before.length));
      } catch (error) {
        for (const p of group) p.reject(error);
        return;
      }
      this.#committed = log ? ({ ...(data as Row), [log.field]: history.slice(-log.keep) } as T) : data;
    }
    group.forEach((p, i) => {
      const d = decided[i] as Decided;
      if (d.ok) p.resolve(d.result);
      else p.reject(d.error);
    });
  }

  /** The document as the schema reads it: validated, and a new copy (which no caller holds). */
  #parse(doc: T): T {
    return validated(this.path, this.#schema, doc, 'the new document');
  }

  /** The entries `next` appends to the log field (validated), or a refusal if it rewrote what was there. */
  #appended(next: T, history: readonly unknown[], log: LogState): unknown[] {
    const after = ((next as Row)[log.field] ?? []) as unknown[];
    if (after.length < history.length || after.slice(0, history.length).some((e, i) => e !== history[i]))
      throw new StoreError(
        'invalid',
        this.path,
        `Refused to write ${this.path}: ${log.field} may only be appended to. Nothing was written.`,
      );
    return after.slice(history.length).map((e, i) => {
      const parsed = log.entry.safeParse(e);
      if (parsed.success) return parsed.data;
      throw new StoreError(
        'invalid',
        this.path,
        `Refused to write ${this.path}: new ${log.field} entry ${i + 1} does not match the schema: ${describeIssues(parsed.error.issues)}. Nothing was written.`,
      );
    });
  }

  /** One log append and one document write for a whole group; on failure nothing of it is committed. */
  async #persist(data: T, added: unknown[]): Promise<void> {
    const log = this.#log;
    // What a failed write or probe may have left behind.
    if (this.#failure !== undefined || this.#untidy) {
      await removeLeftovers(this.path).catch(() => undefined);
      this.#untidy = false;
    }
    let bytes = 0;
    try {
      if (log) bytes = await appendLog(log.path, log.bytes, added, this.#io);
    } catch (e) {
      this.#failure = e;
      throw e;
    }
    const previous = this.#db.data;
    this.#db.data = log
      ? { schemaVersion: this.#version, logLength: log.length + added.length, data }
      : { schemaVersion: this.#version, data };
    let unsynced: StoreError | undefined;
    try {
      await this.#db.write();
    } catch (e) {
      if (!(e instanceof DirectoryNotSynced)) {
        this.#db.data = previous;
        if (log) await rollbackLog(log.path, log.bytes).catch(() => undefined);
        this.#failure = e;
        throw e;
      }
      // The document is renamed into place, its bytes fsynced: the group is committed, as any reader of the file
      // sees. Only the directory entry may not be durable yet: health() says so until a write goes through whole.
      unsynced = e.error;
    }
    if (log) {
      log.length += added.length;
      log.bytes = bytes;
    }
    this.#failure = unsynced;
  }

  #late(deadline: number): StoreError {
    return new StoreError(
      'deadline',
      this.path,
      `Refused to write ${this.path}: the change's deadline passed ${Date.now() - deadline} ms before the ` +
        'writer reached it (too many changes waiting). Nothing was written.',
    );
  }

  /** Writes, fsyncs and removes a small file beside the document. */
  async #probe(): Promise<StoreHealth> {
    const probe = probePathOf(this.path);
    try {
      await writeDurably(this.#io, probe, Buffer.from(`health check ${new Date().toISOString()}\n`));
      await rm(probe, { force: true });
      return { ok: true };
    } catch (e) {
      await rm(probe, { force: true }).catch(() => {
        this.#untidy = true; // the next write removes it
      });
      return {
        ok: false,
        message:
          `A test file could not be written in ${dirname(this.path)}: ${reasonOf(e)}. Changes cannot be saved ` +
          'until the directory is writable again and the disk has room.',
      };
    }
  }
}

const reasonOf = (e: unknown): string =>
  e instanceof StoreError && e.cause instanceof Error
    ? e.cause.message
    : e instanceof Error
      ? e.message
      : String(e);

/** The document was renamed into place, but its directory could not be fsynced after. */
class DirectoryNotSynced extends Error {
  readonly error: StoreError;
  constructor(error: StoreError) {
    super(error.message);
    this.error = error;
  }
}

const unwrapped = (e: unknown) => (e instanceof DirectoryNotSynced ? e.error : e);

/** lowdb adapter: text read through lowdb, parsed, version-checked and validated; written atomically, fsynced. */
class VersionedJsonFile<T> implements Adapter<Envelope<T> | null> {
  readonly #path: string;
  readonly #schema: z.ZodType<T>;
  readonly #version: number;
  readonly #text: TextFile;
  readonly #io: StoreIo;
  readonly #logField: string | undefined;

  constructor(path: string, schema: z.ZodType<T>, version: number, io: StoreIo, logField?: string) {
    this.#path = path;
    this.#schema = schema;
    this.#version = version;
    this.#text = new TextFile(path);
    this.#io = io;
    this.#logField = logField;
  }

  async read(): Promise<Envelope<T> | null> {
    let text: string | null;
    try {
      text = await this.#text.read();
    } catch (e) {
      throw ioError(this.#path, 'read', e);
    }
    if (text === null) return null;
    return this.#parse(text);
  }

  /** Throws an io StoreError (nothing replaced), or DirectoryNotSynced (replaced, directory not fsynced). */
  async write(envelope: Envelope<T> | null): Promise<void> {
    if (envelope === null) return;
    // The log's entries live in their own file: the document keeps only how many there are.
    const field = this.#logField;
    const onDisk =
      field && envelope.logLength !== undefined
        ? {
            ...envelope,
            data: Object.fromEntries(Object.entries(envelope.data as Row).filter(([k]) => k !== field)),
          }
        : envelope;
    try {
      await replaceFile(this.#io, this.#path, `${JSON.stringify(onDisk, null, 2)}\n`);
    } catch (e) {
      throw ioError(this.#path, 'write', e);
    }
    try {
      await syncDirectory(this.#io, dirname(this.#path));
    } catch (e) {
      throw new DirectoryNotSynced(ioError(dirname(this.#path), 'flush the directory entry of', e));
    }
  }

  #parse(text: string): Envelope<T> {
    const path = this.#path;
    const untouched = 'The file was NOT modified.';
    const recover = 'restore it from a backup, or move it aside to start a new cutover from the program.';
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      const why = text.trim() === '' ? 'the file is empty' : e instanceof Error ? e.message : String(e);
      throw new StoreError(
        'corrupt',
        path,
        `${path} is not valid JSON (${why}). ${untouched} To go on, ${recover}`,
      );
    }
    const notStoreFile = (): StoreError =>
      new StoreError(
        'invalid',
        path,
        `${path} is JSON but not a store file: expected {"schemaVersion": ${this.#version}, "data": {...}} at ` +
          `the top. ${untouched} Check that the path is right; otherwise ${recover}`,
      );
    if (typeof json !== 'object' || json === null || Array.isArray(json) || !('schemaVersion' in json)) {
      throw notStoreFile();
    }
    if (json.schemaVersion !== this.#version) {
      throw new StoreError(
        'version',
        path,
        `${path} has schemaVersion ${JSON.stringify(json.schemaVersion)}, but this program reads version ` +
          `${this.#version}. ${untouched} Run the program version that wrote it, migrate the file to version ` +
          `${this.#version}, or ${recover}`,
      );
    }
    if (!('data' in json) || typeof json.data !== 'object' || json.data === null) throw notStoreFile();
    const logLength = 'logLength' in json && typeof json.logLength === 'number' ? json.logLength : undefined;
    const field = this.#logField;
    const data = field && logLength !== undefined ? { ...json.data, [field]: [] } : json.data;
    const parsed = this.#schema.safeParse(data);
    if (!parsed.success) {
      throw new StoreError(
        'invalid',
        path,
        `${path} does not match the expected shape: ${describeIssues(parsed.error.issues, ['data'])}. ` +
          `${untouched} Correct those fields by hand, or ${recover}`,
      );
    }
    return logLength === undefined
      ? { schemaVersion: this.#version, data: parsed.data }
      : { schemaVersion: this.#version, logLength, data: parsed.data };
  }
}

function validated<T>(path: string, schema: z.ZodType<T>, doc: T, what: string): T {
  const parsed = schema.safeParse(doc);
  if (parsed.success) return parsed.data;
  throw new StoreError(
    'invalid',
    path,
    `Refused to write ${path}: ${what} does not match the schema: ${describeIssues(parsed.error.issues)}. ` +
      'Nothing was written; the file still holds the last good document. This is a bug in the code that ' +
      'built the document: report it with this message.',
  );
}
