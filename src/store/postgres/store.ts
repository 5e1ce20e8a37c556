/**
 * The PostgreSQL adapter of the store port (../store.ts): many documents in one database, each under its `key` (a
 * program, later), written by any number of processes. Tables: migrations.ts.
 *
 * - `update` is one transaction: `SELECT … FOR UPDATE` on the document's row (so writers in every process queue on
 *   the row), fn decides against that row and its newest `keep` history entries, the result is validated as on
 *   every adapter (validate.ts), the new history rows INSERTed, the row UPDATEd with its revision + 1, a `NOTIFY
 *   cutover_changed, '<key>:<revision>'`, COMMIT, and only then does the call settle. fn gets this process's copy
 *   when the row's revision is the one it holds; otherwise the row and its history tail are read in the
 *   transaction.
 * - Group commit, as the JSON file does: while a transaction runs, this process's updates wait; the next
 *   transaction takes all of them (up to MAX_GROUP) and decides them one after another under the one row lock, each
 *   against what the one before produced, then writes them once. An update that throws, fails the schema or is past
 *   its deadline is refused alone. Calls settle in the order they were made (a deadline refusal made before the
 *   lock is answered at once); if the commit fails, every call of the group rejects and none of it is written. A
 *   serialization failure or deadlock runs the group again (fns are pure), a few times.
 * - A deadline (epoch ms) bounds the wait: the group's nearest deadline becomes its `lock_timeout` (a
 *   `statement_timeout` just beyond it), and each update is checked once the lock is granted; past it, that update
 *   is refused unwritten with a StoreError 'deadline' (the others of its group try again).
 * - `snapshot()` is the copy from this process's last commit, or from the last one it heard of: a commit of this
 *   key in another process is heard by LISTEN (listener.ts), and polling the row's revision (every `pollMs`) is
 *   the backstop for notifications lost while a connection was down. `read()` SELECTs now.
 * - Any failure of the database rejects the call (a StoreError 'io' saying whether the change was rolled back or
 *   its outcome is unknown, the connection lost during COMMIT); `health()` says so until a transaction succeeds.
 * - `close()` waits for this process's calls in flight, stops polling, UNLISTENs; the pool is the caller's.
 */
import type pg from 'pg';
import type { z } from 'zod';
import { closedError, describeIssues, lateError, StoreError } from '../errors.js';
import type { AppendOnlyLog, Store, StoreHealth, UpdateOptions } from '../store.js';
import { appendedEntries, DEFAULT_KEEP, entriesOf, validated, withEntries } from '../validate.js';
import { borrow, guardPool } from './connection.js';
import { databaseError, isRetryable, isTimeout, type Outcome, reasonOf, within } from './failure.js';
import { CHANNEL, listen } from './listener.js';
import { ensureMigrated } from './pool.js';

/** The PostgreSQL store: the port, and which document it keeps (for the person running it). */
export interface PostgresStore<T> extends Store<T> {
  /** The document's key in `cutover_documents`. */
  readonly key: string;
}

export interface OpenPostgresStoreOptions<T> {
  /** The caller's pool (createPostgresPool): the store borrows connections and never ends it. */
  pool: pg.Pool;
  /** Which document: its primary key in `cutover_documents`. */
  key: string;
  /** Validates the whole document as read and before each write. */
  schema: z.ZodType<T>;
  /** The document's schema version, kept in its row; a row with another version is refused. */
  version: number;
  /** The document when its row does not exist yet. */
  create: () => T;
  /** The append-only history field, kept in `cutover_history`, one row per entry. */
  log?: AppendOnlyLog;
  /** How often the row's revision is polled, as the backstop for LISTEN (default 5000 ms). */
  pollMs?: number;
  /** Whether to LISTEN for other processes' commits (default true); without it, polling alone refreshes. */
  listen?: boolean;
  /** How long a change without a deadline may wait for the row lock (default 10 000 ms). */
  lockTimeoutMs?: number;
  /** How long `health()` waits for the database (default 2000 ms). */
  healthTimeoutMs?: number;
}

/** A committed state of the document: what it holds (history: the newest `keep`), and where it stands. */
interface Committed<T> {
  doc: T;
  /** The row's revision: up by one with every commit. */
  revision: number;
  /** Committed history entries (rows in cutover_history). */
  length: number;
}

