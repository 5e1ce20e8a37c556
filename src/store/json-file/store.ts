/**
 * The JSON-file adapter of the store port: a single-writer document on lowdb. It does not know the document's
 * shape: a zod schema checks the document as read and before every write. On disk, the envelope (envelope.ts).
 *
 * - One `Low` instance, `read()` once at open; every change goes through one writer, in the order of the calls.
 *   `<file>.lock` keeps a second process (or a second open in this one) out (lock.ts), so the copy this process
 *   committed last is the latest committed state: `read()` and `snapshot()` both answer it.
 * - Group commit (../group-commit.ts, the engine every adapter shares): while the writer is busy, updates wait.
 *   When it is free it takes every update waiting and decides them one after another, each against the document
 *   the one before produced; then it writes the group once (one append to each log, one document write) and only
 *   then settles each call, in order. An update that throws, fails the schema or has passed its deadline (on the
 *   store's clock) is refused alone: the others go on as if it had not been made. If the write fails, every call
 *   of the group rejects and none of it is committed.
 * - Request keys (`requests`): their own append-only log beside the document (request-log.ts), read into an
 *   in-memory index at open, appended with the group, compacted once most of it has expired. A document written
 *   by an earlier version with its keys inside has the live ones moved out on open, once.
 * - A write is a temp file `.<name>.tmp` written and fsynced, renamed over the document (atomic), then an fsync
 *   of the directory, before `update` resolves (disk.ts; every step through the `io` option). A temp file left by a
 *   failed or killed write is removed on the next write and on open.
 * - A file that is not JSON, fails the schema or has another schema version is refused and left untouched.
 * - `health()` answers whether the store can write: not while its last write failed (until one succeeds), nor
 *   when a probe file cannot be written and fsynced in its directory.
 *
 * The schema's output must be valid input again (it is parsed on every read and write), which holds for
 * plain shapes, defaults and idempotent transforms such as trimming or lower-casing.
 */
import { mkdir, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type Adapter, Low } from 'lowdb';
import type { z } from 'zod';
import { type Clock, systemClock } from '../../runtime/clock.js';
import { deepFrozen } from '../changed-parts.js';
import { closedError, ioError, StoreError } from '../errors.js';
import {
  decideGroup,
  GroupQueue,
  type Pending,
  RequestIndex,
  type RequestRecord,
  SWEEPS_PER_TTL,
  settle,
} from '../group-commit.js';
import { legacyRequests, withoutLegacyRequests } from '../legacy-requests.js';
import type { AppendOnlyLog, RequestKeys, Store, StoreHealth, UpdateFn, UpdateOptions } from '../store.js';
import { DEFAULT_KEEP, entriesOf, validated, withEntries } from '../validate.js';
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
import { type Envelope, envelopeText, logPathOf, readEnvelope, requestLogPathOf } from './envelope.js';
import { acquireLock, type Lock } from './lock.js';
import { lineOf, readRequestLog, removeOtherGenerations } from './request-log.js';

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
  /** Request keys, kept in `<name>.requests.<generation>.jsonl` beside the document (request-log.ts). */
  requests?: RequestKeys;
  /** The clock deadlines and request-key expiry are read on (default the system clock). */
  clock?: Clock;
  /** How bytes reach the disk (write, fsync, rename); the real disk unless a test gives another. */
  io?: StoreIo;
}

/** The request log's state: which generation, how much of it is committed, and the index of its live keys. */
interface RequestState {
  spec: RequestKeys;
  generation: number;
  /** Committed lines. */
  length: number;
  /** Committed bytes. */
  bytes: number;
  index: RequestIndex;
  /** When expired keys were last dropped from the index (epoch ms). */
  swept: number;
}

/** A compaction is worth its write once the log holds this many lines and at least twice as many as are live. */
const COMPACT_MIN_LINES = 1000;

