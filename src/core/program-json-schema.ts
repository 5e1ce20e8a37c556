/**
 * The JSON Schema of a program file (programs/program.schema.json), generated from `ProgramFile`, the zod schema a
 * program is read with: one source, so the published schema cannot drift from the validator. `io: 'input'`
 * describes the file as written, so every field with a default is optional.
 *
 * What JSON Schema cannot say is left to the bot, which checks it when it reads the file: the cross-references
 * (an owner names a role, a phase exists, no id twice) and the refusal of invisible characters in ids. The schema is
 * generated from the object shape, not from `Cutover`, whose `preprocess` (the legacy gate migration) is a transform;
 * `unrepresentable: 'throw'` makes any transform or other unrepresentable type added to the shape fail the
 * generation (and its test) instead of silently widening to "anything".
 *
 * Pure: src/program-schema.ts formats and writes the text (`npm run program-schema`); a test compares it with the committed file.
 */
import { z } from 'zod';
import { ProgramFile } from './schema.js';

/** Where the schema is published, relative to the repository. */
export const PROGRAM_SCHEMA_FILE = 'programs/program.schema.json';

const DESCRIPTION =
  'A cutover program as cutover-bot reads it (CUTOVER_PROGRAM). Generated from src/core/schema.ts by `npm run program-schema`: do not edit by hand. The bot also checks what this schema cannot say: that every role, side, phase, decision and evidence a program names exists, that no id appears twice, and that ids hold no invisible characters.';

/** The schema as the committed file holds it: 2-space JSON and a final newline. */
export function programJsonSchema(): string {
  const schema = z.toJSONSchema(ProgramFile, {
    io: 'input',
    target: 'draft-2020-12',
    unrepresentable: 'throw',
  });
  const { $schema, ...rest } = schema;
  return `${JSON.stringify({ $schema, title: 'cutover-bot program file', description: DESCRIPTION, ...rest }, null, 2)}\n`;
}
