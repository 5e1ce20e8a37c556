/** The cutover window's standing: whether one is set, and whether a GO decision approved it. */
import type { Cutover } from './schema.js';

export interface WindowReadiness {
  set: boolean;
  /** A GO decision approved this window (the rule is `windowReadiness`'s). */
  approved: boolean;
  start?: string;
  end?: string;
  /**
   * Why it is not approved yet: each gating decision that is NO-GO, or (`before`) that went GO before this window
   * was set, so that its GO does not cover it.
   */
  awaiting: { id: string; title: string; status: 'go' | 'no-go'; before: boolean }[];
}

/**
 * The window's standing. A window is *approved* when the GO that lets the cutover run was given with it standing:
 * every gating decision (one with GO requirements) is GO, and each went GO at or after the window was set. A window
 * set or moved after that GO is only *proposed* — the teams said GO to another window, or to none — until the
 * decision is recorded again (NO-GO, then GO). A decision turned back to NO-GO leaves the window proposed; a GO with
 * no record of when it was given (one shipped in the program file) covers no window. With no gating decision in the
 * program, a set window is approved.
 */
export function windowReadiness(c: Cutover): WindowReadiness {
  const w = c.window;
  const setAt = w ? Date.parse(w.set.at) : undefined;
  const awaiting = c.decisions
    .filter((d) => d.goRequires)
    .flatMap((d) => {
      const before = d.status === 'go' && setAt !== undefined && !(d.at && Date.parse(d.at) >= setAt);
      return d.status === 'go' && !before ? [] : [{ id: d.id, title: d.title, status: d.status, before }];
    });
  return {
    set: !!w,
    approved: !!w && awaiting.length === 0,
    ...(w ? { start: w.start, end: w.end } : {}),
    awaiting,
  };
}
