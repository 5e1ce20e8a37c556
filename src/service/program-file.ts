/** Reads and validates a program file; every problem is named with its path. */
import { readFile } from 'node:fs/promises';
import { Cutover } from '../core/schema.js';

export class ProgramError extends Error {}

export async function loadProgram(path: string): Promise<Cutover> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ProgramError(
      `Cannot read the program file ${path}: ${(e as Error).message}. Set CUTOVER_PROGRAM to a program file.`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ProgramError(`The program file ${path} is not valid JSON: ${(e as Error).message}.`);
  }
  const parsed = Cutover.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues
      .slice(0, 20)
      .map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ProgramError(`The program file ${path} is not a valid cutover program:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
