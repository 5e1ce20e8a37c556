/**
 * The in-memory adapter of the store port (bolt-js's `MemoryStore` beside its `ConversationStore`): the same
 * contract as the JSON file (test/store/contract.ts runs against both), with nothing on disk, for service and alert
 * tests that are about what a change does, not how it is kept. Every document is validated with the schema as the
 * JSON file's is; the history field is append-only and only its newest `keep` entries are held; updates run one at
 * a time in the order they were made, each against the document before it, frozen; a deadline that passed before an update's turn
 * refuses it. One process, one copy: `snapshot()` and `read()` are the same document.
 */
import type { z } from 'zod';
import { type Clock, systemClock } from '../runtime/clock.js';
import { deepFrozen } from './changed-parts.js';
import { closedError } from './errors.js';
import {
  decideGroup,
  GroupQueue,
  type Pending,
  RequestIndex,
  SWEEPS_PER_TTL,
  settle,
} from './group-commit.js';
import { legacyRequests, withoutLegacyRequests } from './legacy-requests.js';
import type {
  AppendOnlyLog,
  DocumentSet,
  Layout,
  RequestKeys,
  Store,
  StoreHealth,
  UpdateFn,
  UpdateOptions,
} from './store.js';
import { DEFAULT_KEEP, entriesOf, validated, withEntries } from './validate.js';

interface MemoryStoreOptions<T> {
  /** Validates the first document and every change. */
  schema: z.ZodType<T>;
  /** The first document. */
  create: () => T;
  log?: AppendOnlyLog;
  /** The request keys, kept in a map beside the document. */
  requests?: RequestKeys;
  /** The clock deadlines are read on (default the system clock). */
  clock?: Clock;
  /** How errors name this store (default `memory`). */
  name?: string;
}

export class MemoryStore<T> implements Store<T> {
  /** The lock (memory: one process) makes this the only writer. */
  readonly exclusive = true;
  readonly #name: string;
  readonly #schema: z.ZodType<T>;
  readonly #log: Required<AppendOnlyLog> | undefined;
  readonly #requests: RequestKeys | undefined;
  readonly #index: RequestIndex;
  readonly #clock: Clock;
  readonly #queue: GroupQueue<T>;
  #committed: T;
  /** When expired request keys were last dropped (epoch ms). */
  #swept = 0;
  #closing: Promise<void> | undefined;

  /** Throws a StoreError 'invalid' if `create()` fails the schema. */
  constructor(opts: MemoryStoreOptions<T>) {
    this.#name = opts.name ?? 'memory';
    this.#schema = opts.schema;
    this.#log = opts.log ? { ...opts.log, keep: opts.log.keep ?? DEFAULT_KEEP } : undefined;
    this.#requests = opts.requests;
    this.#index = new RequestIndex(opts.requests?.ttlMs ?? 0);
    this.#clock = opts.clock ?? systemClock;
    const raw = opts.create();
    if (opts.requests)
      for (const r of legacyRequests(this.#name, opts.requests, raw, this.#clock.now().getTime()))
        this.#index.set(r);
    const first = validated(
      this.#name,
      opts.schema,
      withoutLegacyRequests(opts.requests, raw),
      'the first document (from create())',
    );
    const log = this.#log;
    this.#committed = deepFrozen(
      log ? withEntries(first, log.field, entriesOf(first, log.field).slice(-log.keep)) : first,
    );
    this.#queue = new GroupQueue<T>((group) => this.#commit(group));
  }

  snapshot(): T {
    return this.#committed;
  }

  read(): Promise<T> {
    if (this.#closing) return Promise.reject(closedError(this.#name, 'read'));
    return Promise.resolve(this.#committed);
  }

  update<R>(fn: UpdateFn<T, R>, options?: UpdateOptions): Promise<R> {
    if (this.#closing) return Promise.reject(closedError(this.#name));
    return this.#queue.submit(fn, options);
  }

  async health(): Promise<StoreHealth> {
    return this.#closing ? { ok: false, message: `The store for ${this.#name} is closed.` } : { ok: true };
  }

  close(): Promise<void> {
    this.#closing ??= this.#queue.idle();
    return this.#closing;
  }

  async #commit(group: Pending<T>[]): Promise<Pending<T>[]> {
    const log = this.#log;
    const d = decideGroup(
      {
        where: this.#name,
        schema: this.#schema,
        log,
        requests: this.#requests,
        clock: this.#clock,
        applied: (key, now) => this.#index.applied(key, now),
      },
      this.#committed,
      group,
    );
    if (d.changed) {
      this.#committed = deepFrozen(log ? withEntries(d.doc, log.field, d.history.slice(-log.keep)) : d.doc);
      for (const r of d.recorded) this.#index.set(r);
      const now = this.#clock.now().getTime();
      if (this.#requests && now - this.#swept >= this.#requests.ttlMs / SWEEPS_PER_TTL) {
        this.#index.sweep(now);
        this.#swept = now;
      }
    }
    settle(group, d.answers);
    return d.left;
  }
}

/** The memory adapter's `Layout`: a catalog and a map of documents, nothing on disk. */
export function memoryLayout<C, T>(opts: {
  catalog: { schema: z.ZodType<C>; create: () => C };
  documents: { schema: z.ZodType<T>; log?: AppendOnlyLog; requests?: RequestKeys };
  clock?: Clock;
}): Layout<C, T> {
  const clock = opts.clock === undefined ? {} : { clock: opts.clock };
  const docs = new Map<string, MemoryStore<T>>();
  const documents: DocumentSet<T> = {
    keys: async () => [...docs.keys()].sort(),
    async open(key, create) {
      let store = docs.get(key);
      if (!store) {
        store = new MemoryStore({ ...opts.documents, ...clock, create, name: `memory:${key}` });
        docs.set(key, store);
      }
      return store;
    },
    async close() {
      await Promise.all([...docs.values()].map((d) => d.close()));
    },
  };
  return { catalog: new MemoryStore({ ...opts.catalog, ...clock, name: 'memory:catalog' }), documents };
}
