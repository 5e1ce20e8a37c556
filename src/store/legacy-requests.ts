/**
 * Request keys as a document written by an earlier version kept them: inside the document, a record from key to
 * the answer the request got (with its ISO `at`). Every adapter moves the live ones out beside the document on
 * open, once (RequestKeys.legacyField), and drops the field: from then on a change costs the same however many
 * keys are live.
 */
import { describeIssues, StoreError } from './errors.js';
import type { RequestRecord } from './group-commit.js';
import type { RequestKeys } from './store.js';

type Row = Record<string, unknown>;

/** Whether `doc` still holds request keys in `spec.legacyField`. */
export const hasLegacyRequests = (spec: RequestKeys | undefined, doc: unknown): boolean =>
  spec?.legacyField !== undefined &&
  typeof doc === 'object' &&
  doc !== null &&
  spec.legacyField in (doc as Row);

/** The live keys a document kept inside itself (none if it keeps none), each validated, oldest first. */
export function legacyRequests(where: string, spec: RequestKeys, doc: unknown, now: number): RequestRecord[] {
  if (!hasLegacyRequests(spec, doc)) return [];
  const field = spec.legacyField as string;
  const held = (doc as Row)[field];
  if (typeof held !== 'object' || held === null || Array.isArray(held))
    throw new StoreError(
      'invalid',
      where,
      `${where}: ${field} is not a record of request keys. Nothing was changed.`,
    );
  const out: RequestRecord[] = [];
  for (const [key, value] of Object.entries(held as Row)) {
    const parsed = spec.entry.safeParse(value);
    if (!parsed.success)
      throw new StoreError(
        'invalid',
        where,
        `${where}: ${field}.${key} does not match the schema: ${describeIssues(parsed.error.issues)}. Nothing was changed.`,
      );
    const at = Date.parse(String((value as Row).at));
    if (Number.isFinite(at) && at > now - spec.ttlMs) out.push({ key, at, applied: parsed.data });
  }
  return out.sort((a, b) => a.at - b.at);
}

/** `doc` without the field its keys were kept in. */
export function withoutLegacyRequests<T>(spec: RequestKeys | undefined, doc: T): T {
  if (!hasLegacyRequests(spec, doc)) return doc;
  const { [spec?.legacyField as string]: _, ...rest } = doc as Row;
  return rest as T;
}
