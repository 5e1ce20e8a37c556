/**
 * The published program schema (programs/program.schema.json) is generated from the zod schema a program is read
 * with, and the committed file is exactly what the code generates now; the shipped program points at it and is a
 * valid program.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROGRAM_SCHEMA_FILE } from '../../src/core/program-json-schema.js';
import { Cutover, ProgramFile } from '../../src/core/schema.js';
import { programSchemaFileText } from '../../src/program-schema.js';
import { SHIPPED_PROGRAM } from '../fixtures/programs.js';

const committed = () => readFileSync(PROGRAM_SCHEMA_FILE, 'utf8');
const shipped = () => JSON.parse(readFileSync(SHIPPED_PROGRAM, 'utf8')) as Record<string, unknown>;

describe('the program file schema', () => {
  it('is committed exactly as the code generates it', () => {
    const generated = programSchemaFileText();
    if (generated !== committed())
      expect.fail(
        `${PROGRAM_SCHEMA_FILE} is not what src/core/schema.ts generates: run \`npm run program-schema\` and commit the file.`,
      );
  });

  it('is a JSON Schema of the file as written: defaults optional, $schema allowed', () => {
    const schema = JSON.parse(committed());
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.required).toEqual([
      'id',
      'title',
      'release',
      'logOwnerRole',
      'sides',
      'roles',
      'decisions',
      'phases',
      'blockers',
      'gates',
    ]);
    expect(schema.properties.$schema).toMatchObject({ type: 'string' });
    expect(schema.properties.permissions.properties['program.shape'].default).toEqual(['$logOwner']);
  });

  it('is the one the shipped program names, and the shipped program is valid', () => {
    const program = shipped();
    expect(program.$schema).toBe('./program.schema.json');
    expect(ProgramFile.safeParse(program).success).toBe(true);
    const parsed = Cutover.safeParse(program);
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  });

  it('reads a program file with $schema as one without: the key is not kept in the cutover', () => {
    const { $schema: _, ...without } = shipped();
    const withKey = Cutover.parse(shipped());
    expect(withKey).toEqual(Cutover.parse(without));
    expect('$schema' in withKey).toBe(false);
  });
});
