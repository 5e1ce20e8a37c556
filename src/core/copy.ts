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
