import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/** A small document with a counter and a list: enough to break in several places. */
export const Doc = z.object({
  counter: z.number().int().nonnegative(),
  items: z.array(z.object({ name: z.string().min(1) })),
});
export type Doc = z.infer<typeof Doc>;

export const VERSION = 3;
export const emptyDoc = (): Doc => ({ counter: 0, items: [] });
export const docOptions = (path: string) => ({ path, schema: Doc, version: VERSION, create: emptyDoc });

/** A fresh temp directory per test; `cleanup()` removes every one made so far (call it in afterEach). */
export function tempDirs() {
  const made: string[] = [];
  return {
    async make(): Promise<string> {
      const dir = await mkdtemp(join(tmpdir(), 'cutover-store-'));
      made.push(dir);
      return dir;
    },
    async cleanup(): Promise<void> {
      await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}

/** The file as a person would see it: read from disk and parsed, not through lowdb. */
export async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8'));
}

/** Bytes and mtime, to prove a refused file was left exactly as it was. */
export async function snapshot(path: string): Promise<{ bytes: Buffer; mtimeMs: number }> {
  const [bytes, info] = await Promise.all([readFile(path), stat(path)]);
  return { bytes, mtimeMs: info.mtimeMs };
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
