/**
 * The PostgreSQL adapter's `Layout` (../store.ts): the catalog is the document `catalog`, each program the document
 * `program:<id>`, all in one database that any number of processes share. A change to one program locks and writes
 * that program's row (and appends its history rows) only.
 */
import type pg from 'pg';
import type { z } from 'zod';
import type { Clock } from '../../runtime/clock.js';
import type { AppendOnlyLog, DocumentSet, Layout, RequestKeys, Store } from '../store.js';
import { listPostgresKeys } from './pool.js';
import { openPostgresStore } from './store.js';

/** The catalog's document key. */
export const CATALOG_KEY = 'catalog';
/** Each program's document key is this and the program's id. */
export const PROGRAM_PREFIX = 'program:';

export interface OpenPostgresLayoutOptions<C, T> {
  /** The caller's pool (createPostgresPool), ended by the caller after the layout is closed. */
  pool: pg.Pool;
  catalog: { schema: z.ZodType<C>; version: number; create: () => C };
  documents: { schema: z.ZodType<T>; version: number; log?: AppendOnlyLog; requests?: RequestKeys };
  /** The clock deadlines and request-key expiry are read on (default the system clock). */
  clock?: Clock;
  /** How often each document's revision is polled as the backstop for LISTEN (default 5000 ms). */
  pollMs?: number;
}

export async function openPostgresLayout<C, T>(opts: OpenPostgresLayoutOptions<C, T>): Promise<Layout<C, T>> {
  const catalog = await openPostgresCatalog(opts);
  return { catalog, documents: postgresDocumentSet(opts) };
}

/** The catalog's document alone, first writing `catalog.create()` if there is none. */
export function openPostgresCatalog<C>(
  opts: Pick<OpenPostgresLayoutOptions<C, unknown>, 'pool' | 'catalog' | 'pollMs' | 'clock'>,
): Promise<Store<C>> {
  const poll = opts.pollMs === undefined ? {} : { pollMs: opts.pollMs };
  const clock = opts.clock === undefined ? {} : { clock: opts.clock };
  return openPostgresStore({ pool: opts.pool, key: CATALOG_KEY, ...opts.catalog, ...poll, ...clock });
}

/**
 * The program documents alone (`program:<id>`), without the catalog: for an import, which writes the catalog after
 * every document it lists.
 */
export function postgresDocumentSet<T>(
  opts: Pick<OpenPostgresLayoutOptions<unknown, T>, 'pool' | 'documents' | 'pollMs' | 'clock'>,
): DocumentSet<T> {
  const { pool } = opts;
  const poll = opts.pollMs === undefined ? {} : { pollMs: opts.pollMs };
  const clock = opts.clock === undefined ? {} : { clock: opts.clock };
  const open = new Map<string, Promise<Store<T>>>();
  return {
    async keys() {
      return (await listPostgresKeys(pool, PROGRAM_PREFIX)).map((k) => k.slice(PROGRAM_PREFIX.length));
    },
    open(key, create) {
      let store = open.get(key);
      if (!store) {
        store = openPostgresStore({
          pool,
          key: `${PROGRAM_PREFIX}${key}`,
          schema: opts.documents.schema,
          version: opts.documents.version,
          create,
          ...(opts.documents.log ? { log: opts.documents.log } : {}),
          ...(opts.documents.requests ? { requests: opts.documents.requests } : {}),
          ...poll,
          ...clock,
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
