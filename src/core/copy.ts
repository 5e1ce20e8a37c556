/**
 * A deep copy of plain data (what the schemas parse: objects, arrays, strings, numbers, booleans, null), for a
 * transition to change privately. Ten times as fast as `structuredClone`, which also copies what the program never
 * holds (dates, maps, cycles).
 */
export function plainCopy<T>(v: T): T {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = plainCopy(v[i]);
    return out as T;
  }
  const out: Record<string, unknown> = {};
  for (const k in v) out[k] = plainCopy((v as Record<string, unknown>)[k]);
  return out as T;
}

const isRow = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The program as a transition may change it: its top level, each of its lists and each element of those lists are
 * copies; what lies deeper is shared with `c`, unchanged (frozen, once the store holds it). A transition sets fields
 * of the program and of its elements, and replaces deeper lists rather than changing them in place, so the store
 * sees what it changed by identity (store/changed-parts.ts) and copies nothing more.
 */
export function draftOf<T extends object>(c: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c))
    out[k] = Array.isArray(v) ? v.map((e) => (isRow(e) ? { ...e } : e)) : isRow(v) ? { ...v } : v;
  return out as T;
}
