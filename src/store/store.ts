/**
 * A single-writer JSON document store on lowdb. It does not know the document's shape: a zod schema checks
 * the document as read and before every write. On disk: `{ "schemaVersion": <n>, "data": <document> }`.
 *
 * - One `Low` instance, `read()` once at open; every change goes through one promise queue.
 * - A write is a steno temp-file-then-rename (atomic), then an fsync of the file and its directory, before
 *   `update` resolves.
 * - A file that is not JSON, fails the schema or has another schema version is refused and left untouched.
 * - `<file>.lock` keeps a second process (or a second open in this one) out; see lock.ts.
 *
 * The schema's output must be valid input again (it is parsed on every read and write), which holds for
 * plain shapes, defaults and idempotent transforms such as trimming or lower-casing.
 */
import { mkdir, open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type Adapter, Low } from 'lowdb';
import { TextFile } from 'lowdb/node';
import type { z } from 'zod';
import { appendLog, createLog, readLog, rollbackLog } from './append-log.js';
import { describeIssues, errnoCode, ioError, StoreError } from './errors.js';
import { acquireLock, type Lock } from './lock.js';

export type { StoreErrorCode } from './errors.js';
export { StoreError } from './errors.js';

export interface Store<T> {
  /** The document file, absolute. */
  readonly path: string;
  /** The last committed document. Callers must not mutate it. */
  current(): T;
  /**
   * Runs `fn` inside the single write queue against a private copy of the latest committed document (fn may
   * change the copy and return it). If fn returns `{ next }`, `next` is validated (schema), written to disk
   * atomically and fsynced, and only then does the promise resolve with `result`. If fn returns no `next`,
   * nothing is written. If fn throws, or validation or the write fails, nothing is committed, `current()`
   * is unchanged and the promise rejects; the queue goes on with later calls. Calls resolve in the order
   * they were made.
   *
   * `options.deadline` (epoch ms, wall clock): if the change has not been started by then, it is refused with a
   * StoreError of code 'deadline' and nothing is written (Slack's 3-second ack window has passed).
   */
  update<R>(fn: (current: T) => { next?: T; result: R }, options?: UpdateOptions): Promise<R>;
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
  try {
    await mkdir(dirname(path), { recursive: true });
  } catch (e) {
    throw ioError(path, 'create the directory for', e);
  }
  const lock = await acquireLock(path);
  try {
    const db = new Low<Envelope<T> | null>(
      new VersionedJsonFile(path, opts.schema, opts.version, opts.log?.field),
      null,
    );
    await db.read(); // null stays null only when the file is absent; anything else is validated or refused
    const log = opts.log
      ? { ...opts.log, path: logPathOf(path, opts.log.field), keep: opts.log.keep ?? 1000 }
      : undefined;
    if (db.data === null) {
      const first = validated(path, opts.schema, opts.create(), 'the first document (from create())');
      if (log) {
        // A log left without its document belongs to no committed change: it is started afresh.
        const entries = ((first as Row)[log.field] ?? []) as unknown[];
        const bytes = await createLog(log.path, entries);
        db.data = { schemaVersion: opts.version, logLength: entries.length, data: first };
        await db.write();
        return new JsonStore(path, db, first, opts, lock, { ...log, length: entries.length, bytes });
      }
      db.data = { schemaVersion: opts.version, data: first };
      await db.write();
    }
    if (!log) return new JsonStore(path, db, db.data.data, opts, lock);
    const inline = ((db.data.data as Row)[log.field] ?? []) as unknown[];
    if (db.data.logLength === undefined) {
      // A document written before the log existed: move its entries out to the log, once.
      const bytes = await createLog(log.path, inline);
      db.data = { ...db.data, logLength: inline.length };
      await db.write();
      const data = { ...(db.data.data as Row), [log.field]: inline.slice(-log.keep) } as T;
      return new JsonStore(path, db, data, opts, lock, { ...log, length: inline.length, bytes });
    }
    const { tail, bytes } = await readLog(log.path, db.data.logLength, log.entry, log.keep, true);
    const data = { ...(db.data.data as Row), [log.field]: tail } as T;
    return new JsonStore(path, db, data, opts, lock, { ...log, length: db.data.logLength, bytes });
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

class JsonStore<T> implements Store<T> {
  readonly path: string;
  readonly #db: Low<Envelope<T> | null>;
  readonly #schema: z.ZodType<T>;
  readonly #version: number;
  readonly #lock: Lock;
  #committed: T;
  #tail: Promise<unknown> = Promise.resolve();
  #closing: Promise<void> | undefined;
  readonly #log: LogState | undefined;

  constructor(
    path: string,
    db: Low<Envelope<T> | null>,
    committed: T,
    opts: OpenStoreOptions<T>,
    lock: Lock,
    log?: LogState,
  ) {
    this.path = path;
    this.#log = log;
    this.#db = db;
    this.#committed = committed;
    this.#schema = opts.schema;
    this.#version = opts.version;
    this.#lock = lock;
  }

  current(): T {
    return this.#committed;
  }

  update<R>(fn: (current: T) => { next?: T; result: R }, _options?: UpdateOptions): Promise<R> {
    if (this.#closing) {
      return Promise.reject(
        new StoreError(
          'closed',
          this.path,
          `The store for ${this.path} is closed, so this change was not applied. Open the store again to write.`,
        ),
      );
    }
    const run = this.#tail.then(() => this.#apply(fn));
    this.#tail = run.catch(() => undefined); // a failed call does not stop the ones queued after it
    return run;
  }

  close(): Promise<void> {
    this.#closing ??= this.#tail.then(() => this.#lock.release());
    return this.#closing;
  }

  async #apply<R>(fn: (current: T) => { next?: T; result: R }): Promise<R> {
    const log = this.#log;
    if (!log) {
      const { next, result } = fn(structuredClone(this.#committed));
      if (next === undefined) return result;
      const data = validated(this.path, this.#schema, next, 'the new document');
      await this.#write({ schemaVersion: this.#version, data });
      this.#committed = data;
      return result;
    }
    // The log field is passed as a copy of the in-memory tail; everything else as a private deep copy.
    const committed = this.#committed as Row;
    const before = (committed[log.field] ?? []) as unknown[];
    const { next, result } = fn({
      ...structuredClone({ ...committed, [log.field]: [] }),
      [log.field]: [...before],
    } as T);
    if (next === undefined) return result;
    const after = ((next as Row)[log.field] ?? []) as unknown[];
    if (after.length < before.length || after.slice(0, before.length).some((e, i) => e !== before[i]))
      throw new StoreError(
        'invalid',
        this.path,
        `Refused to write ${this.path}: ${log.field} may only be appended to. Nothing was written.`,
      );
    const added = after.slice(before.length).map((e, i) => {
      const parsed = log.entry.safeParse(e);
      if (parsed.success) return parsed.data;
      throw new StoreError(
        'invalid',
        this.path,
        `Refused to write ${this.path}: new ${log.field} entry ${i + 1} does not match the schema: ${describeIssues(parsed.error.issues)}. Nothing was written.`,
      );
    });
    const hot = validated(
      this.path,
      this.#schema,
      { ...(next as Row), [log.field]: [] } as T,
      'the new document',
    );
    const bytes = await appendLog(log.path, log.bytes, added);
    try {
      await this.#write({ schemaVersion: this.#version, logLength: log.length + added.length, data: hot });
    } catch (e) {
      await rollbackLog(log.path, log.bytes).catch(() => undefined);
      throw e;
    }
    log.length += added.length;
    log.bytes = bytes;
    this.#committed = { ...(hot as Row), [log.field]: [...before, ...added].slice(-log.keep) } as T;
    return result;
  }

  async #write(envelope: Envelope<T>): Promise<void> {
    const previous = this.#db.data;
    this.#db.data = envelope;
    try {
      await this.#db.write();
    } catch (e) {
      this.#db.data = previous;
      throw e;
    }
  }
}

/** lowdb adapter: text through steno, parsed, version-checked and validated on read; fsynced on write. */
class VersionedJsonFile<T> implements Adapter<Envelope<T> | null> {
  readonly #path: string;
  readonly #schema: z.ZodType<T>;
  readonly #version: number;
  readonly #text: TextFile;
  readonly #logField: string | undefined;

  constructor(path: string, schema: z.ZodType<T>, version: number, logField?: string) {
    this.#path = path;
    this.#schema = schema;
    this.#version = version;
    this.#text = new TextFile(path);
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
      await this.#text.write(`${JSON.stringify(onDisk, null, 2)}\n`);
      await syncToDisk(this.#path);
    } catch (e) {
      throw ioError(this.#path, 'write', e);
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

/** Steno renames a temp file over the target but never fsyncs: flush the file, then the directory entry. */
async function syncToDisk(file: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  let dir: Awaited<ReturnType<typeof open>>;
  try {
    dir = await open(dirname(file), 'r');
  } catch (e) {
    if (cannotSyncDirectory(e)) return;
    throw e;
  }
  try {
    await dir.sync();
  } catch (e) {
    if (!cannotSyncDirectory(e)) throw e;
  } finally {
    await dir.close();
  }
}

/** Platforms (Windows) and file systems that cannot open or fsync a directory say so with these codes. */
const cannotSyncDirectory = (e: unknown): boolean =>
  ['EISDIR', 'EPERM', 'EACCES', 'EINVAL', 'ENOTSUP'].includes(errnoCode(e) ?? '');
