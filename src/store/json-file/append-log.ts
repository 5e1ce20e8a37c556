/**
 * An append-only JSON-lines file beside the store document, for a field that only ever grows (history).
 * A write appends the new lines and fsyncs them BEFORE the document (which records how many lines are
 * committed) is renamed into place: the document's rename stays the one commit point. Lines past the
 * committed count are what a crash between the two steps left behind; they are cut off on open.
 * Only the last `keep` entries are read into memory, so start-up and memory do not grow with the log.
 */
import { open, stat, truncate } from 'node:fs/promises';
import type { z } from 'zod';
import { describeIssues, errnoCode, ioError, StoreError } from '../errors.js';
import { nodeIo, type StoreIo } from './disk.js';

interface LogTail<E> {
  /** The last `keep` committed entries, oldest first. */
  tail: E[];
  /** Byte length of the committed lines (where the next append starts). */
  bytes: number;
}

const NL = 0x0a;

/**
 * Reads the committed part of the log: `count` lines. Fewer lines than that is corruption (refused, nothing
 * touched). Extra lines or a torn last line are a crash's leftovers: cut off when `repair`, ignored otherwise.
 */
export async function readLog<E>(
  path: string,
  count: number,
  entry: z.ZodType<E>,
  keep: number,
  repair: boolean,
): Promise<LogTail<E>> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    if (errnoCode(e) !== 'ENOENT') throw ioError(path, 'read', e);
    if (count === 0) return { tail: [], bytes: 0 };
    throw new StoreError(
      'corrupt',
      path,
      `${path} is missing, but the store document says it holds ${count} history entries. Nothing was modified. ` +
        'Restore both files from the same backup, or move the document aside to start a new cutover from the program.',
    );
  }
  let size: number;
  // Line ends, streamed in chunks: only the last `keep + 1` are remembered (a ring), so memory stays flat.
  const ring = new Float64Array(keep + 1);
  const endOf = (line: number) => (line < 0 ? -1 : (ring[line % ring.length] ?? -1)); // line is 0-based
  let seen = 0;
  try {
    size = (await handle.stat()).size;
    // At most 1 MiB, and no more than the file: a store of many programs opens many short logs.
    const chunk = Buffer.allocUnsafe(Math.min(size, 1 << 20));
    for (let pos = 0; pos < size && seen < count; ) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, pos);
      if (bytesRead === 0) break;
      for (
        let i = chunk.indexOf(NL);
        i !== -1 && i < bytesRead && seen < count;
        i = chunk.indexOf(NL, i + 1)
      ) {
        ring[seen % ring.length] = pos + i;
        seen++;
      }
      pos += bytesRead;
    }
  } catch (e) {
    await handle.close();
    throw ioError(path, 'read', e);
  }
  if (seen < count) {
    await handle.close();
    throw new StoreError(
      'corrupt',
      path,
      `${path} holds ${seen} complete history entries, but the store document says ${count}. Nothing was ` +
        'modified. Restore both files from the same backup, or move the document aside to start a new cutover.',
    );
  }
  const bytes = endOf(count - 1) + 1;
  // The tail: from just after the end of the line before the first kept one, up to the committed end.
  const from = endOf(count - Math.min(keep, count) - 1) + 1;
  const region = Buffer.alloc(bytes - from);
  try {
    if (region.length) await handle.read(region, 0, region.length, from);
  } catch (e) {
    throw ioError(path, 'read', e);
  } finally {
    await handle.close();
  }
  if (repair && size > bytes)
    await truncate(path, bytes).catch((e) => Promise.reject(ioError(path, 'repair', e)));
  const lines = region.length ? region.toString('utf8').slice(0, -1).split('\n') : [];
  const tail: E[] = [];
  lines.forEach((line, j) => {
    const n = count - lines.length + j + 1;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new StoreError(
        'corrupt',
        path,
        `${path} line ${n} is not valid JSON. Nothing was modified. Restore it from a backup.`,
      );
    }
    const parsed = entry.safeParse(json);
    if (!parsed.success)
      throw new StoreError(
        'invalid',
        path,
        `${path} line ${n} is not a valid entry: ${describeIssues(parsed.error.issues)}. Nothing was modified.`,
      );
    tail.push(parsed.data);
  });
  return { tail, bytes };
}

/** Appends entries as lines and fsyncs them. Returns the new byte length. */
export async function appendLog(
  path: string,
  bytes: number,
  entries: readonly unknown[],
  io: StoreIo = nodeIo,
): Promise<number> {
  if (!entries.length) return bytes;
  const text = Buffer.from(entries.map((e) => `${JSON.stringify(e)}\n`).join(''), 'utf8');
  const handle = await open(path, 'a').catch((e) => Promise.reject(ioError(path, 'open', e)));
  try {
    // A failed earlier write may have left bytes past the committed end: never append after them.
    if ((await handle.stat()).size !== bytes) await handle.truncate(bytes);
    await io.write(path, handle, text, bytes);
    await io.sync(path, handle);
  } catch (e) {
    throw ioError(path, 'append to', e);
  } finally {
    await handle.close();
  }
  return bytes + text.length;
}

/** Starts a log afresh with these entries (any leftover of an uncommitted start is replaced). Returns its byte length. */
export async function createLog(
  path: string,
  entries: readonly unknown[],
  io: StoreIo = nodeIo,
): Promise<number> {
  const text = Buffer.from(entries.map((e) => `${JSON.stringify(e)}\n`).join(''), 'utf8');
  const handle = await open(path, 'w').catch((e) => Promise.reject(ioError(path, 'create', e)));
  try {
    await io.write(path, handle, text, 0);
    await io.sync(path, handle);
  } catch (e) {
    throw ioError(path, 'write', e);
  } finally {
    await handle.close();
  }
  return text.length;
}

/** Cuts the log back to its committed length after a failed commit. */
export async function rollbackLog(path: string, bytes: number): Promise<void> {
  const size = await stat(path).then(
    (s) => s.size,
    () => bytes,
  );
  if (size > bytes) await truncate(path, bytes);
}
