/**
 * What a new program can be started from: the shipped program files (`programs/*.json`), the file
 * `CUTOVER_PROGRAM` names, and ("copy of") any program the bot holds. A template is named by its file name without
 * `.json` (`service-v3`) or by the id of the program it holds.
 */
import { readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Cutover } from '../core/schema.js';
import { loadProgram } from './program-file.js';

export interface Template {
  /** What people type: the file name without `.json`. */
  name: string;
  /** How it is shown: `programs/service-v3.json`. */
  label: string;
  program: Cutover;
}

/** The program files of `dir` (not the JSON Schema), and `extra` (CUTOVER_PROGRAM) if it is elsewhere. */
export async function loadTemplates(dir: string, extra?: string): Promise<Template[]> {
  const names = (await readdir(dir).catch(() => [] as string[]))
    .filter((n) => n.endsWith('.json') && !n.endsWith('.schema.json'))
    .sort();
  const paths = names.map((n) => join(dir, n));
  if (extra && !paths.some((p) => resolve(p) === resolve(extra))) paths.push(extra);
  const out: Template[] = [];
  for (const path of paths) {
    const program = await loadProgram(path);
    const name = basename(path).replace(/\.json$/i, '');
    out.push({ name, label: `programs/${basename(path)}`, program });
  }
  return out;
}

/** The template named `name` (file name or program id). */
export const findTemplate = (templates: readonly Template[], name: string) =>
  templates.find((t) => t.name === name) ?? templates.find((t) => t.program.id === name);
