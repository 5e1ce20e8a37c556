/**
 * The JSON-file adapter's `DocumentSet` and `Layout` (../store.ts): the catalog is the store file itself, each
 * document a JSON-file store of its own in a folder beside it (`data/cutover.json` -> `data/cutover.programs/`),
 * with its own history log and lock. A change to one document writes that document (and appends to its log) only.
 *
 * The upgrade from the layout before (one document in the store file, at `legacy.version`): the file and its
 * history log are copied, fsynced, to `<name>.v<version>-backup.json` (and `.history.jsonl`); the document and its
 * log are copied into the folder under the key `legacy.keyOf` names; then the catalog is written over the store
 * file in one atomic rename, which is the upgrade's commit point. A crash before it leaves the old file as it was
 * (the next start upgrades again, from the start); the backups stay after it, for the operator to remove.
 * A store file of a version newer than `catalog.version` is refused, untouched.
 */
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { z } from 'zod';
import type { Clock } from '../../runtime/clock.js';
import { ioError, StoreError } from '../errors.js';
import type { AppendOnlyLog, DocumentSet, Layout, RequestKeys, Store } from '../store.js';
import { nodeIo, replaceFile, syncDirectory, writeDurably } from './disk.js';
import { logPathOf, requestLogPathOf } from './envelope.js';
import { openJsonFileStore } from './store.js';

interface DocumentSpec<T> {
  schema: z.ZodType<T>;
  version: number;
  log?: AppendOnlyLog;
  requests?: RequestKeys;
  /** The clock deadlines and request-key expiry are read on (default the system clock). */
  clock?: Clock;
}

/** Keys become file names: the ids of the core (lower-case letters, digits, ".", "-", "_"). */
const KEY = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export function jsonFileDocumentSet<T>(dir: string, spec: DocumentSpec<T>): DocumentSet<T> {
  const open = new Map<string, Promise<Store<T>>>();
  const pathOf = (key: string) => {
    if (!KEY.test(key)) throw new StoreError('invalid', dir, `"${key}" cannot name a document file.`);
    return join(dir, `${key}.json`);
  };
  return {
    async keys() {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw ioError(dir, 'list', e);
      }
      return names
        .filter((n) => n.endsWith('.json') && !n.startsWith('.'))
        .map((n) => n.slice(0, -5))
        .filter((k) => KEY.test(k))
        .sort();
    },
    open(key, create) {
      const path = pathOf(key);
      let store = open.get(key);
      if (!store) {
        store = openJsonFileStore({
          path,
          schema: spec.schema,
          version: spec.version,
          create,
          ...(spec.log ? { log: spec.log } : {}),
          ...(spec.requests ? { requests: spec.requests } : {}),
          ...(spec.clock ? { clock: spec.clock } : {}),
        });
        open.set(key, store);
        store.catch(() => open.delete(key));
      }
      return store;
    },
    async close() {
      const stores = await Promise.allSettled([...open.values()]);
      open.clear();
      await Promise.all(stores.map((s) => (s.status === 'fulfilled' ? s.value.close() : undefined)));
    },
  };
}

export interface OpenJsonFileLayoutOptions<C, T, L> {
  /** The store file: the catalog once this layout is in use. */
  path: string;
  catalog: { schema: z.ZodType<C>; version: number; create: () => C };
  documents: DocumentSpec<T>;
  /** The layout before: one document of `schema` in the store file, at `version`. */
  legacy?: {
    version: number;
    schema: z.ZodType<L>;
    /** The key the one document moves to. */
    keyOf: (doc: L) => string;
    /** The catalog that lists it. */
    catalogFor: (key: string) => C;
  };
}

/** `data/cutover.json` -> `data/cutover.programs`. */
export const documentsDirOf = (path: string) => `${resolve(path).replace(/\.json$/i, '')}.programs`;

/** The version a store file says it is, without validating the rest; undefined when there is no file. */
async function versionOf(path: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw ioError(path, 'read', e);
  }
  try {
    const v = (JSON.parse(text) as { schemaVersion?: unknown }).schemaVersion;
    return typeof v === 'number' ? v : Number.NaN;
  } catch {
    return Number.NaN; // not JSON: the catalog's open refuses it with the full message
  }
}

