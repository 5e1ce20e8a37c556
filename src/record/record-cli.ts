/**
 * `npm run record -- --db <path> [--out <file>] [--history <n|all>]`: the decision record from a store file, with
 * no Slack connection. Prints the Markdown, or writes it to `--out`; `--history all` lists every change in the
 * store's history log. Never writes the store and never takes its lock.
 */
import { writeFile } from 'node:fs/promises';
import { HistoryEntry } from '../core/schema.js';
import { STORE_VERSION, StoreDocument } from '../service/document.js';
import { openJsonFileReader } from '../store/json-file/index.js';
import { StoreError } from '../store/store.js';
import { decisionRecord, RECORD_HISTORY, type RecordOptions } from './decision-record.js';

const USAGE = `Usage: npm run record -- --db <store-file> [--out <file.md>] [--history <n|all>]

Prints the runtime cutover decision record (Markdown) from the bot's store file, or writes it to --out.
--history says how many changes of the history to list, newest first (default ${RECORD_HISTORY}), or all of them
("all": read from the store's history log).
The store is only read: the bot may keep running. Display names come from the store's cache (filled when
someone runs /cutover record in Slack); people not in it are shown by their Slack user id.`;

interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  now: () => Date;
}

type Parsed = { db?: string; out?: string; history?: number | 'all'; help?: boolean };
type Args = Parsed | { error: string };

export function parseArgs(argv: string[]): Args {
  const args: Parsed = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      args.help = true;
      continue;
    }
    const m = /^--(db|out|history)(?:=(.*))?$/.exec(arg);
    if (!m) return { error: `Unknown argument "${arg}".` };
    const key = m[1] as 'db' | 'out' | 'history';
    const value = m[2] ?? argv[++i];
    if (key === 'history') {
      if (value === 'all') args.history = 'all';
      else if (value && /^\d{1,9}$/.test(value)) args.history = Number(value);
      else return { error: '--history needs a number of changes or "all" after it.' };
      continue;
    }
    if (!value || (m[2] === undefined && value.startsWith('--')))
      return { error: `--${key} needs a path after it.` };
    args[key] = value;
  }
  return args;
}

/** How many history entries are read for a record that lists a number of them. */
const KEEP = 100;
/** Room for changes committed between the two reads of `--history all`. */
const GROWTH = 1000;

/** The store file as the bot last committed it, read by the JSON-file adapter's read-only mode (no lock). */
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
  if (!args.db) {
    io.stderr(`Give the store file with --db (the bot's CUTOVER_DB_PATH).\n\n${USAGE}\n`);
    return 2;
  }
  let markdown: string;
  try {
    const opts: RecordOptions = args.history === undefined ? {} : { history: args.history };
    markdown = decisionRecord(await readFor(args.db, args.history), io.now(), opts);
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
