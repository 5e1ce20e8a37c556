/**
 * One writer per document file, across processes: `<file>.lock` is created with `wx` (fails if it exists)
 * and holds the owner's pid, hostname and start time. A lock left by a process that is gone from this host
 * is stale and taken over. The lock is removed on release and, synchronously, on process exit.
 *
 * Limits: a lock from another host is never taken over (its pid cannot be checked from here); 'exit' does
 * not run on SIGKILL or on an unhandled SIGTERM/SIGINT, which leave a stale lock that the next start takes
 * over. Two processes that find the same stale lock in the same instant can both take it; starting the bot
 * twice at once is not a case this guards against.
 */
import { readFileSync, unlinkSync } from 'node:fs';
import { open, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { errnoCode, ioError, StoreError } from '../errors.js';

interface LockHolder {
  pid: number;
  hostname: string;
  startedAt: string;
}

export interface Lock {
  readonly path: string;
  readonly holder: LockHolder;
  /** Removes the lock file if it is still ours. Safe to call twice. */
  release(): Promise<void>;
}

/** Lock files this process holds: a lock naming our own pid that is not in here was left by an earlier
 * process that had the same pid (pid 1 in a container, for instance). */
const held = new Set<string>();

const lockPathFor = (file: string): string => `${file}.lock`;

export async function acquireLock(file: string): Promise<Lock> {
  const lockPath = lockPathFor(file);
  const me: LockHolder = { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString() };
  const content = `${JSON.stringify(me)}\n`;

  // A few rounds: the holder may release, or a stale lock be taken over, between our attempts.
  for (let round = 0; round < 3; round++) {
    if (await tryCreate(file, lockPath, content)) return hold(lockPath, me, content);

    const found = await readHolder(lockPath);
    if (found === 'gone') continue;
    if (found === 'unreadable') {
      throw new StoreError(
        'locked',
        file,
        `${file} is locked, but its lock file ${lockPath} cannot be read (another process may be creating ` +
          `it right now). If no cutover-bot is running on this file, delete ${lockPath} and start again.`,
      );
    }
    if (!isStale(found, lockPath)) throw lockedBy(file, lockPath, found);
    await rm(lockPath, { force: true }).catch((e: unknown) => {
      throw ioError(lockPath, 'remove the stale lock', e);
    });
  }
  throw new StoreError(
    'locked',
    file,
    `${file} is locked: ${lockPath} kept reappearing while this process tried to take it. Another process ` +
      'is starting on the same file; stop it, or wait and start again.',
  );
}

async function tryCreate(file: string, lockPath: string, content: string): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(lockPath, 'wx');
  } catch (e) {
    if (errnoCode(e) === 'EEXIST') return false;
    throw ioError(lockPath, 'create the lock file for', e);
  }
  try {
    await handle.writeFile(content, 'utf8');
    await handle.close();
  } catch (e) {
    await handle.close().catch(() => {});
    await rm(lockPath, { force: true }).catch(() => {});
    throw ioError(lockPath, `write the lock file for ${file} at`, e);
  }
  return true;
}

/**
 * The locks to remove on exit, each with the content that makes it ours: one 'exit' listener for them all (a store
 * of many programs holds a lock per program, and a listener each would trip Node's leak warning).
 */
const onExitLocks = new Map<string, string>();
let exitListener = false;

function removeOnExit(lockPath: string, content: string): void {
  onExitLocks.set(lockPath, content);
  if (exitListener) return;
  exitListener = true;
  process.on('exit', () => {
    // 'exit' listeners must be synchronous; never remove a lock another process has since taken.
    for (const [path, mine] of onExitLocks)
      try {
        if (readFileSync(path, 'utf8') === mine) unlinkSync(path);
      } catch {
        // Already gone, or unreadable: nothing of ours to remove.
      }
  });
}

function hold(lockPath: string, holder: LockHolder, content: string): Lock {
  held.add(lockPath);
  removeOnExit(lockPath, content);
  let released = false;
  return {
    path: lockPath,
    holder,
    async release() {
      if (released) return;
      released = true;
      if (onExitLocks.get(lockPath) === content) onExitLocks.delete(lockPath);
      held.delete(lockPath);
      const now = await readFile(lockPath, 'utf8').catch(() => null);
      if (now === content) await rm(lockPath, { force: true });
    },
  };
}

async function readHolder(lockPath: string): Promise<LockHolder | 'gone' | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(lockPath, 'utf8');
  } catch (e) {
    return errnoCode(e) === 'ENOENT' ? 'gone' : 'unreadable';
  }
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v !== 'object' || v === null) return 'unreadable';
    const { pid, hostname: host, startedAt } = v as Record<string, unknown>;
    if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) return 'unreadable';
    if (typeof host !== 'string' || typeof startedAt !== 'string') return 'unreadable';
    return { pid, hostname: host, startedAt };
  } catch {
    return 'unreadable';
  }
}

function isStale(holder: LockHolder, lockPath: string): boolean {
  if (holder.hostname !== hostname()) return false;
  if (holder.pid === process.pid) return !held.has(lockPath);
  try {
    process.kill(holder.pid, 0); // signal 0: only asks whether the process exists
    return false;
  } catch (e) {
    return errnoCode(e) === 'ESRCH'; // EPERM: it exists, under another user
  }
}

function lockedBy(file: string, lockPath: string, holder: LockHolder): StoreError {
  const who =
    holder.pid === process.pid
      ? `this process (pid ${holder.pid}) already has it open`
      : `it is in use by pid ${holder.pid} on host ${holder.hostname}, started ${holder.startedAt}`;
  const fix =
    holder.pid === process.pid
      ? 'Open the store once and pass that one instance around.'
      : holder.hostname === hostname()
        ? 'Stop that process first: only one cutover-bot may write a file.'
        : `This host cannot check a process on ${holder.hostname}: stop it there, or, if it is no longer ` +
          `running, delete ${lockPath}.`;
  return new StoreError('locked', file, `${file} is locked: ${who} (lock file ${lockPath}). ${fix}`);
}