export async function openJsonFileLayout<C, T, L>(
  opts: OpenJsonFileLayoutOptions<C, T, L>,
): Promise<Layout<C, T>> {
  const path = resolve(opts.path);
  const dir = documentsDirOf(path);
  const version = await versionOf(path);
  if (version !== undefined && version > opts.catalog.version)
    throw new StoreError(
      'version',
      path,
      `${path} was written by a newer cutover-bot (store layout version ${version}; this one reads up to ${opts.catalog.version}). ` +
        'The file was NOT modified. Run that version of the bot (or a newer one), or restore a backup made by this one.',
    );
  let upgraded: string | undefined;
  if (version !== undefined && opts.legacy && version === opts.legacy.version)
    upgraded = await upgrade(path, dir, opts.legacy, opts.documents, opts.catalog.version);
  const catalog = await openJsonFileStore({
    path,
    schema: opts.catalog.schema,
    version: opts.catalog.version,
    create: opts.catalog.create,
    ...(opts.documents.clock ? { clock: opts.documents.clock } : {}),
  });
  return {
    catalog,
    documents: jsonFileDocumentSet(dir, opts.documents),
    ...(upgraded ? { upgraded } : {}),
  };
}

/** Moves the one document of the layout before into the folder, then commits the catalog over the store file. */
async function upgrade<C, T, L>(
  path: string,
  dir: string,
  legacy: NonNullable<OpenJsonFileLayoutOptions<C, T, L>['legacy']>,
  documents: DocumentSpec<T>,
  catalogVersion: number,
): Promise<string> {
  const field = documents.log?.field;
  // The files as the version before left them, for the backup (the open below may move request keys out).
  const originals: [string, Buffer | undefined][] = [];
  for (const f of [path, ...(field ? [logPathOf(path, field)] : [])])
    originals.push([f, await readFile(f).catch(() => undefined)]);
  // Read and checked by the adapter itself (lock, envelope, schema, log), then closed: a bad file stops here.
  const old = await openJsonFileStore({
    path,
    schema: legacy.schema,
    version: legacy.version,
    create: () => {
      throw new StoreError('missing', path, `${path} disappeared during the upgrade.`);
    },
    ...(documents.log ? { log: documents.log } : {}),
    // Its request keys move out beside it here (once), and are copied with it below.
    ...(documents.requests ? { requests: documents.requests } : {}),
  });
  const key = legacy.keyOf(old.snapshot());
  await old.close();
  const generation = documents.requests ? await requestGenerationOf(path) : undefined;
  const base = path.replace(/\.json$/i, '');
  const backup = `${base}.v${legacy.version}-backup.json`;
  const backups: [Buffer | undefined, string][] = [[originals[0]?.[1], backup]];
  if (field) backups.push([originals[1]?.[1], logPathOf(backup, field)]);
  const target = join(dir, `${key}.json`);
  try {
    await mkdir(dir, { recursive: true });
    for (const [bytes, to] of backups) if (bytes) await writeDurably(nodeIo, to, bytes);
    await copyDurably(path, target);
    if (field) await copyDurably(logPathOf(path, field), logPathOf(target, field));
    if (generation !== undefined)
      await copyDurably(requestLogPathOf(path, generation), requestLogPathOf(target, generation));
    await syncDirectory(nodeIo, dir);
    await syncDirectory(nodeIo, dirname(path));
    const catalog = { schemaVersion: catalogVersion, data: legacy.catalogFor(key) };
    await replaceFile(nodeIo, path, `${JSON.stringify(catalog, null, 2)}\n`);
    await syncDirectory(nodeIo, dirname(path));
    // The catalog keeps no request log: the one the upgrade made beside the store file is the program's now.
    if (generation !== undefined) await rm(requestLogPathOf(path, generation), { force: true });
  } catch (e) {
    throw e instanceof StoreError ? e : ioError(path, 'upgrade', e);
  }
  return `upgraded ${basename(path)} (one program) to the layout of many: program ${key} is now ${target}; the old files are kept as ${basename(backup)}${field ? ` and ${basename(logPathOf(backup, field))}` : ''}`;
}

/** Which generation of its request log the store file's envelope names. */
async function requestGenerationOf(path: string): Promise<number | undefined> {
  const envelope = JSON.parse(await readFile(path, 'utf8')) as { requests?: { generation?: unknown } };
  const g = envelope.requests?.generation;
  return typeof g === 'number' ? g : undefined;
}

/** Copies a file and fsyncs the copy; a missing source (a store with no log yet) copies nothing. */
async function copyDurably(from: string, to: string): Promise<void> {
  let bytes: Buffer;
  try {
    bytes = await readFile(from);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  await writeDurably(nodeIo, to, bytes);
}
