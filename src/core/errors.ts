/**
 * Coded refusals. Every one says what is wrong and how to fix it; `field` names the input at fault
 * (for inline modal errors), `unmet` lists what a rule still waits for.
 */
import type { z } from 'zod';
import { unmetLine } from './readiness.js';
import type { Unmet } from './unmet.js';

/**
 * - `stale`: what the person was shown (a target in a form or on a button) is no longer the state; nothing was
 *   written, and the message names the state now so they can review it.
 * - `conflict`: a request key already applied to another request (an Idempotency-Key reused with another body).
 */
export type DomainErrorCode =
  | 'invalid'
  | 'unknown'
  | 'forbidden'
  | 'refused'
  | 'unchanged'
  | 'stale'
  | 'conflict';

export interface DomainError {
  code: DomainErrorCode;
  message: string;
  field?: string;
  /** What a rule still waits for, as data: each surface renders it in its own language. */
  items?: Unmet[];
  /** The same, as today's lines (kept while every surface moves to `items`). */
  unmet?: string[];
}

export const invalid = (field: string, message: string): DomainError => ({ code: 'invalid', field, message });
export const unknown = (field: string, kind: string, id: string, known: string[]): DomainError => ({
  code: 'unknown',
  field,
  message: `There is no ${kind} "${id}". Known ${kind} ids: ${known.join(', ') || 'none'}.`,
});
export const forbidden = (message: string): DomainError => ({ code: 'forbidden', message });
export const refused = (message: string, items?: Unmet[]): DomainError =>
  items
    ? { code: 'refused', message, items, unmet: [...new Set(items.map(unmetLine))] }
    : { code: 'refused', message };
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

/** The refusal as one plain-text paragraph, unmet conditions as a bulleted list. */
export function describeError(e: DomainError): string {
  return e.unmet?.length ? `${e.message}\n${e.unmet.map((u) => `• ${u}`).join('\n')}` : e.message;
}
