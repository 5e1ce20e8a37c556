/**
 * The request keys of a JSON-file document, kept beside it in an append-only JSON-lines file
 * (`<name>.requests.<generation>.jsonl`, one `{"k","at","a"}` line per key recorded), as the history log is: a
 * write appends and fsyncs its lines BEFORE the document, whose envelope counts the committed lines, is renamed
 * into place; lines past that count (a write that never committed) are cut off on open. The whole file is read
 * into an in-memory index at open, so a lookup costs the same however many keys are live.
 *
 * Compaction, once most lines are expired keys: the live keys are written to the next generation's file (fsynced),
 * then the document's envelope names that generation (the rename: the commit point), then the old file is removed.
 * A crash before the rename leaves the next generation as a leftover, after it the old one: whichever file the
 * envelope does not name is removed on open.
 */
import { readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import type { RequestRecord } from '../group-commit.js';
import { readLog } from './append-log.js';

/** A line of the request log. */
const lineSchema = (entry: z.ZodType<unknown>) => z.object({ k: z.string(), at: z.number(), a: entry });

export const lineOf = (r: RequestRecord) => ({ k: r.key, at: r.at, a: r.applied });

/** The `count` committed records of the log (extra lines cut off when `repair`) and its committed byte length. */
export async function readRequestLog(
  path: string,
  count: number,
  entry: z.ZodType<unknown>,
  repair: boolean,
): Promise<{ records: RequestRecord[]; bytes: number }> {
  const { tail, bytes } = await readLog(path, count, lineSchema(entry), count, repair);
  return { records: tail.map((l) => ({ key: l.k, at: l.at, applied: l.a })), bytes };
}

/** Removes the request logs of `docPath` other than `generation`'s (what a compaction left). Best effort. */
export async function removeOtherGenerations(docPath: string, generation: number): Promise<void> {
  const dir = dirname(docPath);
  const base = basename(docPath).replace(/\.json$/i, '');
  const names = await readdir(dir).catch(() => [] as string[]);
  const mine = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.requests\\.(\\d+)\\.jsonl$`);
  await Promise.all(
    names
      .filter((n) => {
        const m = mine.exec(n);
        return m !== null && Number(m[1]) !== generation;
      })
      .map((n) => rm(join(dir, n), { force: true }).catch(() => undefined)),
  );
}
