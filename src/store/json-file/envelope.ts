/**
 * The store file's envelope, read the one way by both modes of the JSON-file adapter (the writer and the read-only
 * reader): `{ "schemaVersion": <n>, "logLength"?: <n>, "data": <document> }`. The text is parsed, the schema
 * version checked, then the document validated with its schema; with an append-only log, the document on disk
 * leaves out the log's field and `logLength` says how many lines of `<name>.<field>.jsonl` are committed.
 *
 * A file that is not JSON, is not an envelope, has another schema version or fails the schema is refused with a
 * StoreError that says what is wrong and, for the writer, how to go on; the file is never touched here.
 */
import { TextFile } from 'lowdb/node';
import type { z } from 'zod';
import { describeIssues, ioError, StoreError } from '../errors.js';

export interface Envelope<T> {
  schemaVersion: number;
  /** With a log: how many of its lines are committed. */
  logLength?: number;
  /**
   * With request keys kept beside the document: which generation of `<name>.requests.<generation>.jsonl` holds
   * them (a compaction writes the next and names it here: the commit point), and how many of its lines are
   * committed.
   */
  requests?: { generation: number; length: number };
  data: T;
  /** Read only, never written: the request keys a document of an earlier version kept inside (`legacyField`). */
  legacy?: Record<string, unknown>;
}

/** What the file must hold. */
interface EnvelopeSpec<T> {
  schema: z.ZodType<T>;
  version: number;
  /** The append-only field kept in its own file (absent from `data` on disk). */
  logField?: string | undefined;
  /** Where a document of an earlier version kept its request keys (RequestKeys.legacyField). */
  legacyField?: string | undefined;
}

/** Who reads: the writer (which refuses to start on a bad file) or the read-only reader. */
type ReadMode = 'writer' | 'reader';

type Row = Record<string, unknown>;

/** `data/cutover.json` + `history` -> `data/cutover.history.jsonl`. */
export const logPathOf = (path: string, field: string) => `${path.replace(/\.json$/i, '')}.${field}.jsonl`;

/** `data/cutover.json`, generation 3 -> `data/cutover.requests.3.jsonl`. */
export const requestLogPathOf = (path: string, generation: number) =>
  `${path.replace(/\.json$/i, '')}.requests.${generation}.jsonl`;

/** Reads the file through lowdb's TextFile: the envelope, or null when there is no file. */
export async function readEnvelope<T>(
  path: string,
  spec: EnvelopeSpec<T>,
  mode: ReadMode,
): Promise<Envelope<T> | null> {
  let text: string | null;
  try {
    text = await new TextFile(path).read();
  } catch (e) {
    throw ioError(path, 'read', e);
  }
  return text === null ? null : parseEnvelope(path, text, spec, mode);
}

/** The envelope in `text`, validated; the log field of `data` is empty when the log is kept apart. */
function parseEnvelope<T>(path: string, text: string, spec: EnvelopeSpec<T>, mode: ReadMode): Envelope<T> {
  const { version } = spec;
  const untouched = mode === 'writer' ? 'The file was NOT modified.' : 'It was only read, not changed.';
  const recover = 'restore it from a backup, or move it aside to start a new cutover from the program.';
  const toGoOn = (fix = `To go on, ${recover}`) => (mode === 'writer' ? ` ${fix}` : '');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const why = text.trim() === '' ? 'the file is empty' : e instanceof Error ? e.message : String(e);
    throw new StoreError('corrupt', path, `${path} is not valid JSON (${why}). ${untouched}${toGoOn()}`);
  }
  const notStoreFile = (): StoreError =>
    new StoreError(
      'invalid',
      path,
      `${path} is JSON but not a cutover-bot store file: expected {"schemaVersion": ${version}, "data": {...}} ` +
        `at the top. ${untouched}${toGoOn(`Check that the path is right; otherwise ${recover}`)}`,
    );
  if (typeof json !== 'object' || json === null || Array.isArray(json) || !('schemaVersion' in json)) {
    throw notStoreFile();
  }
  if (json.schemaVersion !== version) {
    throw new StoreError(
      'version',
      path,
      `${path} has schemaVersion ${JSON.stringify(json.schemaVersion)}, but this program reads version ` +
        `${version}. ${untouched}${toGoOn(
          `Run the program version that wrote it, migrate the file to version ${version}, or ${recover}`,
        )}`,
    );
  }
  if (!('data' in json) || typeof json.data !== 'object' || json.data === null || Array.isArray(json.data))
    throw notStoreFile();
  const logLength = 'logLength' in json && typeof json.logLength === 'number' ? json.logLength : undefined;
  const field = spec.logField;
  const data = field && logLength !== undefined ? { ...json.data, [field]: [] } : json.data;
  const parsed = spec.schema.safeParse(data);
  if (!parsed.success) {
    throw new StoreError(
      'invalid',
      path,
      `${path} does not match the store's shape: ${describeIssues(parsed.error.issues, ['data'])}. ` +
        `${untouched}${toGoOn(`Correct those fields by hand, or ${recover}`)}`,
    );
  }
  const requests = requestsOf(json);
  const legacy =
    spec.legacyField !== undefined && spec.legacyField in json.data
      ? { [spec.legacyField]: (json.data as Row)[spec.legacyField] }
      : undefined;
  return {
    schemaVersion: version,
    ...(logLength === undefined ? {} : { logLength }),
    ...(requests ? { requests } : {}),
    data: parsed.data,
    ...(legacy ? { legacy } : {}),
  };
}

/** The envelope's pointer to its request log, if it has a well-formed one. */
function requestsOf(json: object): Envelope<unknown>['requests'] {
  if (!('requests' in json) || typeof json.requests !== 'object' || json.requests === null) return undefined;
  const r = json.requests as Row;
  return Number.isInteger(r.generation) && Number.isInteger(r.length)
    ? { generation: r.generation as number, length: r.length as number }
    : undefined;
}

/** The file's text: the log's entries live in their own file, so the document keeps only how many there are. */
export function envelopeText<T>(envelope: Envelope<T>, logField: string | undefined): string {
  const { legacy: _, ...kept } = envelope;
  const onDisk =
    logField && kept.logLength !== undefined
      ? {
          ...kept,
          data: Object.fromEntries(Object.entries(kept.data as Row).filter(([k]) => k !== logField)),
        }
      : kept;
  return `${JSON.stringify(onDisk, null, 2)}\n`;
}
