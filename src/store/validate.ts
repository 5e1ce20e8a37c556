/**
 * The checks every adapter makes before it commits a change, worded the same whichever keeps the document: the
 * whole document against its schema, and the append-only history field. `where` names the store (errors.ts).
 */
import type { z } from 'zod';
import { describeIssues, StoreError } from './errors.js';
import type { AppendOnlyLog } from './store.js';

type Row = Record<string, unknown>;

/** How many of the newest log entries an adapter holds in memory unless told otherwise (AppendOnlyLog.keep). */
export const DEFAULT_KEEP = 1000;

/** The document as the schema reads it (a new copy), or a StoreError 'invalid' saying what is wrong. */
export function validated<T>(where: string, schema: z.ZodType<T>, doc: T, what: string): T {
  const parsed = schema.safeParse(doc);
  if (parsed.success) return parsed.data;
  throw new StoreError(
    'invalid',
    where,
    `Refused to write ${where}: ${what} does not match the schema: ${describeIssues(parsed.error.issues)}. ` +
      'Nothing was written; the store still holds the last good document. This is a bug in the code that ' +
      'built the document: report it with this message.',
  );
}

/** The entries of `log.field` in `doc` (none if absent). */
export const entriesOf = (doc: unknown, field: string): unknown[] => ((doc as Row)[field] ?? []) as unknown[];

/** `doc` with its log field replaced by `entries`. */
export const withEntries = <T>(doc: T, field: string, entries: unknown[]): T =>
  ({ ...(doc as Row), [field]: entries }) as T;

/**
 * The entries `next` appends to the log field after `history` (the entries fn was given, compared by identity),
 * each validated; or a StoreError 'invalid' if it changed or dropped any of them.
 */
export function appendedEntries(
  where: string,
  log: AppendOnlyLog,
  history: readonly unknown[],
  next: unknown,
): unknown[] {
  const after = entriesOf(next, log.field);
  if (after.length < history.length || after.slice(0, history.length).some((e, i) => e !== history[i]))
    throw new StoreError(
      'invalid',
      where,
      `Refused to write ${where}: ${log.field} may only be appended to. Nothing was written.`,
    );
  return after.slice(history.length).map((e, i) => {
    const parsed = log.entry.safeParse(e);
    if (parsed.success) return parsed.data;
    throw new StoreError(
      'invalid',
      where,
      `Refused to write ${where}: new ${log.field} entry ${i + 1} does not match the schema: ${describeIssues(parsed.error.issues)}. Nothing was written.`,
    );
  });
}