interface DocumentRow {
  schema_version: number;
  doc: Record<string, unknown>;
  history_length: number;
  revision: string;
}

type Log = Required<AppendOnlyLog>;

const ROW = 'SELECT schema_version, doc, history_length, revision FROM cutover_documents WHERE key = $1';

/** A serialization failure or deadlock is retried this many times in all. */
const ATTEMPTS = 4;
/** A statement may run this much longer than the wait for the row lock allows. */
const STATEMENT_MARGIN_MS = 2000;

/** Opens (and, the first time, creates) the document `key`; migrates the database first if it needs it. */
export async function openPostgresStore<T>(opts: OpenPostgresStoreOptions<T>): Promise<PostgresStore<T>> {
  const where = `the PostgreSQL document "${opts.key}"`;
  await ensureMigrated(opts.pool);
  const log = opts.log ? { ...opts.log, keep: opts.log.keep ?? DEFAULT_KEEP } : undefined;
  const doc = new DocumentRows(opts.pool, opts.key, where, opts.schema, opts.version, log);
  let committed = await doc.load(opts.pool).catch(doc.failed('read'));
  if (!committed) {
    const first = opts.create(); // a throw is create()'s own, not the database's
    await doc.insert(first).catch(doc.failed('create'));
    committed = await doc.load(opts.pool).catch(doc.failed('read'));
    if (!committed)
      throw databaseError(where, 'create', new Error('the row is missing after it was created'));
  }
  return new PgStore(opts, doc, committed);
}

/** Reads and creates the document's rows: validated, named, and with the version checked. */
class DocumentRows<T> {
  constructor(
    readonly pool: pg.Pool,
    readonly key: string,
    readonly where: string,
    readonly schema: z.ZodType<T>,
    readonly version: number,
    readonly log: Log | undefined,
  ) {}

  /** Rejects with a StoreError: the one given, or what the database said. */
  failed =
    (doing: string, outcome?: Outcome) =>
    (e: unknown): never => {
      throw e instanceof StoreError ? e : databaseError(this.where, doing, e, outcome);
    };

  /** The committed document, or undefined if its row does not exist. */
  async load(db: pg.Pool | pg.PoolClient): Promise<Committed<T> | undefined> {
    const { rows } = await db.query<DocumentRow>(ROW, [this.key]);
    const row = rows[0];
    return row ? this.fromRow(db, row) : undefined;
  }

  /** The document of `row`, with its history tail read now (through `db`). */
  async fromRow(db: pg.Pool | pg.PoolClient, row: DocumentRow): Promise<Committed<T>> {
    const { where, log } = this;
    if (row.schema_version !== this.version)
      throw new StoreError(
        'version',
        where,
        `${where} has schema version ${row.schema_version}, but this program reads version ${this.version}. ` +
          `Nothing was changed. Run the program version that wrote it, migrate the document to version ` +
          `${this.version}, or keep this program under another key.`,
      );
    const stored = log ? { ...row.doc, [log.field]: [] } : row.doc;
    const parsed = this.schema.safeParse(stored);
    if (!parsed.success)
      throw new StoreError(
        'invalid',
        where,
        `${where} does not match the store's shape: ${describeIssues(parsed.error.issues, ['doc'])}. ` +
          'Nothing was changed. Correct those fields in the row, or restore the database from a backup.',
      );
    const revision = Number(row.revision);
    if (!log) return { doc: parsed.data, revision, length: 0 };
    const { rows } = await db.query<{ seq: number; entry: unknown }>(
      'SELECT seq, entry FROM cutover_history WHERE key = $1 AND seq > $2 AND seq <= $3 ORDER BY seq',
      [this.key, row.history_length - log.keep, row.history_length],
    );
    const from = Math.max(0, row.history_length - log.keep);
    const tail = rows.map((r, i) => {
      const entry = log.entry.safeParse(r.entry);
      if (r.seq !== from + i + 1 || !entry.success)
        throw new StoreError(
          'corrupt',
          where,
          `${where}: history entry ${from + i + 1} ` +
            (entry.success
              ? 'is missing from cutover_history'
              : `does not match the schema: ${describeIssues(entry.error.issues)}`) +
            '. Nothing was changed. Restore the database from a backup.',
        );
      return entry.data;
    });
    if (tail.length !== row.history_length - from)
      throw new StoreError(
        'corrupt',
        where,
        `${where}: its row counts ${row.history_length} history entries, but cutover_history holds fewer. ` +
          'Nothing was changed. Restore the database from a backup.',
      );
    return { doc: withEntries(parsed.data, log.field, tail), revision, length: row.history_length };
  }

