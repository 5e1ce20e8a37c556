/**
 * What the database said, in the words of the store's errors (../errors.ts): a StoreError that names the document
 * (never the connection string), says what happened to the change and what to do. SQLSTATE codes from
 * https://www.postgresql.org/docs/current/errcodes-appendix.html.
 */
import { StoreError } from '../errors.js';

/** The SQLSTATE of a database error, if it is one. */
export const sqlState = (e: unknown): string | undefined =>
  e instanceof Error && 'code' in e && typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)
    ? e.code
    : undefined;

/** A serialization failure or a deadlock: the transaction may simply be run again. */
export const isRetryable = (e: unknown): boolean => ['40001', '40P01'].includes(sqlState(e) ?? '');

/** The wait for the row lock ran out (lock_timeout), or a statement did (statement_timeout). */
export const isTimeout = (e: unknown): boolean => ['55P03', '57014'].includes(sqlState(e) ?? '');

export const reasonOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** How a failure left the change: rolled back for sure, or lost with the connection during COMMIT. */
export type Outcome = 'rolled back' | 'unknown';

/** A change, a read or an open that the database failed. */
export function databaseError(where: string, doing: string, cause: unknown, outcome?: Outcome): StoreError {
  const what =
    outcome === 'unknown'
      ? ' The connection was lost while the change was being committed, so it may or may not have been saved: ' +
        'read the document again before repeating it.'
      : outcome === 'rolled back'
        ? ' Nothing was written (the transaction was rolled back).'
        : '';
  const state = sqlState(cause);
  // Class 08: the connection; 57: the server shutting down or restarting; 53: out of connections or memory.
  const unreachable = state === undefined || /^(08|57|53)/.test(state);
  const todo = unreachable
    ? 'Check that the PostgreSQL server is up and reachable from this machine (DATABASE_URL, the network, ' +
      'the server log), then try again.'
    : `The database refused it (SQLSTATE ${state}): see the PostgreSQL server log, then try again.`;
  return new StoreError('io', where, `Could not ${doing} ${where}: ${reasonOf(cause)}.${what} ${todo}`, {
    cause,
    maybeSaved: outcome === 'unknown',
  });
}

/** A wait bounded by `ms`: rejects with what `timedOut()` makes when it runs out. */
export function within<T>(p: Promise<T>, ms: number, timedOut: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timedOut()), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
