/**
 * `npm run record -- [--program <id>] [--db <path>] [--out <file>]`: the decision record of one program from the
 * store, with no Slack connection. `--db` defaults to CUTOVER_DB_PATH (from `.env` when there is one, else
 * data/cutover.json); `--program` may be left out when the store holds one program. Prints the Markdown, or writes
 * it to `--out`. Never writes the store and never takes its lock. Reads a store of the one-program layout too.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HistoryEntry } from '../core/schema.js';
import { CATALOG_VERSION, Catalog, STORE_VERSION, StoreDocument } from '../service/document.js';
import { documentsDirOf, openJsonFileReader } from '../store/json-file/index.js';
import { StoreError } from '../store/store.js';
import { decisionRecord } from './decision-record.js';

const USAGE = `Usage: npm run record -- [--program <program-id>] [--db <store-file>] [--out <file.md>]

Prints the runtime cutover decision record (Markdown) of one program from the bot's store, or writes it to --out.
--db defaults to CUTOVER_DB_PATH (read from .env if there is one), else data/cutover.json. --program may be left
out when the store holds exactly one program. The store is only read: the bot may keep running. Display names
come from the store's cache (filled when someone runs /cutover record in Slack); people not in it are shown by
their Slack user id.`;

interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  now: () => Date;
  /** The environment, for CUTOVER_DB_PATH (the process's, with `.env` loaded, in cli.ts). */
  env?: Record<string, string | undefined>;
}

type Keys = 'db' | 'out' | 'program';
type Args = { [K in Keys]?: string } & { help?: boolean };

export function parseArgs(argv: string[]): Args | { error: string } {
  const args: Args = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      args.help = true;
      continue;
    }
    const m = /^--(db|out|program)(?:=(.*))?$/.exec(arg);
    if (!m) return { error: `Unknown argument "${arg}".` };
    const key = m[1] as Keys;
    const value = m[2] ?? argv[++i];
    if (!value || (m[2] === undefined && value.startsWith('--')))
      return { error: `--${key} needs ${key === 'program' ? 'a program id' : 'a path'} after it.` };
    args[key] = value;
  }
  return args;
}

const LOG = { field: 'history', entry: HistoryEntry, keep: 100 } as const;

/** A program's document as the bot last committed it, read by the JSON-file adapter's read-only mode (no lock). */
async function readDocument(path: string): Promise<StoreDocument> {
  const reader = await openJsonFileReader(path, { schema: StoreDocument, version: STORE_VERSION, log: LOG });
  const doc = reader.snapshot(); // the read made at open: the record is of that moment
  await reader.close();
  return doc;
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

/** The program's document: from the catalog's layout, or the one program of the layout before. */
async function readProgram(
  path: string,
  program: string | undefined,
): Promise<StoreDocument | { error: string }> {
  if ((await layoutVersion(path)) === STORE_VERSION) {
    const doc = await readDocument(path);
    if (program && program !== doc.cutover.id)
      return { error: `${path} holds one program, ${doc.cutover.id}, not "${program}".` };
    return doc;
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
  return readDocument(join(documentsDirOf(path), `${id}.json`));
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
  const db = args.db ?? io.env?.CUTOVER_DB_PATH?.trim() ?? 'data/cutover.json';
  if (!args.db && !existsSync(db)) {
    io.stderr(
      `There is no store at ${db}. Give the store file with --db (the bot's CUTOVER_DB_PATH).\n\n${USAGE}\n`,
    );
    return 2;
  }
  let markdown: string;
  try {
    const doc = await readProgram(db, args.program);
    if ('error' in doc) {
      io.stderr(`${doc.error}\n`);
      return 1;
    }
    markdown = decisionRecord(doc, io.now());
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
