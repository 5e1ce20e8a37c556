/**
 * Every byte the JSON-file store puts on disk goes through `StoreIo` (write, fsync and the rename that commits), so
 * a test can give it a disk that is full or failing, or watch the order of the steps, without mocking `node:fs`.
 * Writes of the document are temp-file, fsync, rename, fsync of the directory; a temp file a failed or killed write
 * left behind is removed on the next write or open.
 */
import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { errnoCode } from '../errors.js';

export interface StoreIo {
  /** Writes all of `data` at `position` of the open file `path`. */
  write(path: string, handle: FileHandle, data: Uint8Array, position: number): Promise<void>;
  /** Flushes the open file (or directory) `path` to the disk. */
  sync(path: string, handle: FileHandle): Promise<void>;
  /** Renames `from` over `to` (the commit point of a document write); `fs.rename` when not given. */
  rename?(from: string, to: string): Promise<void>;
}

/** The real disk. */
export const nodeIo: Required<StoreIo> = {
  async write(_path, handle, data, position) {
    for (let done = 0; done < data.length; ) {
      const { bytesWritten } = await handle.write(data, done, data.length - done, position + done);
      done += bytesWritten;
    }
  },
  sync: (_path, handle) => handle.sync(),
  rename: (from, to) => rename(from, to),
};

/** Where a write of `file` stages its bytes: `.<name>.tmp` beside it (the name steno, lowdb's writer, used). */
const tempPathOf = (file: string) => join(dirname(file), `.${basename(file)}.tmp`);
/** The file a health probe writes and removes: `.<name>.health.tmp`. */
export const probePathOf = (file: string) => join(dirname(file), `.${basename(file)}.health.tmp`);

/**
 * Puts `text` in place of `path` atomically: a temp file, written and fsynced, renamed over `path`. If it throws,
 * `path` is as it was and the temp file is gone. The rename is the commit point: follow it with
 * `syncDirectory(dirname(path))` to make it durable.
 */
export async function replaceFile(io: StoreIo, path: string, text: string): Promise<void> {
  const temp = tempPathOf(path);
  try {
    await writeDurably(io, temp, Buffer.from(text, 'utf8'));
    await (io.rename ? io.rename(temp, path) : rename(temp, path));
  } catch (e) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw e;
  }
}

/** Creates (or truncates) `path`, writes `data` and fsyncs it. */
export async function writeDurably(io: StoreIo, path: string, data: Uint8Array): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await io.write(path, handle, data, 0);
    await io.sync(path, handle);
  } finally {
    await handle.close();
  }
}

/** Removes what an interrupted write or probe of `file` left behind. */
export async function removeLeftovers(file: string): Promise<void> {
  await Promise.all([rm(tempPathOf(file), { force: true }), rm(probePathOf(file), { force: true })]);
}

/** Flushes a directory entry (a rename) to the disk, where the platform can. */
export async function syncDirectory(io: StoreIo, dir: string): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(dir, 'r');
  } catch (e) {
    if (cannotSyncDirectory(e)) return;
    throw e;
  }
  try {
    await io.sync(dir, handle);
  } catch (e) {
    if (!cannotSyncDirectory(e)) throw e;
  } finally {
    await handle.close();
  }
}

/** Platforms (Windows) and file systems that cannot open or fsync a directory say so with these codes. */
const cannotSyncDirectory = (e: unknown): boolean =>
  ['EISDIR', 'EPERM', 'EACCES', 'EINVAL', 'ENOTSUP'].includes(errnoCode(e) ?? '');
