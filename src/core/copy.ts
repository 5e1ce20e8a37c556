/** How a transition gets the program to change: a draft that copies what it changes (store/changed-parts.ts sees the rest by identity). */
const isRow = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The elements the transition under way owns (`own`); a transition is synchronous, and each starts with `draftOf`. */
let owned = new WeakSet<object>();

/**
 * The program as a transition may change it: its top level, its objects and its lists are copies; the elements of
 * the lists, and what lies deeper, are shared with `c`, unchanged (frozen, once the store holds it). A transition
 * takes an element it changes with `own` (commands/change.ts `find` does), sets fields of the program and of the
 * elements it owns, and replaces deeper lists rather than changing them in place. So a change copies what it
 * changes and no more, and the store sees what it changed by identity (store/changed-parts.ts).
 */
export function draftOf<T extends object>(c: T): T {
  owned = new WeakSet();
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c)) out[k] = Array.isArray(v) ? v.slice() : isRow(v) ? { ...v } : v;
  return out as T;
}

/**
 * `item` of `list` (a list of the draft made last) as the transition's own to change: a copy put in its place, once;
 * what it owns already is returned as it is.
 */
export function own<T extends object>(list: T[], item: T): T {
  if (owned.has(item)) return item;
  const i = list.indexOf(item);
  if (i < 0) return item;
  const copy = { ...item };
  owned.add(copy);
  list[i] = copy;
  return copy;
}
