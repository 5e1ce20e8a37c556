/**
 * The JSON-file adapter of the store port: a single-writer document on lowdb. It does not know the document's
 * shape: a zod schema checks the document as read and before every write. On disk, the envelope (envelope.ts).
 *
 * - One `Low` instance, `read()` once at open; every change goes through one writer, in the order of the calls.
 *   `<file>.lock` keeps a second process (or a second open in this one) out (lock.ts), so the copy this process
 *   committed last is the latest committed state: `read()` and `snapshot()` both answer it.
 * - Group commit: while the writer is busy, updates wait. When it is free it takes every update waiting and
 *   decides them one after another, each against the document the one before produced; then it writes the group
 *   once (one log append, one document write) and only then settles each call, in order. An update that throws,
 *   fails the schema or has passed its deadline is refused alone: the others go on as if it had not been made.
 *   If the write fails, every call of the group rejects and none of it is committed.
 * - A write is a temp file `.<name>.tmp` written and fsynced, renamed over the document (atomic), then an fsync
 *   of the directory, before `update` resolves (disk.ts; every step through the `io` option). A temp file left by a
 *   failed or killed write is removed on the next write and on open.
 * - A file that is not JSON, fails the schema or has another schema version is refused and left untouched.
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
import type { z } from 'zod';
import { closedError, ioError, lateError, StoreError } from '../errors.js';
import type { AppendOnlyLog, Store, StoreHealth, UpdateOptions } from '../store.js';
import { appendedEntries, DEFAULT_KEEP, entriesOf, validated, withEntries } from '../validate.js';
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
import { type Envelope, envelopeText, logPathOf, readEnvelope } from './envelope.js';
import { acquireLock, type Lock } from './lock.js';

/** The JSON-file store: the port, and where its file is (for the person running it; nothing above the port uses it). */
export interface JsonFileStore<T> extends Store<T> {
  /** The document file, absolute. */
  readonly path: string;
}

export interface OpenJsonFileStoreOptions<T> {
  /** The document file; its directory is created if missing. */
  path: string;
  /** Validates the whole document as read and before each write. */
  schema: z.ZodType<T>;
  /** The schema version kept in the file; a file with another version is refused. */
  version: number;
  /** The document on first start (file absent). */
  create: () => T;
  /** The append-only history field, kept as `<name>.<field>.jsonl` beside the document and appended to. */
  log?: AppendOnlyLog;
  /** How bytes reach the disk (write, fsync, rename); the real disk unless a test gives another. */
  io?: StoreIo;
}

export async function openJsonFileStore<T>(opts: OpenJsonFileStoreOptions<T>): Promise<JsonFileStore<T>> {
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
      ? { ...opts.log, path: logPathOf(path, opts.log.field), keep: opts.log.keep ?? DEFAULT_KEEP }
      : undefined;
    const open = (data: T, state?: LogState) => new JsonStore(path, db, data, opts, lock, io, state);
    if (db.data === null) {
      const first = validated(path, opts.schema, opts.create(), 'the first document (from create())');
      if (log) {
        // A log left without its document belongs to no committed change: it is started afresh.
        const entries = entriesOf(first, log.field);
        const bytes = await createLog(log.path, entries, io);
        db.data = { schemaVersion: opts.version, logLength: entries.length, data: first };
        await write();
        const data = withEntries(first, log.field, entries.slice(-log.keep));
        return open(data, { ...log, length: entries.length, bytes });
      }
      db.data = { schemaVersion: opts.version, data: first };
      await write();
    }
    if (!log) return open(db.data.data);
    const inline = entriesOf(db.data.data, log.field);
    if (db.data.logLength === undefined) {
      // A document written before the log existed: move its entries out to the log, once.
      const bytes = await createLog(log.path, inline, io);
      db.data = { ...db.data, logLength: inline.length };
      await write();
      const data = withEntries(db.data.data, log.field, inline.slice(-log.keep));
      return open(data, { ...log, length: inline.length, bytes });
    }
    const { tail, bytes } = await readLog(log.path, db.data.logLength, log.entry, log.keep, true);
    return open(withEntries(db.data.data, log.field, tail), { ...log, length: db.data.logLength, bytes });
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

class JsonStore<T> implements JsonFileStore<T> {
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
    opts: OpenJsonFileStoreOptions<T>,
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

  snapshot(): T {
    return this.#committed;
  }

  /** This process is the only writer (the lock): what it committed last is the latest committed state. */
  read(): Promise<T> {
    if (this.#closing) return Promise.reject(closedError(this.path, 'read'));
    return Promise.resolve(this.#committed);
  }

  update<R>(fn: (current: T) => { next?: T; result: R }, options?: UpdateOptions): Promise<R> {
    if (this.#closing) return Promise.reject(closedError(this.path));
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
    const hot = (doc: T): T => (field ? withEntries(doc, field, []) : doc);
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
    const before = field ? entriesOf(this.#committed, field) : [];
    const history = [...before];
    const decided: Decided[] = [];
    const started = performance.now();
    // Every update waiting, unless deciding them takes so long that the first ones would be answered late.
    while (queue.length > 0 && performance.now() - started < GROUP_BUDGET_MS) {
      const p = queue.shift() as Pending<T>;
      group.push(p);
      if (p.deadline !== undefined && Date.now() > p.deadline) {
        decided.push({ ok: false, error: lateError(this.path, p.deadline, Date.now()) });
        continue;
      }
      try {
        const doc = copy();
        const { next, result } = p.fn(field ? withEntries(doc, field, [...history]) : doc);
        if (next !== undefined) {
          const added = log ? appendedEntries(this.path, log, history, next) : [];
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
      this.#committed = log ? withEntries(data, log.field, history.slice(-log.keep)) : data;
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

/** lowdb adapter: the envelope read and validated (envelope.ts); written atomically and fsynced (disk.ts). */
class VersionedJsonFile<T> implements Adapter<Envelope<T> | null> {
  readonly #path: string;
  readonly #schema: z.ZodType<T>;
  readonly #version: number;
  readonly #io: StoreIo;
  readonly #logField: string | undefined;

  constructor(path: string, schema: z.ZodType<T>, version: number, io: StoreIo, logField?: string) {
    this.#path = path;
    this.#schema = schema;
    this.#version = version;
    this.#io = io;
    this.#logField = logField;
  }

  read(): Promise<Envelope<T> | null> {
    const spec = { schema: this.#schema, version: this.#version, logField: this.#logField };
    return readEnvelope(this.#path, spec, 'writer');
  }

  /** Throws an io StoreError (nothing replaced), or DirectoryNotSynced (replaced, directory not fsynced). */
  async write(envelope: Envelope<T> | null): Promise<void> {
    if (envelope === null) return;
    try {
      await replaceFile(this.#io, this.#path, envelopeText(envelope, this.#logField));
    } catch (e) {
      throw ioError(this.#path, 'write', e);
    }
    try {
      await syncDirectory(this.#io, dirname(this.#path));
    } catch (e) {
      throw new DirectoryNotSynced(ioError(dirname(this.#path), 'flush the directory entry of', e));
    }
  }
}
