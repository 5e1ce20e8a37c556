/**
 * `npm run record -- [--program <id>] [--db <path>] [--out <file>] [--history <n|all>]`: the decision record of one
 * program from the store, with no Slack connection. `--db` defaults to CUTOVER_DB_PATH (from `.env` when there is
 * one, else data/cutover.json); `--program` may be left out when the store holds one program. Prints the Markdown,
 * or writes it to `--out`; `--history all` lists every change in the program's history log. Never writes the store
 * and never takes its lock. Reads a store of the one-program layout too.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { HistoryEntry } from '../core/schema.js';
import { CATALOG_VERSION, Catalog, STORE_VERSION, StoreDocument } from '../service/document.js';
import { documentsDirOf, openJsonFileReader } from '../store/json-file/index.js';
import { StoreError } from '../store/store.js';
import { decisionRecord, RECORD_HISTORY, type RecordOptions } from './decision-record.js';

const USAGE = `Usage: npm run record -- [--program <program-id>] [--db <store-file>] [--out <file.md>] [--history <n|all>]

Prints the runtime cutover decision record (Markdown) of one program from the bot's store, or writes it to --out.
--db defaults to CUTOVER_DB_PATH (read from .env if there is one), else data/cutover.json. --program may be left
out when the store holds exactly one program. --history says how many changes of the history to list, newest
first (default ${RECORD_HISTORY}), or all of them ("all": read from the program's history log).
The store is only read: the bot may keep running. Display names come from the store's cache (filled when
someone runs /cutover record in Slack); people not in it are shown by their Slack user id.`;

interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  now: () => Date;
  /** The environment, for CUTOVER_DB_PATH (the process's, with `.env` loaded, in cli.ts). */
  env?: Record<string, string | undefined>;
  /** The directory a relative store path (the default data/cutover.json, `--db`) is read from: the process's in cli.ts. */
  cwd: string;
}

type Parsed = { db?: string; out?: string; program?: string; history?: number | 'all'; help?: boolean };
type Args = Parsed | { error: string };

export function parseArgs(argv: string[]): Args {
  const args: Parsed = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      args.help = true;
      continue;
    }
    const m = /^--(db|out|program|history)(?:=(.*))?$/.exec(arg);
    if (!m) return { error: `Unknown argument "${arg}".` };
    const key = m[1] as 'db' | 'out' | 'program' | 'history';
    const value = m[2] ?? argv[++i];
    if (key === 'history') {
      if (value === 'all') args.history = 'all';
      else if (value && /^\d{1,9}$/.test(value)) args.history = Number(value);
      else return { error: '--history needs a number of changes or "all" after it.' };
      continue;
    }
    if (!value || (m[2] === undefined && value.startsWith('--')))
      return { error: `--${key} needs ${key === 'program' ? 'a program id' : 'a path'} after it.` };
    args[key] = value;
  }
  return args;
}

/** How many history entries are read for a record that lists a number of them. */
const KEEP = 100;
/** Room for changes committed between the two reads of `--history all`. */
const GROWTH = 1000;

/** A program's document as the bot last committed it, read by the JSON-file adapter's read-only mode (no lock). */
async function readStore(path: string, keep: number): Promise<StoreDocument> {
  const reader = await openJsonFileReader(path, {
    schema: StoreDocument,
    version: STORE_VERSION,
    log: { field: 'history', entry: HistoryEntry, keep },
  });
  const doc = reader.snapshot(); // the read made at open: the record is of that moment
  await reader.close();
  return doc;
}

/**
 * The document with as much history as the record lists. For all of it: a first read says how many changes there
 * are (the newest entry's number), the second reads that many, and room for a few more committed meanwhile.
 */
async function readFor(path: string, history: RecordOptions['history']): Promise<StoreDocument> {
  const wanted = history ?? RECORD_HISTORY;
  const first = await readStore(path, KEEP);
  if ((wanted !== 'all' && wanted <= KEEP) || (first.history[0]?.seq ?? 1) <= 1) return first;
  const all = (first.history.at(-1)?.seq ?? 0) + GROWTH;
  return readStore(path, wanted === 'all' ? all : Math.min(wanted, all));
}

/** The store's layout version, without validating the rest (the readers do that). */
async function layoutVersion(path: string): Promise<number | undefined> {
  try {
    const v = (JSON.parse(await readFile(path, 'utf8')) as { schemaVersion?: unknown }).schemaVersion;
    return typeof v === 'number' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The program's document file: from the catalog's layout, or the store file itself in the one-program layout. */
async function programFile(path: string, program: string | undefined): Promise<string | { error: string }> {
  if ((await layoutVersion(path)) === STORE_VERSION) {
    if (program) {
      const doc = await readStore(path, 1);
      if (program !== doc.cutover.id)
        return { error: `${path} holds one program, ${doc.cutover.id}, not "${program}".` };
    }
    return path;
  }
  const reader = await openJsonFileReader(path, { schema: Catalog, version: CATALOG_VERSION });
  const ids = reader.snapshot().programs.map((p) => p.id);
  await reader.close();
  const id = program ?? (ids.length === 1 ? ids[0] : undefined);
  if (!id)
    return {
      error: ids.length
        ? `${path} holds ${ids.length} programs: name one with --program (${ids.join(', ')}).`
        : `${path} holds no program yet.`,
    };
  if (!ids.includes(id))
    return { error: `There is no program "${id}" in ${path}. Programs: ${ids.join(', ') || 'none'}.` };
  return join(documentsDirOf(path), `${id}.json`);
}

/** Runs the command; answers the exit code (0 done, 1 the store could not be read or the file written, 2 usage). */
export async function runRecordCli(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv);
  if ('error' in args) {
    io.stderr(`${args.error}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const given = args.db ?? io.env?.CUTOVER_DB_PATH?.trim() ?? 'data/cutover.json';
  const db = resolve(io.cwd, given);
  if (!args.db && !existsSync(db)) {
    io.stderr(
      `There is no store at ${given}. Give the store file with --db (the bot's CUTOVER_DB_PATH).\n\n${USAGE}\n`,
    );
    return 2;
  }
  let markdown: string;
  try {
    const file = await programFile(db, args.program);
    if (typeof file !== 'string') {
      io.stderr(`${file.error}\n`);
      return 1;
    }
    const opts: RecordOptions = args.history === undefined ? {} : { history: args.history };
    markdown = decisionRecord(await readFor(file, args.history), io.now(), opts);
  } catch (e) {
    if (!(e instanceof StoreError)) throw e;
    const hint =
      e.code === 'missing' ? " Give the bot's CUTOVER_DB_PATH (default data/cutover.json) with --db." : '';
    io.stderr(`${e.message}${hint}\n`);
    return 1;
  }
  if (!args.out) {
    io.stdout(markdown);
    return 0;
  }
  try {
    await writeFile(args.out, markdown, 'utf8');
  } catch (e) {
    io.stderr(`Cannot write the record to ${args.out}: ${(e as Error).message}.\n`);
    return 1;
  }
  io.stderr(`Wrote the decision record to ${args.out}.\n`);
  return 0;
}
