/**
 * Why the store refused, for the person running the bot: every message names the file, says what is
 * wrong and what to do about it. `code` is for code that reacts; `path` is the store's document file.
 * This module imports nothing at run time, so a child process can load it alongside lock.ts.
 */

/** `deadline`: the change's deadline passed before the writer reached it (nothing was written). */
export type StoreErrorCode = 'corrupt' | 'invalid' | 'locked' | 'version' | 'io' | 'closed' | 'deadline';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly code: StoreErrorCode;
  readonly path: string;

  constructor(code: StoreErrorCode, path: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.path = path;
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

export function formatPath(path: readonly PropertyKey[]): string {
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
