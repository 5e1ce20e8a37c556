/**
 * Hearing other processes' commits: one connection per pool LISTENs on `cutover_changed` for every store open on
 * that pool (so a process with a store per program holds one such connection, not one per program), and hands
 * each notification (`<key>:<revision>`) to the stores of that key. A lost connection is opened again after a
 * pause; whatever was committed meanwhile went unheard, so every store is told to catch up once it is back (and
 * the stores poll as well: a notification is a hint, never the only way a change is seen).
 */
import type pg from 'pg';

export const CHANNEL = 'cutover_changed';

/** `<key>:<revision>`, the payload a commit notifies. */
export const payloadOf = (key: string, revision: number) => `${key}:${revision}`;

export interface Subscriber {
  readonly key: string;
  /** Another commit of this key (perhaps this process's own). */
  changed(revision: number): void;
  /** LISTEN is (again) in place: changes made while it was not were not heard. */
  resumed(): void;
}

/** How long to wait before opening a lost LISTEN connection again. */
const RETRY_MS = 500;

class Listener {
  readonly #pool: pg.Pool;
  readonly #subscribers = new Map<string, Set<Subscriber>>();
  #client: pg.PoolClient | undefined;
  #connecting: Promise<void> | undefined;
  #retry: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  get empty(): boolean {
    return this.#subscribers.size === 0;
  }

  add(sub: Subscriber): void {
    const set = this.#subscribers.get(sub.key) ?? new Set();
    this.#subscribers.set(sub.key, set);
    set.add(sub);
    this.#connect();
  }

  /** Removes `sub`; with the last one gone, UNLISTENs and hands the connection back. */
  async remove(sub: Subscriber): Promise<void> {
    const set = this.#subscribers.get(sub.key);
    set?.delete(sub);
    if (set?.size === 0) this.#subscribers.delete(sub.key);
    if (!this.empty) return;
    this.#stopped = true;
    clearTimeout(this.#retry);
    // A connection still being opened is handed back by #open once it comes (a server that does not answer may
    // keep it coming for long): not waited for here.
    const client = this.#client;
    this.#client = undefined;
    if (!client) return;
    client.off('error', this.#lost);
    client.off('end', this.#lost);
    try {
      await client.query(`UNLISTEN ${CHANNEL}`);
      client.release();
    } catch (e) {
      client.release(e as Error);
    }
  }

  #connect(): void {
    if (this.#client || this.#connecting || this.#stopped) return;
    this.#connecting = this.#open().finally(() => {
      this.#connecting = undefined;
    });
  }

  async #open(): Promise<void> {
    let client: pg.PoolClient | undefined;
    try {
      client = await this.#pool.connect();
      if (this.#stopped) {
        client.release();
        return;
      }
      client.on('error', this.#lost);
      client.on('end', this.#lost);
      client.on('notification', this.#heard);
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (e) {
      if (client) this.#drop(client, e);
      this.#later();
      return;
    }
    if (this.#stopped) {
      this.#drop(client, new Error('no longer listening')); // removed while LISTEN was on its way
      return;
    }
    this.#client = client;
    for (const set of this.#subscribers.values()) for (const sub of set) sub.resumed();
  }

  readonly #heard = (msg: pg.Notification): void => {
    const payload = msg.payload ?? '';
    const at = payload.lastIndexOf(':');
    const revision = Number(payload.slice(at + 1));
    if (at < 0 || !Number.isSafeInteger(revision)) return;
    for (const sub of this.#subscribers.get(payload.slice(0, at)) ?? []) sub.changed(revision);
  };

  readonly #lost = (e?: unknown): void => {
    const client = this.#client;
    if (!client) return;
    this.#client = undefined;
    this.#drop(client, e ?? new Error('LISTEN connection ended'));
    this.#later();
  };

  #drop(client: pg.PoolClient, e: unknown): void {
    client.off('error', this.#lost);
    client.off('end', this.#lost);
    client.off('notification', this.#heard);
    client.on('error', () => undefined); // late errors of a connection already given up
    client.release(e instanceof Error ? e : new Error(String(e)));
  }

  #later(): void {
    if (this.#stopped) return;
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => this.#connect(), RETRY_MS);
    this.#retry.unref();
  }
}

const listeners = new WeakMap<pg.Pool, Listener>();

/** Starts hearing commits of `sub.key` on `pool`; the function returned stops it. */
export function listen(pool: pg.Pool, sub: Subscriber): () => Promise<void> {
  let listener = listeners.get(pool);
  if (!listener) {
    listener = new Listener(pool);
    listeners.set(pool, listener);
  }
  const l = listener;
  l.add(sub);
  return async () => {
    const stopping = l.remove(sub); // synchronous up to its first await: emptied and stopped by now
    if (l.empty && listeners.get(pool) === l) listeners.delete(pool);
    await stopping;
  };
}
