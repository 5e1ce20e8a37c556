/**
 * The import of a JSON-file store into an empty PostgreSQL database (`npm run migrate-from-json`, migrate-cli.ts).
 *
 * 1. The whole JSON store is read first, through the JSON-file adapter's read-only mode (no lock, never a write):
 *    the catalog (or, in the one-program layout, the store file as its one program), then every program document
 *    it lists with EVERY line of its history log, each validated with its schema. A bad file stops the import here,
 *    before the database is even connected to.
 * 2. The target must hold no `catalog` and no program document: otherwise it is refused, untouched, naming them.
 * 3. Each program is written through the store port as the first document of its key (the adapter validates it,
 *    and writes the row and its whole history in one transaction); the catalog is written LAST, the import's
 *    commit point. An import that fails before it leaves program documents no catalog lists; a run into that
 *    database again is refused like any non-empty one (start again from an empty database): nothing here takes
 *    over or overwrites a document it finds.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type pg from 'pg';
import { HistoryEntry } from '../core/schema.js';
import {
  type AppliedRequest,
  CATALOG_VERSION,
  Catalog,
  REQUEST_KEYS,
  STORE_VERSION,
  StoreDocument,
} from '../service/document.js';
import { documentsDirOf, jsonFileDocumentSet, openJsonFileReader } from '../store/json-file/index.js';
import {
  CATALOG_KEY,
  listPostgresKeys,
  openPostgresCatalog,
  PROGRAM_PREFIX,
  postgresDocumentSet,
} from '../store/postgres/index.js';
import { type DocumentSet, type Store, StoreError } from '../store/store.js';

/** A JSON store as read whole: its catalog and every program it lists, each with all of its history. */
export interface JsonStore {
  /** The store file. */
  path: string;
  /** 1: one program in the store file (upgraded by the bot on its next start); 2: a catalog and documents. */
  layout: 1 | 2;
  catalog: Catalog;
  /** In the catalog's order, each with its live request keys (`requests`), which the import carries. */
  programs: ImportedDocument[];
  /** Program documents in the folder that no catalog lists (a start that never committed): not imported. */
  unlisted: string[];
}

/** Why an import was refused or stopped, in words for the person running it. */
export class ImportError extends Error {
  constructor(
    /**
     * not-empty: the target held documents (nothing written); conflict: another process wrote one meanwhile;
     * source: the JSON store does not hold together (nothing written); stopped: the target failed after the
     * import began writing (its `cause`), so program documents no catalog lists may be left.
     */
    readonly code: 'not-empty' | 'conflict' | 'source' | 'stopped',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ImportError';
  }
}

/** A program document as read for an import: with its live request keys, by key. */
export type ImportedDocument = StoreDocument & { requests?: Record<string, AppliedRequest> };

/** History entries read at first, to learn how long the log is. */
const PEEK = 1;
/** Room for changes committed between the reads (the bot should be stopped; if it is not, they are read too). */
const GROWTH = 1000;

const log = (keep: number) => ({ field: 'history', entry: HistoryEntry, keep });

/** One program document as committed, with the newest `keep` history entries. */
async function readDocument(path: string, keep: number): Promise<ImportedDocument> {
  const reader = await openJsonFileReader<ImportedDocument>(path, {
    schema: StoreDocument,
    version: STORE_VERSION,
    log: log(keep),
    requests: REQUEST_KEYS,
  });
  const doc = reader.snapshot();
  await reader.close();
  return doc;
}

/**
 * The document with every line of its history: a first read says how long the log is (the newest entry's number),
 * the next reads that many and more; read again with room to spare for as long as a read comes back full.
 */
async function readWholeDocument(path: string): Promise<ImportedDocument> {
  const first = await readDocument(path, PEEK);
  if (first.history.length < PEEK) return first;
  let keep = (first.history.at(-1)?.seq ?? 0) + GROWTH;
  for (;;) {
    const doc = await readDocument(path, keep);
    if (doc.history.length < keep) return doc;
    keep *= 2;
  }
}

/** The store's layout version, without validating the rest (the readers do that). */
async function layoutVersion(path: string): Promise<number | undefined> {
  try {
    const v = (JSON.parse(await readFile(path, 'utf8')) as { schemaVersion?: unknown }).schemaVersion;
    return typeof v === 'number' ? v : undefined;
  } catch {
    return undefined; // the catalog's reader refuses it, saying why
  }
}

/** The catalog the bot writes when it upgrades a one-program store (bot.ts, `legacy.catalogFor`). */
const oneProgramCatalog = (id: string): Catalog =>
  Catalog.parse({ programs: [{ id, from: 'the one-program store' }] });

/** Reads the whole store at `path` (either layout); a missing, unreadable or invalid file rejects (StoreError). */
export async function readJsonStore(path: string): Promise<JsonStore> {
  if ((await layoutVersion(path)) === STORE_VERSION) {
    const doc = await readWholeDocument(path);
    return { path, layout: 1, catalog: oneProgramCatalog(doc.cutover.id), programs: [doc], unlisted: [] };
  }
  const reader = await openJsonFileReader(path, { schema: Catalog, version: CATALOG_VERSION });
  const catalog = reader.snapshot();
  await reader.close();
  const dir = documentsDirOf(path);
  const programs: ImportedDocument[] = [];
  for (const { id } of catalog.programs) {
    const file = join(dir, `${id}.json`);
    let doc: ImportedDocument;
    try {
      doc = await readWholeDocument(file);
    } catch (e) {
      if (e instanceof StoreError && e.code === 'missing')
        throw new ImportError(
          'source',
          `${path} lists the program "${id}", but its document ${file} is missing.`,
        );
      throw e;
    }
    if (doc.cutover.id !== id)
      throw new ImportError(
        'source',
        `${path} lists the program "${id}", but its document ${file} holds the program "${doc.cutover.id}".`,
      );
    programs.push(doc);
  }
  // Listing the folder creates nothing: no document is opened.
  const files = await jsonFileDocumentSet(dir, { schema: StoreDocument, version: STORE_VERSION }).keys();
  const listed = new Set(catalog.programs.map((p) => p.id));
  return { path, layout: 2, catalog, programs, unlisted: files.filter((k) => !listed.has(k)) };
}