  /** Creates the row from `first` (validated) unless it exists already (another process may create it too). */
  async insert(first: T): Promise<void> {
    const client = await borrow(this.pool);
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      await this.insertWith(client, first);
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch((err: Error) => {
        broken = err;
      });
      throw e;
    } finally {
      client.release(broken);
    }
  }

  /** Within the caller's transaction: the row from `first` (validated) and its history, unless the row exists. */
  async insertWith(client: pg.PoolClient, first: T): Promise<void> {
    const doc = validated(this.where, this.schema, first, 'the first document (from create())');
    const entries = this.log ? entriesOf(doc, this.log.field) : [];
    const created = await client.query(
      `INSERT INTO cutover_documents (key, schema_version, doc, history_length) VALUES ($1, $2, $3, $4)
       ON CONFLICT (key) DO NOTHING`,
      [this.key, this.version, this.stored(doc), entries.length],
    );
    if (created.rowCount === 1 && entries.length > 0) await this.append(client, 0, entries);
  }

  /** The document as its row keeps it: JSON text, without the history field. */
  stored(doc: T): string {
    const log = this.log;
    const row = log
      ? Object.fromEntries(Object.entries(doc as Record<string, unknown>).filter(([k]) => k !== log.field))
      : doc;
    return JSON.stringify(row);
  }

  /** INSERTs history entries `length + 1` onwards. */
  async append(client: pg.PoolClient, length: number, entries: unknown[]): Promise<void> {
    await client.query(
      `INSERT INTO cutover_history (key, seq, entry)
       SELECT $1, $2::integer + t.ord::integer, t.entry FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS t(entry, ord)`,
      [this.key, length, JSON.stringify(entries)],
    );
  }
}

/** An update waiting for its turn. */
interface Pending<T> {
  fn: (current: T) => { next?: T; result: unknown };
  deadline: number | undefined;
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
}

/** How one update of a group was decided: its answer, to give once the group is committed. */
type Decided = { ok: true; result: unknown } | { ok: false; error: unknown };

/**
 * The wait for the row lock (or for a connection) ran out: `limit` is the deadline that bounded it, or undefined
 * when it was `lockTimeoutMs` (no update of the group had a nearer deadline).
 */
class WaitExpired extends Error {
  constructor(
    readonly limit: number | undefined,
    readonly error: unknown,
  ) {
    super(reasonOf(error));
  }
}

/** The most updates decided in one transaction; the rest wait for the next. */
const MAX_GROUP = 100;

class PgStore<T> implements PostgresStore<T> {
  readonly key: string;
  readonly #rows: DocumentRows<T>;
  readonly #pool: pg.Pool;
  readonly #where: string;
  readonly #lockTimeoutMs: number;
  readonly #healthTimeoutMs: number;
  readonly #create: () => T;
  #committed: Committed<T>;
  /** Updates waiting, in call order. */
  #queue: Pending<T>[] = [];
  /** The writer while it runs: it takes groups off the queue until the queue is empty. */
  #writer: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  /** Why the last transaction failed; cleared by the next that succeeds. */
  #failure: unknown;
  #poll: NodeJS.Timeout | undefined;
  #unlisten: (() => Promise<void>) | undefined;
  /** A refresh of the snapshot in flight, and whether another was asked for meanwhile. */
  #refreshing: Promise<void> | undefined;
  #again = false;
  /** Who hears of another process's commits (Store.onChange). */
  readonly #changed = new Set<() => void>();

  constructor(opts: OpenPostgresStoreOptions<T>, rows: DocumentRows<T>, committed: Committed<T>) {
    this.key = opts.key;
    this.#rows = rows;
    this.#pool = opts.pool;
    this.#where = rows.where;
    this.#create = opts.create;
    this.#committed = committed;
    this.#lockTimeoutMs = opts.lockTimeoutMs ?? 10_000;
    this.#healthTimeoutMs = opts.healthTimeoutMs ?? 2000;
    guardPool(this.#pool);
    if (opts.listen ?? true)
      this.#unlisten = listen(this.#pool, {
        key: this.key,
        changed: (revision) => {
          if (revision > this.#committed.revision) this.#refresh();
        },
        resumed: () => this.#refresh(),
      });
    this.#poll = setInterval(() => this.#refresh(), opts.pollMs ?? 5000);
    this.#poll.unref();
  }

