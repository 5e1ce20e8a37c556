/**
 * Reads a store file for the offline record: read-only, without the writer's lock (the bot may be running;
 * its writes rename a complete file into place, so a read sees the old document or the new one, never half).
 * The file is validated as the store would: the envelope, its schema version, then the document's schema.
 * History lives in `<name>.history.jsonl` beside it (the document says how many lines are committed): only the
 * newest `historyTail` entries are read, and lines past the committed count are ignored, never cut off.
 */
import { readFile } from 'node:fs/promises';
import { HistoryEntry } from '../core/schema.js';
import { STORE_VERSION, StoreDocument } from '../service/document.js';
import { readLog } from '../store/append-log.js';
import { describeIssues, errnoCode, StoreError } from '../store/errors.js';
import { logPathOf } from '../store/store.js';

export class StoreFileError extends Error {
  override readonly name = 'StoreFileError';
}

export async function readStoreFile(path: string, historyTail = 100): Promise<StoreDocument> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = errnoCode(e);
    throw new StoreFileError(
      code === 'ENOENT'
        ? `There is no store file at ${path}. Give the bot's CUTOVER_DB_PATH (default data/cutover.json) with --db.`
        : `Cannot read the store file ${path}: ${(e as Error).message}.`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const why = text.trim() === '' ? 'the file is empty' : (e as Error).message;
    throw new StoreFileError(`${path} is not valid JSON (${why}). It was only read, not changed.`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json) || !('data' in json))
    throw new StoreFileError(
      `${path} is JSON but not a cutover-bot store file: expected {"schemaVersion": ${STORE_VERSION}, "data": {...}} at the top.`,
    );
  const version = 'schemaVersion' in json ? json.schemaVersion : undefined;
  if (version !== STORE_VERSION)
    throw new StoreFileError(
      `${path} has schemaVersion ${JSON.stringify(version)}; this version of cutover-bot reads ${STORE_VERSION}.`,
    );
  const logLength = 'logLength' in json && typeof json.logLength === 'number' ? json.logLength : undefined;
  const data =
    logLength !== undefined && typeof json.data === 'object' && json.data !== null
      ? { ...json.data, history: [] }
      : json.data;
  const parsed = StoreDocument.safeParse(data);
  if (!parsed.success)
    throw new StoreFileError(
      `${path} does not match the store's shape: ${describeIssues(parsed.error.issues, ['data'])}.`,
    );
  if (logLength === undefined) return parsed.data;
  try {
    const { tail } = await readLog(logPathOf(path, 'history'), logLength, HistoryEntry, historyTail, false);
    return { ...parsed.data, history: tail };
  } catch (e) {
    if (e instanceof StoreError) throw new StoreFileError(e.message);
    throw e;
  }
}
