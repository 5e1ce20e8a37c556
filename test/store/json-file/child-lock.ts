/**
 * Runs the real src/store/json-file/lock.ts in a second `node` process. Node 20 cannot load .ts, so lock.ts and
 * the errors.ts it imports (which import only node builtins) are transpiled with vite's oxc transform — vitest's own
 * toolchain — into a temp directory, in the same layout, and a child imports them from there.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { transformWithOxc } from 'vite';

/** Paths under src/store/. */
const SOURCES = ['json-file/lock.ts', 'errors.ts'];

/** Writes json-file/lock.js and errors.js under `dir`/lock-child; returns the file URL of lock.js. */
export async function buildLockModule(dir: string): Promise<string> {
  const out = join(dir, 'lock-child');
  for (const name of SOURCES) {
    const source = await readFile(new URL(`../../../src/store/${name}`, import.meta.url), 'utf8');
    const { code } = await transformWithOxc(source, name);
    const file = join(out, name.replace(/\.ts$/, '.js'));
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, code);
  }
  return pathToFileURL(join(out, 'json-file', 'lock.js')).href;
}

/**
 * hold: take the lock, report, keep it until stdin closes, then release and exit.
 * exit: take the lock, report, and call process.exit() without releasing.
 * try:  take the lock, report, release, exit.
 */
export type ChildMode = 'hold' | 'exit' | 'try';

export type ChildReport = { held: true } | { held: false; code: string; message: string };

const SCRIPT = `
const [moduleUrl, target, mode] = process.argv.slice(1);
const { acquireLock } = await import(moduleUrl);
let lock;
try {
  lock = await acquireLock(target);
} catch (e) {
  console.log(JSON.stringify({ held: false, code: e.code, message: e.message }));
  process.exit(0);
}
console.log(JSON.stringify({ held: true }));
if (mode === 'exit') process.exit(0);
if (mode === 'try') { await lock.release(); process.exit(0); }
process.stdin.resume();
process.stdin.on('end', async () => { await lock.release(); process.exit(0); });
`;

export interface LockChild {
  readonly process: ChildProcess;
  readonly pid: number;
  /** The child's first line: whether it got the lock. */
  readonly report: ChildReport;
  /** Resolves with the exit code (or signal) once the child is gone. */
  readonly exited: Promise<unknown>;
}

export async function startLockChild(moduleUrl: string, target: string, mode: ChildMode): Promise<LockChild> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', SCRIPT, moduleUrl, target, mode], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout });
  const [first] = (await Promise.race([
    once(lines, 'line'),
    once(lines, 'close').then(() => {
      throw new Error('the lock child closed its output before reporting');
    }),
  ])) as [string];
  if (child.pid === undefined) throw new Error('the lock child did not start');
  return { process: child, pid: child.pid, report: JSON.parse(first) as ChildReport, exited };
}
