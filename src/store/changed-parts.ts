/**
 * What a change changed, and only that, is validated (issue 20). The parts it left alone are the very objects the
 * document held before, already validated and frozen; what it made is new.
 *
 * - `deepFrozen`: the committed document is frozen, so a change cannot alter it in place (an attempt throws, and the
 *   change is refused alone). Freezing stops at what is frozen already: a change costs what it made, not the document.
 * - `sharedWith`: a change that copied more than it changed (the core works on a private copy of the program) gets
 *   back the identity of every part equal to the part before, so that only what it changed reads as new.
 * - `changedPartsValidated`: walks the schema beside the document before and after the change: a part that is the
 *   same object is kept; of an object, each field that differs is walked; of a list, the elements not in the list
 *   before are validated; anything else is validated whole. A schema with a refinement over its parts (the program's
 *   cross-references) says how in `inParts`: its plain shape is walked, then the refinement runs on the result.
 */
import type { z } from 'zod';
import { describeIssues, StoreError } from './errors.js';

type Row = Record<string, unknown>;
const isRow = (v: unknown): v is Row => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An issue of a refinement, as zod words its own. */
export interface PartIssue {
  path: (string | number)[];
  message: string;
}

/**
 * Schemas refined over their parts, checked in parts: `shape` (a plain `z.object`) walked for what changed, then
 * `issues` (the refinement as a function) over the whole value. Registered beside the schema's definition.
 */
export const inParts = new WeakMap<z.ZodType, { shape: z.ZodType; issues: (value: never) => PartIssue[] }>();

/** `v` deep-frozen, stopping at what is frozen already. Returns `v`. */
export function deepFrozen<T>(v: T): T {
  if (typeof v !== 'object' || v === null || Object.isFrozen(v)) return v;
  Object.freeze(v);
  if (Array.isArray(v)) for (const e of v) deepFrozen(e);
  else for (const k in v) deepFrozen((v as Row)[k]);
  return v;
}

/**
 * `next` with each part deep-equal to the same part of `prev` (by field, by index) replaced by `prev`'s own: the
 * whole of `prev` if nothing differs. Parts already the same object cost nothing. Plain data only (JSON values).
 */
export function sharedWith<T>(next: T, prev: unknown): T {
  if (next === prev) return next;
  if (typeof next !== 'object' || next === null || typeof prev !== 'object' || prev === null) return next;
  if (Array.isArray(next)) {
    if (!Array.isArray(prev)) return next;
    let out: unknown[] | undefined;
    for (let i = 0; i < next.length; i++) {
      const s = sharedWith(next[i], prev[i]);
      if (s !== next[i]) {
        out ??= next.slice();
        out[i] = s;
      }
    }
    const result = (out ?? next) as unknown[];
    return (result.length === prev.length && result.every((e, i) => e === prev[i]) ? prev : result) as T;
  }
  if (Array.isArray(prev)) return next;
  const before = prev as Row;
  const after = next as Row;
  let out: Row | undefined;
  let same = true;
  let count = 0;
  for (const k in after) {
    count++;
    const s = sharedWith(after[k], before[k]);
    if (s !== after[k]) {
      out ??= { ...after };
      out[k] = s;
    }
    if (s !== before[k] || !(k in before)) same = false;
  }
  if (same && count === Object.keys(before).length) return prev as T;
  return (out ?? next) as T;
}

/** The zod internals read here: a schema's kind, its own checks, an object's fields, an array's element, a wrapper's inner. */
type Def = {
  type: string;
  checks?: unknown[];
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
};
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;
const plain = (def: Def, type: string) => def.type === type && !def.checks?.length;

/**
 * `next` validated for what differs from `given` (the document the change was handed, valid), as the schema reads
 * it; or a StoreError 'invalid' naming the field, so the change is refused alone. A later change of its group can
 * never make it pass.
 */
export function changedPartsValidated<T>(where: string, schema: z.ZodType<T>, given: T, next: T): T {
  return partValidated(where, [], schema, given, next) as T;
}

function partValidated(
  where: string,
  path: PropertyKey[],
  schema: z.ZodType,
  before: unknown,
  after: unknown,
): unknown {
  if (after === before) return after;
  const parts = inParts.get(schema);
  if (parts) {
    const value = partValidated(where, path, parts.shape, before, after);
    const issues = parts.issues(value as never);
    if (issues.length) throw invalid(where, describeIssues(issues, path));
    return value;
  }
  const def = defOf(schema);
  if ((plain(def, 'optional') || plain(def, 'default')) && def.innerType && after !== undefined)
    return partValidated(where, path, def.innerType, before, after);
  if (plain(def, 'object') && def.shape && isRow(after) && isRow(before)) {
    const out: Row = {};
    for (const [k, field] of Object.entries(def.shape)) {
      const value = after[k];
      const parsed =
        value === before[k] ? value : partValidated(where, [...path, k], field, before[k], value);
      if (parsed !== undefined || (k in after && value === undefined)) out[k] = parsed;
    }
    return out;
  }
  if (plain(def, 'array') && def.element && Array.isArray(after) && Array.isArray(before)) {
    const element = def.element;
    const kept = new Set(before);
    // An element changed where one stood (as sharedWith matched them) is walked against it; a new one whole.
    return after.map((e, i) =>
      kept.has(e)
        ? e
        : i < before.length && !kept.has(before[i])
          ? partValidated(where, [...path, i], element, before[i], e)
          : wholeValidated(where, [...path, i], element, e),
    );
  }
  return wholeValidated(where, path, schema, after);
}

function wholeValidated(where: string, path: PropertyKey[], schema: z.ZodType, value: unknown): unknown {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw invalid(where, describeIssues(parsed.error.issues, path));
}

const invalid = (where: string, issues: string) =>
  new StoreError(
    'invalid',
    where,
    `Refused to write ${where}: the new document does not match the schema: ${issues}. ` +
      'Nothing was written; the store still holds the last good document. This is a bug in the code that ' +
      'built the document: report it with this message.',
  );
