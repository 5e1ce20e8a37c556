/**
 * `npm run program-schema` (built to dist/program-schema.js): writes programs/program.schema.json from the
 * program's zod schema (src/core/program-json-schema.ts), formatted by the project's Biome as `npm test` checks
 * every file. Run it after changing src/core/schema.ts; test/core/program-schema.test.ts fails until the committed
 * file matches.
 */
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROGRAM_SCHEMA_FILE, programJsonSchema } from './core/program-json-schema.js';

/** The schema's text exactly as it is committed: generated, then formatted by Biome (a dev dependency). */
export function programSchemaFileText(root = process.cwd()): string {
  const biome = join(root, 'node_modules/@biomejs/biome/bin/biome');
  const r = spawnSync(process.execPath, [biome, 'format', `--stdin-file-path=${PROGRAM_SCHEMA_FILE}`], {
    cwd: root,
    input: programJsonSchema(),
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`biome could not format the program schema: ${r.stderr || r.error}`);
  return r.stdout;
}

/** Writes the committed schema file under `root`. */
export async function writeProgramSchema(root = process.cwd()): Promise<string> {
  const path = join(root, PROGRAM_SCHEMA_FILE);
  await writeFile(path, programSchemaFileText(root));
  return path;
}
