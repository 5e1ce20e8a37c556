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
 * - Group commit, with the engine the JSON file uses (../group-commit.ts): while a transaction runs, this process's
 *   updates wait; the next transaction takes all of them (up to MAX_GROUP) and decides them one after another under
 *   the one row lock, each against what the one before produced, then writes them once. An update that throws, fails the schema or is past
 *   its deadline is refused alone. Calls settle in the order they were made (a deadline refusal made before the
 *   lock is answered at once); if the commit fails, every call of the group rejects and none of it is written. A
 *   serialization failure or deadlock runs the group again (fns are pure), a few times.
 * - A deadline (epoch ms) bounds the wait: the group's nearest deadline becomes its `lock_timeout` (a
 *   `statement_timeout` just beyond it), and each update is checked once the lock is granted; past it, that update
 *   is refused unwritten with a StoreError 'deadline' (the others of its group try again).
 * - Request keys (`requests`) are rows of `cutover_requests`, primary key (document, request key): those the group
 *   names are SELECTed after the row lock, what the group records is INSERTed (or replaces an expired one) in the
 *   same statement as the change, and keys past the TTL are DELETEd by a change at most once per TTL/24. A document
 *   written by an earlier version with its keys inside has the live ones moved to the table on open, once.
 * - `snapshot()` is the copy from this process's last commit, or from the last one it heard of: a commit of this
 *   key in another process is heard by LISTEN (listener.ts), and polling the row's revision (every `pollMs`) is
 *   the backstop for notifications lost while a connection was down. `read()` SELECTs now.
 * - Any failure of the database rejects the call (a StoreError 'io' saying whether the change was rolled back or
 *   its outcome is unknown, the connection lost during COMMIT); `health()` says so until a transaction succeeds.
 * - `close()` waits for this process's calls in flight, stops polling, UNLISTENs; the pool is the caller's.
 */
