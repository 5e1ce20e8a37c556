/**
 * The PostgreSQL adapter of the store port (../store.ts): many documents in one database, each under its `key` (a
 * program, later), written by any number of processes. Tables: migrations.ts.
 *
 * - `update` is one transaction: `SELECT … FOR UPDATE` on the document's row (so writers in every process queue on
 *   the row), fn decides against that row and its newest `keep` history entries, the result is validated as on
 *   every adapter (validate.ts), the new history rows INSERTed, the row UPDATEd with its revision + 1, a `NOTIFY
 *   cutover_changed, '<key>:<revision>'`, COMMIT, and only then does the call settle. Calls made in this process run
 *   one after another in the order they were made (as on the other adapters); a serialization failure or deadlock
 *   runs fn again (it is pure), a few times. fn gets this process's copy when the row's revision is the one it
 *   holds; otherwise the row and its history tail are read in the transaction.
 * - A deadline (epoch ms) bounds the wait: `lock_timeout` for the row lock, `statement_timeout` just beyond it,
 *   and a check once the lock is granted; past it, ROLLBACK and a StoreError 'deadline'.
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
    await doc.insert(opts.create()).catch(doc.failed('create'));
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

/**
 * A refusal that is not the database's failure: fn threw, the schema or the deadline refused. `reached`: the
 * database answered on the way (so it works), as opposed to a deadline that passed before it was asked.
 */
class Decided {
  constructor(
    readonly error: unknown,
    readonly reached = true,
  ) {}
}

class PgStore<T> implements PostgresStore<T> {
  readonly key: string;
  readonly #rows: DocumentRows<T>;
  readonly #pool: pg.Pool;
  readonly #where: string;
  readonly #lockTimeoutMs: number;
  readonly #healthTimeoutMs: number;
  readonly #create: () => T;
  #committed: Committed<T>;
  /** The last update queued: the next one runs after it settles. */
  #tail: Promise<unknown> = Promise.resolve();
  #closing: Promise<void> | undefined;
  /** Why the last transaction failed; cleared by the next that succeeds. */
  #failure: unknown;
  #poll: NodeJS.Timeout | undefined;
  #unlisten: (() => Promise<void>) | undefined;
  /** A refresh of the snapshot in flight, and whether another was asked for meanwhile. */
  #refreshing: Promise<void> | undefined;
  #again = false;

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
    const run = this.#tail.then(() => this.#transaction(fn, options?.deadline));
    this.#tail = run.catch(() => undefined);
    return run;
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
      await this.#tail;
      clearInterval(this.#poll);
      await this.#unlisten?.();
      while (this.#refreshing) await this.#refreshing;
    })();
    return this.#closing;
  }

  /** A newer committed state than the one held (from a read, a notification or a poll) becomes the snapshot. */
  #heard(state: Committed<T>): void {
    if (state.revision > this.#committed.revision) this.#committed = state;
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
          const { rows } = await this.#pool.query<{ revision: string }>(
            'SELECT revision FROM cutover_documents WHERE key = $1',
            [this.key],
          );
          const revision = Number(rows[0]?.revision ?? 0);
          if (revision > this.#committed.revision) {
            const now = await this.#rows.load(this.#pool);
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

  async #transaction<R>(
    fn: (current: T) => { next?: T; result: R },
    deadline: number | undefined,
  ): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.#attempt(fn, deadline);
        this.#failure = undefined;
        return result;
      } catch (e) {
        if (e instanceof Decided) {
          if (e.reached) this.#failure = undefined; // the database did its part
          throw e.error;
        }
        if (attempt < ATTEMPTS && isRetryable((e as { cause?: unknown }).cause)) continue;
        if (!(e instanceof StoreError && e.code === 'deadline')) this.#failure = e;
        throw e;
      }
    }
  }

  /**
   * One transaction. Rejects with a Decided (fn's refusal, the schema's, the deadline's: the database is fine) or a
   * StoreError 'io' (the database failed; its `cause` is the driver's error) or 'deadline' (the lock wait ran out).
   */
  async #attempt<R>(fn: (current: T) => { next?: T; result: R }, deadline: number | undefined): Promise<R> {
    const where = this.#where;
    const late = (reached = true): Decided | undefined => {
      const now = Date.now();
      return deadline !== undefined && now > deadline
        ? new Decided(lateError(where, deadline, now), reached)
        : undefined;
    };
    const tooLate = late(false);
    if (tooLate) throw tooLate;
    const waitMs = deadline === undefined ? this.#lockTimeoutMs : Math.max(1, deadline - Date.now());
    let client: pg.PoolClient;
    try {
      client = await this.#connect(waitMs);
    } catch (e) {
      throw late(false) ?? databaseError(where, 'connect for a change to', e, 'rolled back');
    }
    let stage: 'before commit' | 'commit' = 'before commit';
    let broken: Error | undefined;
    const rollback = async () => {
      await client.query('ROLLBACK').catch((e: Error) => {
        broken = e;
      });
    };
    try {
      const lockMs = Math.ceil(waitMs);
      const statementMs = lockMs + STATEMENT_MARGIN_MS;
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
      const granted = late();
      if (granted) {
        await rollback();
        throw granted;
      }
      const held = this.#committed;
      const current =
        Number(row.revision) === held.revision && row.history_length === held.length
          ? held
          : await this.#rows.fromRow(client, row).catch(async (e: unknown) => {
              if (!(e instanceof StoreError)) throw e;
              await rollback();
              throw new Decided(e);
            });
      this.#heard(current); // another process's commit, not yet heard of: the snapshot catches up
      let decided: { next?: T; result: R };
      let added: unknown[] = [];
      let data: T | undefined;
      const log = this.#rows.log;
      const history = log ? entriesOf(current.doc, log.field) : [];
      try {
        // A private copy: the entries themselves are shared (never changed, only appended after).
        const copy = structuredClone(log ? withEntries(current.doc, log.field, []) : current.doc);
        decided = fn(log ? withEntries(copy, log.field, [...history]) : copy);
        if (decided.next !== undefined) {
          if (log) added = appendedEntries(where, log, history, decided.next);
          const hot = log ? withEntries(decided.next, log.field, []) : decided.next;
          data = validated(where, this.#rows.schema, hot, 'the new document');
        }
      } catch (e) {
        await rollback();
        throw new Decided(e);
      }
      if (data === undefined) {
        await rollback(); // nothing to write; a connection lost here has lost nothing
        return decided.result;
      }
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
        [this.key, current.length, JSON.stringify(added), this.#rows.stored(data)],
      );
      stage = 'commit';
      await client.query('COMMIT');
      const length = current.length + added.length;
      const doc = log ? withEntries(data, log.field, [...history, ...added].slice(-log.keep)) : data;
      this.#committed = { doc, revision: Number(rows[0]?.revision), length };
      return decided.result;
    } catch (e) {
      if (e instanceof Decided) throw e;
      if (stage === 'before commit') await rollback();
      else broken = e as Error;
      if (isTimeout(e) && deadline !== undefined) throw new Decided(lateError(where, deadline, Date.now()));
      if (isTimeout(e)) throw databaseError(where, 'change', e, 'rolled back'); // the row was held longer than lockTimeoutMs
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
      return await within(pending, ms, () => new Error(`no connection from the pool within ${ms} ms`));
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