export async function openJsonFileStore<T>(opts: OpenJsonFileStoreOptions<T>): Promise<JsonFileStore<T>> {
  const path = resolve(opts.path);
  const io = opts.io ?? nodeIo;
  const clock = opts.clock ?? systemClock;
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
    const spec = opts.requests;
    const file = new VersionedJsonFile(
      path,
      opts.schema,
      opts.version,
      io,
      opts.log?.field,
      spec?.legacyField,
    );
    const db = new Low<Envelope<T> | null>(file, null);
    await db.read(); // null stays null only when the file is absent; anything else is validated or refused
    const write = () => db.write().catch((e: unknown) => Promise.reject(unwrapped(e)));
    const log = opts.log
      ? { ...opts.log, path: logPathOf(path, opts.log.field), keep: opts.log.keep ?? DEFAULT_KEEP }
      : undefined;
    const now = clock.now().getTime();
    /** The request log as the envelope names it; a first one (with the keys a document kept inside) if none. */
    const requestsOf = async (envelope: Envelope<T>, raw: unknown): Promise<RequestState | undefined> => {
      if (!spec) return undefined;
      const index = new RequestIndex(spec.ttlMs);
      const named = envelope.requests;
      if (named) {
        const { records, bytes } = await readRequestLog(
          requestLogPathOf(path, named.generation),
          named.length,
          spec.entry,
          true,
        );
        for (const r of records) index.set(r);
        await removeOtherGenerations(path, named.generation);
        return { spec, generation: named.generation, length: named.length, bytes, index, swept: now };
      }
      const moved = legacyRequests(path, spec, raw, now);
      for (const r of moved) index.set(r);
      const bytes = await createLog(requestLogPathOf(path, 1), moved.map(lineOf), io);
      return { spec, generation: 1, length: moved.length, bytes, index, swept: now };
    };
    const open = (data: T, state?: LogState, requests?: RequestState) =>
      new JsonStore(path, db, data, opts, lock, io, clock, state, requests);
    if (db.data === null) {
      const raw = opts.create();
      const first = validated(
        path,
        opts.schema,
        withoutLegacyRequests(spec, raw),
        'the first document (from create())',
      );
      const requests = await requestsOf({ schemaVersion: opts.version, data: first }, raw);
      const pointer = requests ? { requests: { generation: 1, length: requests.length } } : {};
      if (log) {
        // A log left without its document belongs to no committed change: it is started afresh.
        const entries = entriesOf(first, log.field);
        const bytes = await createLog(log.path, entries, io);
        db.data = { schemaVersion: opts.version, logLength: entries.length, ...pointer, data: first };
        await write();
        const data = withEntries(first, log.field, entries.slice(-log.keep));
        return open(data, { ...log, length: entries.length, bytes }, requests);
      }
      db.data = { schemaVersion: opts.version, ...pointer, data: first };
      await write();
      return open(first, undefined, requests);
    }
    const legacy = db.data.legacy;
    const requests = await requestsOf(db.data, legacy);
    /** Whether the envelope must be written now: it names no request log yet, or keys are still inside. */
    const repoint = requests !== undefined && (db.data.requests === undefined || legacy !== undefined);
    if (repoint && requests)
      db.data = { ...db.data, requests: { generation: requests.generation, length: requests.length } };
    if (!log) {
      if (repoint) await write();
      return open(db.data.data, undefined, requests);
    }
    const inline = entriesOf(db.data.data, log.field);
    if (db.data.logLength === undefined) {
      // A document written before the log existed: move its entries out to the log, once.
      const bytes = await createLog(log.path, inline, io);
      db.data = { ...db.data, logLength: inline.length };
      await write();
      const data = withEntries(db.data.data, log.field, inline.slice(-log.keep));
      return open(data, { ...log, length: inline.length, bytes }, requests);
    }
    // The request keys moved out of the document are committed by this write (the envelope names their log).
    if (repoint) await write();
    const { tail, bytes } = await readLog(log.path, db.data.logLength, log.entry, log.keep, true);
    return open(
      withEntries(db.data.data, log.field, tail),
      { ...log, length: db.data.logLength, bytes },
      requests,
    );
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

class JsonStore<T> implements JsonFileStore<T> {
  readonly path: string;
  /** The lock (memory: one process) makes this the only writer. */
  readonly exclusive = true;
  readonly #db: Low<Envelope<T> | null>;
  readonly #schema: z.ZodType<T>;
  readonly #version: number;
  readonly #lock: Lock;
  readonly #io: StoreIo;
  readonly #clock: Clock;
  readonly #queue: GroupQueue<T>;
  #committed: T;
  #closing: Promise<void> | undefined;
  /** Why the last write failed; cleared by the next write that succeeds. */
  #failure: unknown;
  /** A probe in flight, shared by concurrent health checks. */
  #probing: Promise<StoreHealth> | undefined;
  /** A probe file could not be removed: the next write removes it. */
  #untidy = false;
  readonly #log: LogState | undefined;
  readonly #requests: RequestState | undefined;

  constructor(
    path: string,
    db: Low<Envelope<T> | null>,
    committed: T,
    opts: OpenJsonFileStoreOptions<T>,
    lock: Lock,
    io: StoreIo,
    clock: Clock,
    log?: LogState,
    requests?: RequestState,
  ) {
    this.path = path;
    this.#log = log;
    this.#requests = requests;
    this.#db = db;
    this.#committed = deepFrozen(committed);
    this.#schema = opts.schema;
    this.#version = opts.version;
    this.#lock = lock;
    this.#io = io;
    this.#clock = clock;
    this.#queue = new GroupQueue<T>((group) => this.#commit(group));
  }

  snapshot(): T {
    return this.#committed;
  }

  /** This process is the only writer (the lock): what it committed last is the latest committed state. */
  read(): Promise<T> {
    if (this.#closing) return Promise.reject(closedError(this.path, 'read'));
    return Promise.resolve(this.#committed);
  }

  update<R>(fn: UpdateFn<T, R>, options?: UpdateOptions): Promise<R> {
    if (this.#closing) return Promise.reject(closedError(this.path));
    return this.#queue.submit(fn, options);
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
      await this.#queue.idle();
      await this.#probing;
      await this.#lock.release();
    })();
    return this.#closing;
  }

  /** Decides a group (group-commit.ts), writes it once, then settles every call of the group in order. */
  async #commit(group: Pending<T>[]): Promise<Pending<T>[]> {
    const log = this.#log;
    const requests = this.#requests;
    const d = decideGroup(
      {
        where: this.path,
        schema: this.#schema,
        log,
        requests: requests?.spec,
        clock: this.#clock,
        applied: (key, now) => requests?.index.applied(key, now),
      },
      this.#committed,
      group,
    );
    if (d.changed) {
      try {
        await this.#persist(d.doc, d.added, d.recorded);
      } catch (error) {
        for (const p of group) if (d.answers.has(p)) p.reject(error);
        return d.left;
      }
      this.#committed = deepFrozen(log ? withEntries(d.doc, log.field, d.history.slice(-log.keep)) : d.doc);
      if (requests) for (const r of d.recorded) requests.index.set(r);
    }
    // Rarely (once most keys have expired): before the group is told, so that what it was told is on disk as named.
    if (d.changed && requests) await this.#compact(requests).catch(() => undefined);
    settle(group, d.answers);
    return d.left;
  }

  /** One append to each log and one document write for a whole group; on failure nothing of it is committed. */
  async #persist(data: T, added: unknown[], recorded: RequestRecord[]): Promise<void> {
    const log = this.#log;
    const requests = this.#requests;
    // What a failed write or probe may have left behind.
    if (this.#failure !== undefined || this.#untidy) {
      await removeLeftovers(this.path).catch(() => undefined);
      this.#untidy = false;
    }
    let bytes = 0;
    let requestBytes = 0;
    const requestPath = requests ? requestLogPathOf(this.path, requests.generation) : undefined;
    const lines = recorded.map(lineOf);
    const rollback = async () => {
      if (log) await rollbackLog(log.path, log.bytes).catch(() => undefined);
      if (requests && requestPath) await rollbackLog(requestPath, requests.bytes).catch(() => undefined);
    };
    try {
      // The two logs are appended at once: each is fsynced before the document names its new length.
      const appended = await Promise.allSettled([
        log ? appendLog(log.path, log.bytes, added, this.#io) : 0,
        requests && requestPath ? appendLog(requestPath, requests.bytes, lines, this.#io) : 0,
      ]);
      for (const a of appended) if (a.status === 'rejected') throw a.reason;
      bytes = appended[0].status === 'fulfilled' ? appended[0].value : 0;
      requestBytes = appended[1].status === 'fulfilled' ? appended[1].value : 0;
    } catch (e) {
      await rollback();
      this.#failure = e;
      throw e;
    }
    const previous = this.#db.data;
    this.#db.data = {
      schemaVersion: this.#version,
      ...(log ? { logLength: log.length + added.length } : {}),
      ...(requests
        ? { requests: { generation: requests.generation, length: requests.length + lines.length } }
        : {}),
      data,
    };
    let unsynced: StoreError | undefined;
    try {
      await this.#db.write();
    } catch (e) {
      if (!(e instanceof DirectoryNotSynced)) {
        this.#db.data = previous;
        await rollback();
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
    if (requests) {
      requests.length += lines.length;
      requests.bytes = requestBytes;
    }
    this.#failure = unsynced;
  }

  /**
   * Once most of the request log is expired keys: the live ones to the next generation's file, the envelope
   * naming it (the commit point), the old file removed. Between groups, in the writer; a failure leaves the old
   * generation in use (the next commit tries again).
   */
  async #compact(requests: RequestState): Promise<void> {
    const now = this.#clock.now().getTime();
    if (now - requests.swept < requests.spec.ttlMs / SWEEPS_PER_TTL) return;
    const live = requests.index.sweep(now);
    requests.swept = now;
    if (requests.length < COMPACT_MIN_LINES || requests.length < 2 * live.length) return;
    const envelope = this.#db.data;
    if (envelope === null) return;
    const generation = requests.generation + 1;
    const next = requestLogPathOf(this.path, generation);
    const bytes = await createLog(next, live.map(lineOf), this.#io);
    this.#db.data = { ...envelope, requests: { generation, length: live.length } };
    try {
      await this.#db.write();
    } catch (e) {
      if (!(e instanceof DirectoryNotSynced)) {
        this.#db.data = envelope;
        await rm(next, { force: true }).catch(() => undefined);
        throw e;
      }
    }
    const old = requestLogPathOf(this.path, requests.generation);
    Object.assign(requests, { generation, length: live.length, bytes });
    await rm(old, { force: true }).catch(() => undefined);
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
  readonly #legacyField: string | undefined;

  constructor(
    path: string,
    schema: z.ZodType<T>,
    version: number,
    io: StoreIo,
    logField?: string,
    legacyField?: string,
  ) {
    this.#path = path;
    this.#schema = schema;
    this.#version = version;
    this.#io = io;
    this.#logField = logField;
    this.#legacyField = legacyField;
  }

  read(): Promise<Envelope<T> | null> {
    const spec = {
      schema: this.#schema,
      version: this.#version,
      logField: this.#logField,
      legacyField: this.#legacyField,
    };
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