import type pg from 'pg';
import type { z } from 'zod';
import { type Clock, systemClock } from '../../runtime/clock.js';
import { deepFrozen } from '../changed-parts.js';
import { closedError, describeIssues, lateError, StoreError } from '../errors.js';
import {
  type Decided,
  decideGroup,
  GroupQueue,
  type Pending,
  type RequestRecord,
  SWEEPS_PER_TTL,
  settle,
} from '../group-commit.js';
import { hasLegacyRequests, legacyRequests, withoutLegacyRequests } from '../legacy-requests.js';
import type { AppendOnlyLog, RequestKeys, Store, StoreHealth, UpdateFn, UpdateOptions } from '../store.js';
import { DEFAULT_KEEP, entriesOf, validated, withEntries } from '../validate.js';
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
  /** Request keys, kept in `cutover_requests`, one row per key. */
  requests?: RequestKeys;
  /** The clock deadlines and request-key expiry are read on (default the system clock). */
  clock?: Clock;
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
  /** The row still holds request keys inside (RequestKeys.legacyField): they are moved out on open. */
  legacy?: boolean;
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
  const clock = opts.clock ?? systemClock;
  const doc = new DocumentRows(
    opts.pool,
    opts.key,
    where,
    opts.schema,
    opts.version,
    log,
    opts.requests,
    clock,
  );
  let committed = await doc.load(opts.pool).catch(doc.failed('read'));
  if (!committed) {
    const first = opts.create(); // a throw is create()'s own, not the database's
    await doc.insert(first).catch(doc.failed('create'));
    committed = await doc.load(opts.pool).catch(doc.failed('read'));
    if (!committed)
      throw databaseError(where, 'create', new Error('the row is missing after it was created'));
  } else if (committed.legacy) {
    // Written by an earlier version with its request keys inside: moved to cutover_requests, once.
    await doc.moveLegacy().catch(doc.failed('move the request keys of'));
    committed = await doc.load(opts.pool).catch(doc.failed('read'));
    if (!committed) throw databaseError(where, 'read', new Error('the row is missing'));
  }
  return new PgStore(opts, doc, committed, clock);
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
    readonly requests: RequestKeys | undefined,
    readonly clock: Clock,
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
    const legacy = hasLegacyRequests(this.requests, row.doc) ? { legacy: true } : {};
    if (!log) return { doc: parsed.data, revision, length: 0, ...legacy };
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
    return {
      doc: withEntries(parsed.data, log.field, tail),
      revision,
      length: row.history_length,
      ...legacy,
    };
  }

  /** Moves the live request keys a row of an earlier version keeps inside to cutover_requests, in one transaction. */
  async moveLegacy(): Promise<void> {
    const spec = this.requests;
    if (!spec?.legacyField) return;
    await this.transaction(async (client) => {
      const { rows } = await client.query<{ doc: Record<string, unknown> }>(
        'SELECT doc FROM cutover_documents WHERE key = $1 FOR UPDATE',
        [this.key],
      );
      const doc = rows[0]?.doc;
      if (!doc || !hasLegacyRequests(spec, doc)) return; // another replica moved them first
      await this.record(client, legacyRequests(this.where, spec, doc, this.clock.now().getTime()));
      await client.query(
        `UPDATE cutover_documents SET doc = doc - $2::text, revision = revision + 1, updated_at = now() WHERE key = $1`,
        [this.key, spec.legacyField],
      );
    });
  }

  /** Within the caller's transaction: records request keys (replacing an expired record of the same key). */
  async record(client: pg.PoolClient, records: readonly RequestRecord[]): Promise<void> {
    if (!records.length) return;
    await client.query(
      `INSERT INTO cutover_requests (doc_key, request_key, at, applied)
       SELECT $1, r->>'k', to_timestamp((r->>'at')::double precision / 1000), r->'a'
       FROM jsonb_array_elements($2::jsonb) AS r
       ON CONFLICT (doc_key, request_key) DO UPDATE SET at = EXCLUDED.at, applied = EXCLUDED.applied`,
      [this.key, JSON.stringify(records.map((r) => ({ k: r.key, at: r.at, a: r.applied })))],
    );
  }

  /** Within the caller's transaction: what is recorded under `keys` (expired ones too: the caller checks `at`). */
  async recorded(client: pg.PoolClient, keys: readonly string[]): Promise<Map<string, RequestRecord>> {
    const out = new Map<string, RequestRecord>();
    if (!keys.length || !this.requests) return out;
    const { rows } = await client.query<{ request_key: string; at: string; applied: unknown }>(
      `SELECT request_key, round(extract(epoch FROM at) * 1000)::bigint AS at, applied FROM cutover_requests
       WHERE doc_key = $1 AND request_key = ANY($2::text[])`,
      [this.key, keys],
    );
    for (const r of rows) {
      const applied = this.requests.entry.safeParse(r.applied);
      if (!applied.success)
        throw new StoreError(
          'corrupt',
          this.where,
          `${this.where}: request key ${r.request_key} in cutover_requests does not match the schema: ${describeIssues(applied.error.issues)}. Nothing was changed. Delete that row, or restore the database from a backup.`,
        );
      out.set(r.request_key, { key: r.request_key, at: Number(r.at), applied: applied.data });
    }
    return out;
  }

  /** `use` in a transaction of its own. */
  async transaction(use: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    const client = await borrow(this.pool);
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      await use(client);
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

  /** Creates the row from `first` (validated) unless it exists already (another process may create it too). */
  async insert(first: T): Promise<void> {
    await this.transaction((client) => this.insertWith(client, first));
  }

  /** Within the caller's transaction: the row from `first` (validated) and its history, unless the row exists. */
  async insertWith(client: pg.PoolClient, raw: T): Promise<void> {
    const spec = this.requests;
    const first = withoutLegacyRequests(spec, raw);
    const doc = validated(this.where, this.schema, first, 'the first document (from create())');
    const entries = this.log ? entriesOf(doc, this.log.field) : [];
    const created = await client.query(
      `INSERT INTO cutover_documents (key, schema_version, doc, history_length) VALUES ($1, $2, $3, $4)
       ON CONFLICT (key) DO NOTHING`,
      [this.key, this.version, this.stored(doc), entries.length],
    );
    if (created.rowCount === 1 && entries.length > 0) await this.append(client, 0, entries);
    if (created.rowCount === 1 && spec)
      await this.record(client, legacyRequests(this.where, spec, raw, this.clock.now().getTime()));
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
  readonly #clock: Clock;
  readonly #queue: GroupQueue<T>;
  #committed: Committed<T>;
  /** When this process last DELETEd expired request keys of the document (epoch ms). */
  #swept = 0;
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

  constructor(
    opts: OpenPostgresStoreOptions<T>,
    rows: DocumentRows<T>,
    committed: Committed<T>,
    clock: Clock,
  ) {
    this.key = opts.key;
    this.#clock = clock;
    this.#queue = new GroupQueue<T>((group) => this.#commitGroup(group), MAX_GROUP);
    this.#rows = rows;
    this.#pool = opts.pool;
    this.#where = rows.where;
    this.#create = opts.create;
    this.#committed = { ...committed, doc: deepFrozen(committed.doc) };
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

  update<R>(fn: UpdateFn<T, R>, options?: UpdateOptions): Promise<R> {
    if (this.#closing) return Promise.reject(closedError(this.#where));
    return this.#queue.submit(fn, options);
  }

  async health(): Promise<StoreHealth> {
    if (this.#closing) return { ok: false, message: `The store for ${this.#where} is closed.` };
    // Only a transaction that succeeds clears a failed one: one that decides nothing and writes nothing.
    const ms = this.#healthTimeoutMs;
    if (this.#failure !== undefined)
      await this.update(() => ({ result: undefined }), { deadline: this.#clock.now().getTime() + ms }).catch(
        () => undefined,
      );
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
      await this.#queue.idle();
      clearInterval(this.#poll);
      await this.#unlisten?.();
      while (this.#refreshing) await this.#refreshing;
    })();
    return this.#closing;
  }

  /** A newer committed state than the one held (from a read, a notification or a poll) becomes the snapshot. */
  #heard(state: Committed<T>): void {
    if (state.revision <= this.#committed.revision) return;
    this.#committed = { ...state, doc: deepFrozen(state.doc) };
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

  /**
   * Decides and commits a group in one transaction (again after a serialization failure, or without those whose
   * deadline bounded a lock wait that ran out), then settles every call of the group, in call order; a call refused
   * by its deadline before the row was locked is answered at once.
   */
  async #commitGroup(group: Pending<T>[]): Promise<Pending<T>[]> {
    const where = this.#where;
    const answers = new Map<Pending<T>, Decided>();
    let left: Pending<T>[] = [];
    const clock = () => this.#clock.now().getTime();
    /**
     * Refuses `p` if its deadline is before `now` (true if it did), at once: it is not kept waiting for the rest of
     * its group, which may wait for the row much longer.
     */
    const refusedLate = (p: Pending<T>, now = clock()): boolean => {
      if (p.deadline === undefined || p.deadline >= now) return false;
      p.reject(lateError(where, p.deadline, clock()));
      return true;
    };
    let waiting = group.filter((p) => !refusedLate(p));
    let attempt = 1;
    while (waiting.length > 0) {
      try {
        const done = await this.#transaction(waiting);
        for (const [p, d] of done.answers) answers.set(p, d);
        left = done.left;
        this.#failure = undefined;
        break;
      } catch (e) {
        if (e instanceof WaitExpired && e.limit !== undefined) {
          // The nearest deadline bounded the wait: those past it are refused, the others try again.
          const limit = e.limit + 1;
          waiting = waiting.filter((p) => !refusedLate(p, Math.max(clock(), limit)));
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
    settle(group, answers);
    return left;
  }

  /**
   * One transaction for `group`: the row locked, each update decided in turn against what the one before left,
   * one write for all, COMMIT. Resolves with each update's answer once committed (or rolled back when none changed
   * anything); rejects with a WaitExpired (the lock wait ran out) or a StoreError 'io' (the database failed; its
   * `cause` is the driver's error), and then nothing of the group was written.
   */
  async #transaction(
    group: Pending<T>[],
  ): Promise<{ answers: Map<Pending<T>, Decided>; left: Pending<T>[] }> {
    const where = this.#where;
    const started = this.#clock.now().getTime();
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
        return { answers: new Map(group.map((p) => [p, { ok: false, error: e }])), left: [] };
      }
      this.#heard(current); // another process's commit, not yet heard of: the snapshot catches up
      const requests = this.#rows.requests;
      // The keys this group names, as committed (locked with the row: every writer of them holds it first).
      const keys = [...new Set(group.flatMap((p) => (p.request ? [p.request.key] : [])))];
      const recorded = await this.#rows.recorded(client, keys);
      const log = this.#rows.log;
      const d = decideGroup(
        {
          where,
          schema: this.#rows.schema,
          log,
          requests,
          clock: this.#clock,
          applied: (key, now) => {
            const r = recorded.get(key);
            return r && requests && r.at > now - requests.ttlMs ? r.applied : undefined;
          },
        },
        current.doc,
        group,
      );
      if (!d.changed) {
        await rollback(); // nothing to write; a connection lost here has lost nothing
        return { answers: d.answers, left: d.left };
      }
      await this.#rows.record(client, d.recorded);
      const now = this.#clock.now().getTime();
      const sweep = requests !== undefined && now - this.#swept >= requests.ttlMs / SWEEPS_PER_TTL;
      if (sweep && requests)
        await client.query(
          'DELETE FROM cutover_requests WHERE doc_key = $1 AND at <= to_timestamp($2::double precision / 1000)',
          [this.key, now - requests.ttlMs],
        );
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
        [this.key, current.length, JSON.stringify(d.added), this.#rows.stored(d.doc)],
      );
      stage = 'commit';
      await client.query('COMMIT');
      if (sweep) this.#swept = now;
      const kept = log ? withEntries(d.doc, log.field, d.history.slice(-log.keep)) : d.doc;
      this.#committed = {
        doc: deepFrozen(kept),
        revision: Number(rows[0]?.revision),
        length: current.length + d.added.length,
      };
      return { answers: d.answers, left: d.left };
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
