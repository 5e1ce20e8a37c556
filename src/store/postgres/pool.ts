/**
 * The pool of connections the PostgreSQL adapter runs on: one per process and database, shared by every store
 * (document) opened on it. `createPostgresPool` makes one the caller owns (and ends); a store never ends a pool.
 */
import pg from 'pg';
import { guardPool } from './connection.js';
import { type Migrated, migratePostgres } from './migrations.js';

export interface PostgresPoolOptions {
  /** Connections at most (default 10). Each pool also holds one for LISTEN while a store is open on it. */
  max?: number;
  /** How long to wait for a new connection before giving up (default 5000 ms). */
  connectionTimeoutMillis?: number;
}

/**
 * A pool on `url` (`postgres://user:password@host:port/database`). An idle connection the server drops is
 * replaced by the next query that needs one: its error is not raised again here (the query says what is wrong).
 */
export function createPostgresPool(url: string, options: PostgresPoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5000,
    idleTimeoutMillis: 30_000,
    application_name: 'cutover-bot',
  });
  guardPool(pool);
  return pool;
}

/** Migrations run once per pool (and again after a failure). */
const migrated = new WeakMap<pg.Pool, Promise<Migrated>>();

/** `migratePostgres` once per pool. */
export function ensureMigrated(pool: pg.Pool): Promise<Migrated> {
  let done = migrated.get(pool);
  if (!done) {
    done = migratePostgres(pool);
    migrated.set(pool, done);
    done.catch(() => migrated.delete(pool));
  }
  return done;
}

/** The keys of the documents kept in the database (every one, or those starting with `prefix`), sorted. */
export async function listPostgresKeys(pool: pg.Pool, prefix = ''): Promise<string[]> {
  await ensureMigrated(pool);
  const { rows } = await pool.query<{ key: string }>(
    'SELECT key FROM cutover_documents WHERE starts_with(key, $1) ORDER BY key COLLATE "C"',
    [prefix],
  );
  return rows.map((r) => r.key);
}