/** Where an import writes: program documents, and the catalog after them. */
export interface ImportTarget {
  /** The documents of the layout the target holds already (`catalog`, `program:<id>`), sorted. */
  held(): Promise<string[]>;
  documents: DocumentSet<StoreDocument>;
  /** The catalog's store, first writing `create()` if there is none. */
  openCatalog(create: () => Catalog): Promise<Store<Catalog>>;
  /** Closes what was opened (the pool is its owner's). */
  close(): Promise<void>;
}

/** The PostgreSQL layout's documents (`catalog`, `program:<id>`) on `pool`, as an import target. */
export function postgresImportTarget(pool: pg.Pool): ImportTarget {
  const documents = postgresDocumentSet({
    pool,
    documents: {
      schema: StoreDocument,
      version: STORE_VERSION,
      log: { field: 'history', entry: HistoryEntry },
      requests: REQUEST_KEYS,
    },
  });
  const opened: Store<Catalog>[] = [];
  return {
    async held() {
      return (await listPostgresKeys(pool)).filter((k) => k === CATALOG_KEY || k.startsWith(PROGRAM_PREFIX));
    },
    documents,
    async openCatalog(create) {
      const store = await openPostgresCatalog({
        pool,
        catalog: { schema: Catalog, version: CATALOG_VERSION, create },
      });
      opened.push(store);
      return store;
    },
    async close() {
      await documents.close();
      await Promise.all(opened.splice(0).map((s) => s.close()));
    },
  };
}

/** What an import wrote, per program. */
export interface ImportedProgram {
  id: string;
  history: number;
  outbox: number;
  requests: number;
  reminders: number;
  users: number;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The refusal of a target that holds documents already. */
function notEmpty(held: string[]): string {
  const programs = held.filter((k) => k.startsWith(PROGRAM_PREFIX));
  const catalog = held.includes(CATALOG_KEY);
  const what = [
    ...(catalog ? ['the catalog'] : []),
    ...(programs.length ? [`${plural(programs.length, 'program document')} (${programs.join(', ')})`] : []),
  ].join(' and ');
  const orphans = catalog
    ? ''
    : ` No catalog lists ${programs.length === 1 ? 'it' : 'them'}: an earlier import stopped before its end, or a ` +
      'bot start never committed.';
  return (
    `The database is not empty: it holds ${what}.${orphans} Nothing was imported and nothing in the database ` +
    'was changed. Import into a new, empty database (CREATE DATABASE …), or drop this one and create it again.'
  );
}

/**
 * Writes `source` into `target`: every program document (with its whole history), then the catalog. Refuses a
 * target that holds any document of the layout (ImportError 'not-empty'), and stops if one appears while it runs
 * (another process: 'conflict'). Closes what it opened on the target.
 */
export async function importJsonStore(source: JsonStore, target: ImportTarget): Promise<ImportedProgram[]> {
  const imported: ImportedProgram[] = [];
  let writing = false;
  try {
    const held = await target.held();
    if (held.length > 0) throw new ImportError('not-empty', notEmpty(held));
    writing = true;
    for (const doc of source.programs) {
      const id = doc.cutover.id;
      let created = false;
      await target.documents.open(id, () => {
        created = true;
        return doc;
      });
      if (!created)
        throw new ImportError(
          'conflict',
          `${PROGRAM_PREFIX}${id} was written by another process during the import.`,
        );
      imported.push({
        id,
        history: doc.history.length,
        outbox: doc.outbox.length,
        requests: Object.keys(doc.requests ?? {}).length,
        reminders: Object.keys(doc.reminders).length,
        users: Object.keys(doc.users).length,
      });
    }
    let created = false;
    await target.openCatalog(() => {
      created = true;
      return source.catalog;
    });
    if (!created)
      throw new ImportError('conflict', 'The catalog was written by another process during the import.');
    return imported;
  } catch (e) {
    if (!writing) throw e;
    const done = imported.map((p) => `${PROGRAM_PREFIX}${p.id}`);
    throw new ImportError(
      'stopped',
      `${e instanceof Error ? e.message : String(e)} The import stopped before writing the catalog` +
        (done.length ? `, after writing ${done.join(', ')}` : '') +
        ': the bot would not see those programs. Drop the database and create it again (or use another empty ' +
        'one), then run the import again.',
      { cause: e },
    );
  } finally {
    await target.close();
  }
}

/** The summary lines of an import, one per program. */
export function summaryLines(imported: ImportedProgram[]): string[] {
  return imported.map(
    (p) =>
      `  ${p.id}: ${plural(p.history, 'history line')}, ${plural(p.outbox, 'outbox item')}, ` +
      `${plural(p.requests, 'request key')}, ${plural(p.reminders, 'reminder mark')}, ${plural(p.users, 'cached user')}`,
  );
}
