/**
 * `npm run migrate-from-json -- --db <store-file> [--database-url <url>]`: imports the bot's JSON store into an
 * empty PostgreSQL database (migrate-from-json.ts). The URL defaults to DATABASE_URL (from `.env` when there is
 * one). Its password is never printed: the database is named by user, host, port and name.
 */

import { createPostgresPool } from '../store/postgres/index.js';
import {
  importJsonStore,
  type JsonStore,
  postgresImportTarget,
  readJsonStore,
  summaryLines,
} from './migrate-from-json.js';

const USAGE = `Usage: npm run migrate-from-json -- --db <store-file> [--database-url <postgres-url>]

Imports the bot's JSON store (the store file, e.g. data/cutover.json, with its programs folder and history logs)
into an EMPTY PostgreSQL database: every program with its whole history, outbox, request keys, reminder marks and
cached names, then the catalog, last. --database-url defaults to DATABASE_URL (read from .env if there is one).
A database that holds a catalog or any program already is refused and left as it was. The JSON files are only
read, never changed (a store of the one-program layout is imported as its one program, and not upgraded). Stop
the bot first: what it commits during the import would not be imported.`;

interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** The environment, for DATABASE_URL (the process's, with `.env` loaded, in the entry point). */
  env?: Record<string, string | undefined>;
}

type Parsed = { db?: string; databaseUrl?: string; help?: boolean };

export function parseArgs(argv: string[]): Parsed | { error: string } {
  const args: Parsed = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      args.help = true;
      continue;
    }
    const m = /^--(db|database-url)(?:=(.*))?$/.exec(arg);
    if (!m) return { error: `Unknown argument "${arg}".` };
    const value = m[2] ?? argv[++i];
    if (!value || (m[2] === undefined && value.startsWith('--')))
      return { error: `--${m[1]} needs ${m[1] === 'db' ? 'the store file' : 'a postgres:// URL'} after it.` };
    if (m[1] === 'db') args.db = value;
    else args.databaseUrl = value;
  }
  return args;
}

/** The database as a person may see it: the URL without its password (and without its query). */
export function describeUrl(url: URL): string {
  const user = url.username ? `${url.username}@` : '';
  return `${url.protocol}//${user}${url.host}${url.pathname}`;
}

/** `text` without the password, however it is spelled (as typed in the URL, or decoded). */
function redact(text: string, url: URL | undefined, raw: string): string {
  let out = text.split(raw).join('<the database URL>');
  const password = url?.password;
  if (password) {
    for (const p of new Set([password, decodeURIComponent(password)])) out = out.split(p).join('***');
  }
  return out;
}

function parseUrl(raw: string): URL | undefined {
  try {
    const url = new URL(raw);
    return url.protocol === 'postgres:' || url.protocol === 'postgresql:' ? url : undefined;
  } catch {
    return undefined;
  }
}

const programs = (n: number) => `${n} program${n === 1 ? '' : 's'}`;

/** Runs the command; answers the exit code (0 imported, 1 refused or failed, with why; 2 usage). */
export async function runMigrateCli(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv);
  if ('error' in args) {
    io.stderr(`${args.error}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (!args.db) {
    io.stderr(`Give the store file to import with --db (the bot's CUTOVER_DB_PATH).\n\n${USAGE}\n`);
    return 2;
  }
  const raw = args.databaseUrl ?? io.env?.DATABASE_URL?.trim() ?? '';
  if (!raw) {
    io.stderr(`Give the database to import into with --database-url, or set DATABASE_URL.\n\n${USAGE}\n`);
    return 2;
  }
  const url = parseUrl(raw);
  const fail = (message: string) => {
    io.stderr(`${redact(message, url, raw)}\n`);
    return 1;
  };
  if (!url)
    return fail(
      'The database URL (--database-url or DATABASE_URL) is not a PostgreSQL URL: expected ' +
        'postgres://user:password@host:port/database. Nothing was read or written.',
    );
  let source: JsonStore;
  try {
    source = await readJsonStore(args.db);
  } catch (e) {
    return fail(`Cannot import ${args.db}: ${(e as Error).message} Nothing was written to the database.`);
  }
  const where = describeUrl(url);
  const pool = createPostgresPool(raw, { max: 4 });
  try {
    const imported = await importJsonStore(source, postgresImportTarget(pool));
    const lines = [
      `Imported ${programs(imported.length)} from ${source.path} into ${where}:`,
      ...summaryLines(imported),
      ...(source.layout === 1
        ? [
            'The store is of the one-program layout: its program was imported as the only one; the file was not upgraded.',
          ]
        : []),
      ...(source.unlisted.length
        ? [
            `Not imported, as no catalog lists them (starts that never committed): ${source.unlisted.join(', ')}.`,
          ]
        : []),
      'The catalog was written last. The JSON store was only read and is as it was.',
    ];
    io.stdout(`${redact(lines.join('\n'), url, raw)}\n`);
    return 0;
  } catch (e) {
    return fail(`Cannot import ${source.path} into ${where}: ${(e as Error).message}`);
  } finally {
    await pool.end().catch(() => undefined);
  }
}
