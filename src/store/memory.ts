/**
 * The in-memory adapter of the store port (bolt-js's `MemoryStore` beside its `ConversationStore`): the same
 * contract as the JSON file (test/store/contract.ts runs against both), with nothing on disk, for service and alert
 * tests that are about what a change does, not how it is kept. Every document is validated with the schema as the
 * JSON file's is; the history field is append-only and only its newest `keep` entries are held; updates run one at
 * a time in the order they were made, each against a private copy; a deadline that passed before an update's turn
 * refuses it. One process, one copy: `snapshot()` and `read()` are the same document.
 */
import type { z } from 'zod';
import { closedError, lateError } from './errors.js';
import type { AppendOnlyLog, DocumentSet, Layout, Store, StoreHealth, UpdateOptions } from './store.js';
import { appendedEntries, DEFAULT_KEEP, entriesOf, validated, withEntries } from './validate.js';

interface MemoryStoreOptions<T> {
  /** Validates the first document and every change. */
  schema: z.ZodType<T>;
  /** The first document. */
  create: () => T;
  log?: AppendOnlyLog;
  /** How errors name this store (default `memory`). */
  name?: string;
}

export class MemoryStore<T> implements Store<T> {
  readonly #name: string;
  readonly #schema: z.ZodType<T>;
  readonly #log: Required<AppendOnlyLog> | undefined;
  #committed: T;
  /** The last update queued: the next one runs after it settles. */
  #tail: Promise<unknown> = Promise.resolve();
  #closing: Promise<void> | undefined;

  /** Throws a StoreError 'invalid' if `create()` fails the schema. */
  constructor(opts: MemoryStoreOptions<T>) {
    this.#name = opts.name ?? 'memory';
    this.#schema = opts.schema;
    this.#log = opts.log ? { ...opts.log, keep: opts.log.keep ?? DEFAULT_KEEP } : undefined;
    const first = validated(this.#name, opts.schema, opts.create(), 'the first document (from create())');
    const log = this.#log;
    this.#committed = log
      ? withEntries(first, log.field, entriesOf(first, log.field).slice(-log.keep))
      : first;
  }

  snapshot(): T {
    return this.#committed;
  }

  read(): Promise<T> {
    if (this.#closing) return Promise.reject(closedError(this.#name, 'read'));
    return Promise.resolve(this.#committed);
  }

  update<R>(fn: (current: T) => { next?: T; result: R }, options?: UpdateOptions): Promise<R> {
    if (this.#closing) return Promise.reject(closedError(this.#name));
    const run = this.#tail.then(() => this.#apply(fn, options?.deadline));
    this.#tail = run.catch(() => undefined);
    return run;
  }

  async health(): Promise<StoreHealth> {
    return this.#closing ? { ok: false, message: `The store for ${this.#name} is closed.` } : { ok: true };
  }

  close(): Promise<void> {
    this.#closing ??= this.#tail.then(() => undefined);
    return this.#closing;
  }

  #apply<R>(fn: (current: T) => { next?: T; result: R }, deadline: number | undefined): R {
    const now = Date.now();
    if (deadline !== undefined && now > deadline) throw lateError(this.#name, deadline, now);
    const log = this.#log;
    const history = log ? entriesOf(this.#committed, log.field) : [];
    // A private copy: the entries themselves are shared (never changed, only appended after), as in the JSON file.
    const copy = structuredClone(log ? withEntries(this.#committed, log.field, []) : this.#committed);
    const { next, result } = fn(log ? withEntries(copy, log.field, [...history]) : copy);
    if (next === undefined) return result;
    if (!log) {
      this.#committed = validated(this.#name, this.#schema, next, 'the new document');
      return result;
    }
    const added = appendedEntries(this.#name, log, history, next);
    const data = validated(this.#name, this.#schema, withEntries(next, log.field, []), 'the new document');
    this.#committed = withEntries(data, log.field, [...history, ...added].slice(-log.keep));
    return result;
  }
}

/** The memory adapter's `Layout`: a catalog and a map of documents, nothing on disk. */
export function memoryLayout<C, T>(opts: {
  catalog: { schema: z.ZodType<C>; create: () => C };
  documents: { schema: z.ZodType<T>; log?: AppendOnlyLog };
}): Layout<C, T> {
  const docs = new Map<string, MemoryStore<T>>();
  const documents: DocumentSet<T> = {
    keys: async () => [...docs.keys()].sort(),
    async open(key, create) {
      let store = docs.get(key);
      if (!store) {
        store = new MemoryStore({ ...opts.documents, create, name: `memory:${key}` });
        docs.set(key, store);
      }
      return store;
    },
    async close() {
      await Promise.all([...docs.values()].map((d) => d.close()));
    },
  };
  return { catalog: new MemoryStore({ ...opts.catalog, name: 'memory:catalog' }), documents };
}
