/**
 * The JSON-file adapter's read-only mode (the offline record): no lock, never a write, so it may run beside the
 * bot. The bot's writes rename a complete file into place after fsyncing the history lines it counts, so a read
 * sees the old document or the new one, never half, and every history line that document counts. The file is
 * read as the writer reads it (envelope.ts: envelope, schema version, schema), then the newest `keep` entries of the
 * history log; lines past the committed count are ignored, never cut off. Each `read()` reads the file again.
 * Given `requests`, it also reads the live request keys (request-log.ts, or those a document of an earlier version
 * kept inside) and hands them in the document's `legacyField`, as a record from key to what was applied: so that
 * an import (migrate-from-json.ts) carries them, and the store it writes to moves them out again.
 */
import { resolve } from 'node:path';
import type { z } from 'zod';
import { closedError, StoreError } from '../errors.js';
import { legacyRequests } from '../legacy-requests.js';
import type { AppendOnlyLog, RequestKeys, StoreReader } from '../store.js';
import { DEFAULT_KEEP, entriesOf, withEntries } from '../validate.js';
import { readLog } from './append-log.js';
import { logPathOf, readEnvelope, requestLogPathOf } from './envelope.js';
import { readRequestLog } from './request-log.js';

export interface JsonFileReader<T> extends StoreReader<T> {
  /** The document file, absolute. */
  readonly path: string;
}

export interface OpenJsonFileReaderOptions<T> {
  schema: z.ZodType<T>;
  /** The schema version the file must have. */
  version: number;
  /** The append-only field kept beside the document, as the writer was opened with. */
  log?: AppendOnlyLog;
  /** The request keys kept beside the document, handed in `requests.legacyField` (live at the time of the read). */
  requests?: RequestKeys;
}

/** Opens the file read-only and reads it once (so a missing or bad file is refused here): `snapshot()` is that read. */
export async function openJsonFileReader<T>(
  path: string,
  opts: OpenJsonFileReaderOptions<T>,
): Promise<JsonFileReader<T>> {
  const reader = new Reader(resolve(path), opts);
  await reader.read();
  return reader;
}

class Reader<T> implements JsonFileReader<T> {
  readonly path: string;
  readonly #opts: OpenJsonFileReaderOptions<T>;
  #last: T | undefined;
  #closed = false;

  constructor(path: string, opts: OpenJsonFileReaderOptions<T>) {
    this.path = path;
    this.#opts = opts;
  }

  /** The document as the last `read()` found it. */
  snapshot(): T {
    return this.#last as T;
  }

  async read(): Promise<T> {
    if (this.#closed) throw closedError(this.path, 'read');
    const { schema, version, log } = this.#opts;
    const path = this.path;
    const requests = this.#opts.requests;
    const envelope = await readEnvelope(
      path,
      { schema, version, logField: log?.field, legacyField: requests?.legacyField },
      'reader',
    );
    if (envelope === null)
      throw new StoreError('missing', path, `There is no store file at ${path}. Nothing was created.`);
    let data = envelope.data;
    if (log) {
      const keep = log.keep ?? DEFAULT_KEEP;
      const tail =
        envelope.logLength === undefined
          ? entriesOf(data, log.field).slice(-keep) // written before the log existed: still inline
          : (await readLog(logPathOf(path, log.field), envelope.logLength, log.entry, keep, false)).tail;
      data = withEntries(data, log.field, tail);
    }
    if (requests?.legacyField !== undefined) {
      const now = Date.now();
      const live = envelope.requests
        ? (
            await readRequestLog(
              requestLogPathOf(path, envelope.requests.generation),
              envelope.requests.length,
              requests.entry,
              false,
            )
          ).records.filter((r) => r.at > now - requests.ttlMs)
        : legacyRequests(path, requests, envelope.legacy, now);
      data = { ...data, [requests.legacyField]: Object.fromEntries(live.map((r) => [r.key, r.applied])) };
    }
    this.#last = data;
    return data;
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
