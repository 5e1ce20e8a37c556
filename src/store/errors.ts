/**
 * Why the store refused, for the person running the bot: every message names the store, says what is
 * wrong and what to do about it. `code` is for code that reacts; `path` names the store: the document file of the
 * JSON-file adapter, `memory` for the in-memory one, `the PostgreSQL document "<key>"` for the database one (never
 * its connection string, which may hold a password).
 * Part of the port: every adapter refuses with these. This module imports nothing at run time, so a child process
 * can load it alongside json-file/lock.ts.
 */

/**
 * `deadline`: the change's deadline passed before the writer reached it (nothing was written).
 * `closed`: the store was closed. `invalid`: a document (or a change) that fails the schema. `missing`: a read-only
 * store found nothing to read. `corrupt`, `version`, `locked`, `io`: what an adapter found wrong with its storage.
 */
export type StoreErrorCode =
  | 'corrupt'
  | 'invalid'
  | 'locked'
  | 'version'
  | 'io'
  | 'closed'
  | 'deadline'
  | 'missing';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly code: StoreErrorCode;
  readonly path: string;
  /**
   * The change was being committed when the storage went out of reach (a database connection lost during COMMIT):
   * it may or may not have been saved, so nobody may be told that nothing changed. False for every other failure.
   */
  readonly maybeSaved: boolean;

  constructor(
    code: StoreErrorCode,
    path: string,
    message: string,
    options?: { cause?: unknown; maybeSaved?: boolean },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.path = path;
    this.maybeSaved = options?.maybeSaved ?? false;
  }
}

/** A problem found by a validator, with the path of the value at fault (zod issues fit this shape). */
export interface Issue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

const SHOWN_ISSUES = 5;

/** `phases[0].status: Invalid option`, the first few, then how many more. */
export function describeIssues(issues: readonly Issue[], prefix: readonly PropertyKey[] = []): string {
  const shown = issues
    .slice(0, SHOWN_ISSUES)
    .map((i) => `${formatPath([...prefix, ...i.path])}: ${i.message}`);
  const more = issues.length - shown.length;
  return more > 0 ? `${shown.join('; ')}; and ${more} more` : shown.join('; ');
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(the whole document)' : out;
}

/** The errno code of a failed fs call, if any. */
export function errnoCode(e: unknown): string | undefined {
  return e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

export function ioError(path: string, doing: string, cause: unknown): StoreError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new StoreError(
    'io',
    path,
    `Could not ${doing} ${path}: ${reason}. Check that the directory exists, is writable by this user ` +
      'and that the disk is not full, then try again.',
    { cause },
  );
}

/** An update (or a read) after `close()`. */
export function closedError(where: string, doing: 'change' | 'read' = 'change'): StoreError {
  return new StoreError(
    'closed',
    where,
    doing === 'change'
      ? `The store for ${where} is closed, so this change was not applied. Open the store again to write.`
      : `The store for ${where} is closed, so it cannot be read. Open the store again to read it.`,
  );
}

/** An update the writer reached after its deadline (epoch ms). */
export function lateError(where: string, deadline: number, now: number): StoreError {
  return new StoreError(
    'deadline',
    where,
    `Refused to write ${where}: the change's deadline passed ${now - deadline} ms before the ` +
      'writer reached it (too many changes waiting). Nothing was written.',
  );
}