  snapshot(): T {
    return this.#committed.doc;
  }

  async read(): Promise<T> {
    if (this.#closing) throw closedError(this.#where, 'read');
    const now = await this.#rows.load(this.#pool).catch(this.#rows.failed('read'));
    if (!now)
      throw new StoreError('missing', this.#where, `${this.#where} no longer exists in the database.`);
    this.#heard(now);
    return now.doc;
  }

  update<R>(fn: (current: T) => { next?: T; result: R }, options?: UpdateOptions): Promise<R> {
    if (this.#closing) return Promise.reject(closedError(this.#where));
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
    if (this.#closing) return { ok: false, message: `The store for ${this.#where} is closed.` };
    // Only a transaction that succeeds clears a failed one: one that decides nothing and writes nothing.
    const ms = this.#healthTimeoutMs;
    if (this.#failure !== undefined)
      await this.update(() => ({ result: undefined }), { deadline: Date.now() + ms }).catch(() => undefined);
    try {
      await within(this.#pool.query('SELECT 1'), ms, () => new Error(`no answer within ${ms} ms`));
    } catch (e) {
      return {
        ok: false,
        message:
          `The PostgreSQL server holding ${this.#where} cannot be reached: ${reasonOf(e)}. Changes cannot be ` +
          'saved until it is up and reachable again (check DATABASE_URL, the network and the server log).',
      };
    }
    if (this.#failure !== undefined)
      return {
        ok: false,
        message:
          `The last change to ${this.#where} failed, and so does trying again: ${reasonOf(this.#failure)}. ` +
          'Changes cannot be saved until the database takes them again (see its log).',
      };
    return { ok: true };
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      while (this.#writer) await this.#writer;
      clearInterval(this.#poll);
      await this.#unlisten?.();
      while (this.#refreshing) await this.#refreshing;
    })();
    return this.#closing;
  }

  /** A newer committed state than the one held (from a read, a notification or a poll) becomes the snapshot. */
  #heard(state: Committed<T>): void {
    if (state.revision <= this.#committed.revision) return;
    this.#committed = state;
    for (const l of this.#changed)
      try {
        l();
      } catch (e) {
        console.error('a store change listener failed', e);
      }
  }

  onChange(listener: () => void): () => void {
    this.#changed.add(listener);
    return () => this.#changed.delete(listener);
  }

  /** Reads the row again if its revision moved (one refresh at a time; one more if asked meanwhile). */
  #refresh(): void {
    if (this.#closing) return;
    if (this.#refreshing) {
      this.#again = true;
      return;
    }
    this.#refreshing = (async () => {
      do {
        this.#again = false;
        try {
          // Bounded, so that close() (which waits for it) is too, whatever the server does.
          const ms = this.#healthTimeoutMs;
          const slow = () => new Error(`no answer within ${ms} ms`);
          const { rows } = await within(
            this.#pool.query<{ revision: string }>('SELECT revision FROM cutover_documents WHERE key = $1', [
              this.key,
            ]),
            ms,
            slow,
          );
          const revision = Number(rows[0]?.revision ?? 0);
          if (revision > this.#committed.revision) {
            const now = await within(this.#rows.load(this.#pool), ms, slow);
            if (now) this.#heard(now);
          }
        } catch {
          // The database is away: the next poll (or the listener, once back) tries again.
        }
      } while (this.#again && !this.#closing);
    })().finally(() => {
      this.#refreshing = undefined;
    });
  }

  /** The writer: one group at a time, each made of the updates waiting when it starts (MAX_GROUP at most). */
  async #drain(): Promise<void> {
    await Promise.resolve(); // updates made in the same tick as the first join its group
    while (this.#queue.length > 0) {
      const group = this.#queue.splice(0, MAX_GROUP);
      try {
        await this.#commitGroup(group);
      } catch (error) {
        for (const p of group) p.reject(error); // a bug here must not leave callers waiting (settled ones stay)
      }
    }
    this.#writer = undefined;
  }

  /**
   * Decides and commits a group in one transaction (again after a serialization failure, or without those whose
   * deadline bounded a lock wait that ran out), then settles every call of the group, in call order; a call refused
   * by its deadline before the row was locked is answered at once.
   */
  async #commitGroup(group: Pending<T>[]): Promise<void> {
    const where = this.#where;
    const answers = new Map<Pending<T>, Decided>();
    /**
     * Refuses `p` if its deadline is before `now` (true if it did), at once: it is not kept waiting for the rest of
     * its group, which may wait for the row much longer.
     */
    const refusedLate = (p: Pending<T>, now = Date.now()): boolean => {
      if (p.deadline === undefined || p.deadline >= now) return false;
      p.reject(lateError(where, p.deadline, Date.now()));
      return true;
    };
    let waiting = group.filter((p) => !refusedLate(p));
    let attempt = 1;
    while (waiting.length > 0) {
      try {
        for (const [p, d] of await this.#transaction(waiting)) answers.set(p, d);
        this.#failure = undefined;
        break;
      } catch (e) {
        if (e instanceof WaitExpired && e.limit !== undefined) {
          // The nearest deadline bounded the wait: those past it are refused, the others try again.
          const limit = e.limit + 1;
          waiting = waiting.filter((p) => !refusedLate(p, Math.max(Date.now(), limit)));
          continue;
        }
        if (attempt < ATTEMPTS && isRetryable((e as { cause?: unknown }).cause)) {
          attempt += 1;
          continue;
        }
        // The database failed, or held the row (or the pool) for lockTimeoutMs: nothing of it was written.
        const error = e instanceof WaitExpired ? databaseError(where, 'change', e.error, 'rolled back') : e;
        this.#failure = error;
        for (const p of waiting) if (!refusedLate(p)) answers.set(p, { ok: false, error });
        break;
      }
    }
    for (const p of group) {
      const d = answers.get(p);
      if (d?.ok) p.resolve(d.result);
      else if (d) p.reject(d.error);
    }
  }

  /**
   * One transaction for `group`: the row locked, each update decided in turn against what the one before left,
   * one write for all, COMMIT. Resolves with each update's answer once committed (or rolled back when none changed
   * anything); rejects with a WaitExpired (the lock wait ran out) or a StoreError 'io' (the database failed; its
   * `cause` is the driver's error), and then nothing of the group was written.
   */
  async #transaction(group: Pending<T>[]): Promise<Map<Pending<T>, Decided>> {
    const where = this.#where;
    const started = Date.now();
    const deadlines = group.flatMap((p) => (p.deadline === undefined ? [] : [p.deadline]));
    const nearest = deadlines.length > 0 ? Math.min(...deadlines) : undefined;
    const limit = nearest !== undefined && nearest - started < this.#lockTimeoutMs ? nearest : undefined;
    const lockMs = Math.max(1, Math.ceil(limit === undefined ? this.#lockTimeoutMs : limit - started));
    const statementMs = lockMs + STATEMENT_MARGIN_MS;
    let client: pg.PoolClient;
    try {
      client = await this.#connect(lockMs);
    } catch (e) {
      if (e instanceof WaitExpired) throw new WaitExpired(limit, e.error);
      throw databaseError(where, 'connect for a change to', e, 'rolled back');
    }
    let stage: 'before commit' | 'commit' = 'before commit';
    let broken: Error | undefined;
    const rollback = async () => {
      await client.query('ROLLBACK').catch((e: Error) => {
        broken = e;
      });
    };
    try {
      await client.query(
        `BEGIN; SET LOCAL lock_timeout = ${lockMs}; SET LOCAL statement_timeout = ${statementMs};
         SET LOCAL idle_in_transaction_session_timeout = ${statementMs}`,
      );
      let row = await this.#lockRow(client);
      if (!row) {
        // The row went away (deleted by hand): create it again, as on first open.
        await this.#rows.insertWith(client, this.#create());
        row = await this.#lockRow(client);
        if (!row) throw new Error(`the row of ${this.key} is missing after it was created`);
      }
      const answers = new Map<Pending<T>, Decided>();
      const held = this.#committed;
      let current: Committed<T>;
      try {
        current =
          Number(row.revision) === held.revision && row.history_length === held.length
            ? held
            : await this.#rows.fromRow(client, row);
      } catch (e) {
        if (!(e instanceof StoreError)) throw e;
        await rollback(); // a row this program cannot read: every update of the group is refused with why
        for (const p of group) answers.set(p, { ok: false, error: e });
        return answers;
      }
      this.#heard(current); // another process's commit, not yet heard of: the snapshot catches up
      const log = this.#rows.log;
      const field = log?.field;
      const hot = (doc: T): T => (field ? withEntries(doc, field, []) : doc);
      const schema = this.#rows.schema;
      // The latest decided state, which no fn holds, and (once a change is decided) a validated copy of it that
      // no fn holds yet: the next fn's private copy. The schema check makes that copy anyway, so deciding a group
      // copies the document once per change, not twice (as the JSON file does).
      let doc = hot(current.doc);
      let spare: T | undefined;
      const before = field ? entriesOf(current.doc, field) : [];
      const history = [...before];
      let changed = false;
      for (const p of group) {
        const now = Date.now();
        if (p.deadline !== undefined && now > p.deadline) {
          answers.set(p, { ok: false, error: lateError(where, p.deadline, now) });
          continue;
        }
        try {
          // A private copy: the entries themselves are shared (never changed, only appended after).
          const copy =
            spare ?? (changed ? validated(where, schema, doc, 'the new document') : structuredClone(doc));
          spare = undefined;
          const { next, result } = p.fn(field ? withEntries(copy, field, [...history]) : copy);
          if (next !== undefined) {
            const added = log ? appendedEntries(where, log, history, next) : [];
            spare = validated(where, schema, hot(next), 'the new document');
            doc = hot(next);
            history.push(...added);
            changed = true;
          }
          answers.set(p, { ok: true, result });
        } catch (error) {
          answers.set(p, { ok: false, error });
        }
      }
      if (!changed) {
        await rollback(); // nothing to write; a connection lost here has lost nothing
        return answers;
      }
      const decided = spare ?? validated(where, schema, doc, 'the new document');
      const added = history.slice(before.length);
      const { rows } = await client.query<{ revision: string }>(
        `WITH added AS (
           INSERT INTO cutover_history (key, seq, entry)
           SELECT $1, $2::integer + t.ord::integer, t.entry
           FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS t(entry, ord)
         ), changed AS (
           UPDATE cutover_documents
           SET doc = $4::jsonb, history_length = $2::integer + jsonb_array_length($3::jsonb),
               revision = revision + 1, updated_at = now()
           WHERE key = $1 RETURNING revision
         )
         SELECT revision, pg_notify('${CHANNEL}', $1::text || ':' || revision) FROM changed`,
        [this.key, current.length, JSON.stringify(added), this.#rows.stored(decided)],
      );
      stage = 'commit';
      await client.query('COMMIT');
      const kept = log ? withEntries(decided, log.field, history.slice(-log.keep)) : decided;
      this.#committed = {
        doc: kept,
        revision: Number(rows[0]?.revision),
        length: current.length + added.length,
      };
      return answers;
    } catch (e) {
      if (stage === 'before commit') await rollback();
      else broken = e as Error;
      if (isTimeout(e)) throw new WaitExpired(limit, e);
      throw databaseError(
        where,
        'change',
        e,
        stage === 'commit' && !fromServer(e) ? 'unknown' : 'rolled back',
      );
    } finally {
      client.release(broken);
    }
  }

  /** A connection from the pool within `ms`, however busy or slow the pool is. */
  async #connect(ms: number): Promise<pg.PoolClient> {
    const pending = borrow(this.#pool);
    try {
      return await within(
        pending,
        ms,
        () => new WaitExpired(undefined, new Error(`no connection from the pool within ${ms} ms`)),
      );
    } catch (e) {
      pending.then(
        (c) => c.release(),
        () => undefined,
      ); // the one that came too late goes back
      throw e;
    }
  }

  async #lockRow(client: pg.PoolClient): Promise<DocumentRow | undefined> {
    const { rows } = await client.query<DocumentRow>(`${ROW} FOR UPDATE`, [this.key]);
    return rows[0];
  }
}

/** An error the server answered with (so the connection was still there), rather than a lost connection. */
const fromServer = (e: unknown): boolean => e instanceof Error && 'severity' in e;
