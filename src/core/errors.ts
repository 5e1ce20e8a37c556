/**
 * Coded refusals. Every one says what is wrong and how to fix it; `field` names the input at fault
 * (for inline modal errors), `unmet` lists what a rule still waits for.
 */
import type { z } from 'zod';
import type { Unmet } from './unmet.js';

/**
 * - `stale`: what the person was shown (a target in a form or on a button) is no longer the state; nothing was
 *   written, and the message names the state now so they can review it.
 * - `conflict`: a request key already applied to another request (an Idempotency-Key reused with another body).
 * - `unsure`: not a refusal: the change was being saved when the store went out of reach, so it may or may not have
 *   been made; the answer must not say that nothing changed.
 * - `needs-confirmation`: the change would take the GO from under a running phase (commands.ts); it goes ahead only when
 *   sent again with a confirmation and a reason. `consequence` says what it would do, as data.
 */
type DomainErrorCode =
  | 'invalid'
  | 'unknown'
  | 'forbidden'
  | 'refused'
  | 'unchanged'
  | 'stale'
  | 'conflict'
  | 'unsure'
  | 'needs-confirmation';

export interface DomainError {
  code: DomainErrorCode;
  message: string;
  field?: string;
  /** What a rule still waits for, as data: each surface renders it in its own language. */
  items?: Unmet[];
  /**
   * Who may act, for a refusal by permission: the role ids that may, those the actor holds, and the sentence with
   * `{who}` where the surface names those roles (Slack with their holders mentioned, the API with ids).
   */
  mayAct?: { roles: string[]; held: string[]; sentence: string };
  /**
   * A refusal because Slack could not confirm the person's membership of the user groups holding the roles that
   * may act: the groups, and the sentence with `{groups}` where each surface names them (Slack with a mention).
   */
  unconfirmed?: { groups: string[]; sentence: string };
  /** The next step the refusal points to, for a surface to show how (Slack: the command to type). */
  next?:
    | { action: 'target.publish' }
    | { action: 'target.approve'; tag: string }
    | { action: 'status' }
    /** The same change again, with a confirmation and its reason. */
    | { action: 'confirm' };
  /** What a `needs-confirmation` change would do: the decisions it sets to NO-GO, the running phases, the GO sign-offs voided. */
  consequence?: {
    decisions: string[];
    phases: string[];
    signoffs: string[];
    /** What it would do, in words, without how to go ahead (a form that asks for the confirmation says that itself). */
    sentence: string;
  };
  /** For an unknown id: the known id nearest to the one given, when it is near enough to be a slip of the keys. */
  didYouMean?: string;
  /** A start refused because the channel runs a program (core/starting.ts): that program. */
  channelHeldBy?: { program: string; title?: string };
  /**
   * A start refused because the person may not start programs (core/starting.ts): who may (user ids and user
   * groups), and the sentence with `{who}` where a surface puts ` (…)` naming them, or nothing when nobody is named.
   */
  mayStart?: { who: string[]; sentence: string };
}

/**
 * How many keystrokes apart two words are: insertions, deletions, substitutions, and two neighbours swapped
 * (`stauts` is one from `status`), each one. Case is ignored.
 */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const rows: number[][] = Array.from({ length: x.length + 1 }, (_, i) =>
    Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= x.length; i++)
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let d = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1])
        d = Math.min(d, at(i - 2, j - 2) + 1);
      const row = rows[i];
      if (row) row[j] = d;
    }
  return at(x.length, y.length);
}

/**
 * The known word nearest to `typed`, when it is near enough to be a slip: at most a third of the longer word's
 * letters apart (at least one), and never every letter typed (`9` is no slip for `7`). On a tie, the first in `known`'s order. None when `typed` is itself known.
 */
export function nearest(typed: string, known: readonly string[]): string | undefined {
  if (!typed || known.includes(typed)) return undefined;
  let best: { word: string; d: number } | undefined;
  for (const word of known) {
    const d = editDistance(typed, word);
    const near = d < typed.length && d <= Math.max(1, Math.floor(Math.max(typed.length, word.length) / 3));
    if (near && (!best || d < best.d)) best = { word, d };
  }
  return best?.word;
}

export const invalid = (field: string, message: string): DomainError => ({ code: 'invalid', field, message });
/** An id that names nothing; with the nearest known id as `didYouMean` when one is near enough. */
export const unknown = (field: string, kind: string, id: string, known: string[]): DomainError => {
  const guess = nearest(id, known);
  return {
    code: 'unknown',
    field,
    message: `There is no ${kind} "${id}". Known ${kind} ids: ${known.join(', ') || 'none'}.`,
    ...(guess ? { didYouMean: guess } : {}),
  };
};
/** A refusal by permission. With `mayAct`, the message names the roles by id; surfaces may say more. */
export const forbidden = (message: string, mayAct?: DomainError['mayAct']): DomainError =>
  mayAct ? { code: 'forbidden', message, mayAct } : { code: 'forbidden', message };
export const refused = (message: string, items?: Unmet[], next?: DomainError['next']): DomainError => ({
  code: 'refused',
  message,
  ...(items ? { items } : {}),
  ...(next ? { next } : {}),
});
export const unchanged = (message: string): DomainError => ({ code: 'unchanged', message });
export const stale = (field: string, message: string): DomainError => ({ code: 'stale', field, message });
export const needsConfirmation = (
  message: string,
  consequence: NonNullable<DomainError['consequence']>,
): DomainError => ({
  code: 'needs-confirmation',
  message,
  consequence,
  next: { action: 'confirm' },
});
export const conflict = (message: string): DomainError => ({ code: 'conflict', message });

/** The first problem of a zod failure: `field` is the input's key, the message names it as a person would. */
export function fromZod(error: z.ZodError, fieldNames: Record<string, string> = {}): DomainError {
  const issue = error.issues[0];
  const field = issue ? String(issue.path[0] ?? '') : '';
  const name = fieldNames[field] ?? field;
  return invalid(field, issue ? `${name ? `${name}: ` : ''}${issue.message}` : 'the input is not valid');
}
