/**
 * The database's tables, as versioned migrations: `MIGRATIONS[i]` takes a database from version i to i + 1. Only
 * ever append to this list (a migration that has shipped is never edited): a database records the versions applied
 * to it in `cutover_schema_migrations`, and `migratePostgres` applies the missing ones in order, each in its own
 * transaction, while it holds a session advisory lock, so processes that start together apply each one once.
 * A database that has versions this code does not know (a newer bot migrated it) is refused, untouched.
 */
import type pg from 'pg';
import { StoreError } from '../errors.js';
import { borrow } from './connection.js';
import { databaseError } from './failure.js';

export const MIGRATIONS: readonly string[] = [
  // 1: one row per document (a program, later), and its append-only history apart, one row per entry.
  `CREATE TABLE cutover_documents (
     key text PRIMARY KEY,
     schema_version integer NOT NULL,
     doc jsonb NOT NULL,
     history_length integer NOT NULL DEFAULT 0 CHECK (history_length >= 0),
     revision bigint NOT NULL DEFAULT 1,
     updated_at timestamptz NOT NULL DEFAULT now()
   );
   COMMENT ON COLUMN cutover_documents.doc IS 'The document without its history field (in cutover_history).';
   COMMENT ON COLUMN cutover_documents.history_length IS 'How many cutover_history rows of this key are committed.';
   COMMENT ON COLUMN cutover_documents.revision IS 'Goes up by one with every committed change; NOTIFY carries it.';
   CREATE TABLE cutover_history (
     key text NOT NULL REFERENCES cutover_documents (key),
     seq integer NOT NULL CHECK (seq > 0),
     entry jsonb NOT NULL,
     PRIMARY KEY (key, seq)
   );
   CREATE FUNCTION cutover_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     RAISE EXCEPTION 'cutover_history is append-only: % refused', TG_OP;
   END $$;
   CREATE TRIGGER cutover_history_append_only BEFORE UPDATE OR DELETE ON cutover_history
     FOR EACH STATEMENT EXECUTE FUNCTION cutover_history_append_only();`,
  // 2: request keys beside their document, one row per key (looked up by primary key, expired ones swept).
  `CREATE TABLE cutover_requests (
     doc_key text NOT NULL REFERENCES cutover_documents (key),
     request_key text NOT NULL,
     at timestamptz NOT NULL,
     applied jsonb NOT NULL,
     PRIMARY KEY (doc_key, request_key)
   );
   COMMENT ON TABLE cutover_requests IS 'Requests a document applied, with the answer a repeat gets; kept for a TTL (24 h).';
   CREATE INDEX cutover_requests_at ON cutover_requests (doc_key, at);`,
];

/** The version this code brings a database to. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Held while migrating: any number that other applications on the same database are unlikely to use. */
const ADVISORY_LOCK = 0x6375_7430; // 'cut0'

/** Where errors about the database as a whole point. */
export const DATABASE = 'the PostgreSQL database (table cutover_schema_migrations)';

export interface Migrated {
  /** The database's version before, and after. */
  from: number;
  to: number;
}

/**
 * Brings the database to this code's version (SCHEMA_VERSION), applying each missing migration in its own
 * transaction; a StoreError 'version' if the database is newer than the code. Safe to call from many processes at
 * once, and again: a database already up to date costs one lock and one SELECT.
 */
export async function migratePostgres(pool: pg.Pool): Promise<Migrated> {
  const client = await borrow(pool).catch((e: unknown) => {
    throw databaseError(DATABASE, 'connect to', e);
  });
  let broken: Error | undefined;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK]);
    try {
      await client.query(
        `CREATE TABLE IF NOT EXISTS cutover_schema_migrations (
           version integer PRIMARY KEY,
           applied_at timestamptz NOT NULL DEFAULT now()
         )`,
      );
      const { rows } = await client.query<{ version: number | null }>(
        'SELECT max(version) AS version FROM cutover_schema_migrations',
      );
      const from = rows[0]?.version ?? 0;
      if (from > SCHEMA_VERSION)
        throw new StoreError(
          'version',
          DATABASE,
          `The PostgreSQL database is at schema version ${from}, but this program knows versions up to ` +
            `${SCHEMA_VERSION}: a newer cutover-bot has migrated it. Nothing was changed. Run the newer ` +
            'cutover-bot (or one at least as new as the database), or point this one at another database.',
        );
      for (let version = from + 1; version <= SCHEMA_VERSION; version++) {
        try {
          await client.query('BEGIN');
          await client.query(MIGRATIONS[version - 1] as string);
          await client.query('INSERT INTO cutover_schema_migrations (version) VALUES ($1)', [version]);
          await client.query('COMMIT');
        } catch (e) {
          await client.query('ROLLBACK').catch(() => undefined);
          const reason = e instanceof Error ? e.message : String(e);
          throw new StoreError(
            'io',
            DATABASE,
            `Could not migrate the PostgreSQL database from schema version ${version - 1} to ${version}: ` +
              `${reason}. That step was rolled back. Check that this database user may create tables, then ` +
              'start again.',
            { cause: e },
          );
        }
      }
      return { from, to: Math.max(from, SCHEMA_VERSION) };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK]).catch((e: Error) => {
        broken = e; // the lock goes with the connection: never hand it back to the pool
      });
    }
  } catch (e) {
    if (e instanceof StoreError) throw e;
    broken ??= e as Error;
    throw databaseError(DATABASE, 'check the schema version of', e);
  } finally {
    client.release(broken);
  }
}
