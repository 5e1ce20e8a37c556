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
 */
type DomainErrorCode = 'invalid' | 'unknown' | 'forbidden' | 'refused' | 'unchanged' | 'stale' | 'conflict';

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
  /** The next step the refusal points to, for a surface to show how (Slack: the command to type). */
  next?: { action: 'target.publish' } | { action: 'target.approve'; tag: string } | { action: 'status' };
}

export const invalid = (field: string, message: string): DomainError => ({ code: 'invalid', field, message });
export const unknown = (field: string, kind: string, id: string, known: string[]): DomainError => ({
  code: 'unknown',
  field,
  message: `There is no ${kind} "${id}". Known ${kind} ids: ${known.join(', ') || 'none'}.`,
});
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
export const conflict = (message: string): DomainError => ({ code: 'conflict', message });

/** The first problem of a zod failure: `field` is the input's key, the message names it as a person would. */
export function fromZod(error: z.ZodError, fieldNames: Record<string, string> = {}): DomainError {
  const issue = error.issues[0];
  const field = issue ? String(issue.path[0] ?? '') : '';
  const name = fieldNames[field] ?? field;
  return invalid(field, issue ? `${name ? `${name}: ` : ''}${issue.message}` : 'the input is not valid');
}
