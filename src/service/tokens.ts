/**
 * CI tokens on the store: made (32 random bytes, shown once, only their SHA-256 kept), revoked and found. The rules
 * are the core's (core/tokens.ts); this adds the randomness and the hash, and writes through the program's queue.
 * A token lives in its program's document (`StoreDocument.tokens`), so a program started from another copies none.
 *
 * Last use: written in the same transaction as each change a token authorised (no history line: the change's own
 * line names the token). A request that writes nothing (a restatement, a replay, a read) writes it only when the
 * stored time is over an hour old, so that a polling deploy gate costs at most one write an hour per token.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DomainError } from '../core/errors.js';
import type { Actor, CiToken } from '../core/schema.js';
import { mayManageTokens, newToken, revokeToken } from '../core/tokens.js';
import type { CutoverService } from './cutover-service.js';
import type { StoreDocument } from './document.js';
import type { Programs } from './programs.js';

/** A token as a pipeline sends it: a recognisable prefix, then 32 random bytes. */
export const TOKEN_PREFIX = 'cutover_';

/** How stale a token's last-use time may get before a request that writes nothing refreshes it. */
const LAST_USED_EVERY_MS = 60 * 60 * 1000;

export const hashToken = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');

export const newSecret = () => `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;

export type Made = { ok: true; secret: string; token: CiToken } | { ok: false; error: DomainError };

/** Makes a token for the service's program; the secret is in the answer and nowhere else. */
export async function createToken(
  service: CutoverService,
  request: { name: string; side?: string | undefined },
  actor: Actor,
  now: Date,
  secret: string = newSecret(),
): Promise<Made> {
  const hash = hashToken(secret);
  return service.update<Made>((doc) => {
    const made = newToken(doc.cutover, doc.tokens, request, actor, now);
    if (!made.ok) return { result: made };
    const token: CiToken = { ...made.token, hash };
    return { next: { ...doc, tokens: [...doc.tokens, token] }, result: { ok: true, secret, token } };
  });
}

export async function revokeTokenNamed(
  service: CutoverService,
  name: string,
  actor: Actor,
  now: Date,
): Promise<{ ok: true; token: CiToken } | { ok: false; error: DomainError }> {
  return service.update<{ ok: true; token: CiToken } | { ok: false; error: DomainError }>((doc) => {
    const r = revokeToken(doc.cutover, doc.tokens, name, actor, now);
    if (!r.ok) return { result: r };
    return { next: { ...doc, tokens: r.tokens }, result: { ok: true as const, token: r.token } };
  });
}

/** The program's tokens for someone who may see them (the log owner, an admin), or why not. */
export function listTokens(
  service: CutoverService,
  actor: Actor,
  now: Date,
): { ok: true; tokens: CiToken[] } | { ok: false; error: DomainError } {
  const doc = service.document();
  const may = mayManageTokens(doc.cutover, actor, now);
  return may.ok ? { ok: true, tokens: doc.tokens } : may;
}

/** Equal-length digests compared in constant time. */
function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The token a secret is, in whichever program holds it (revoked ones too: the caller says so). */
export function findToken(
  programs: Programs,
  secret: string,
): { service: CutoverService; token: CiToken } | undefined {
  const hash = hashToken(secret);
  let found: { service: CutoverService; token: CiToken } | undefined;
  // Every stored hash is compared, found or not, so the time does not tell where a match was.
  for (const service of programs.all())
    for (const token of service.document().tokens)
      if (sameHash(token.hash, hash) && !found) found = { service, token };
  return found;
}

/** The token as stored now in `doc` (by its hash), for a check inside a transaction. */
export const tokenIn = (doc: StoreDocument, hash: string) => doc.tokens.find((t) => t.hash === hash);

/** `doc` with the token's last use at `now` (the bookkeeping of a change it authorised). */
export const usedAt = (doc: StoreDocument, hash: string, now: Date): StoreDocument => ({
  ...doc,
  tokens: doc.tokens.map((t) => (t.hash === hash ? { ...t, lastUsedAt: now.toISOString() } : t)),
});

/** Records a use that wrote nothing, at most once an hour per token. */
export async function touchToken(service: CutoverService, hash: string, now: Date): Promise<void> {
  const stored = tokenIn(service.document(), hash);
  if (!stored || (stored.lastUsedAt && now.getTime() - Date.parse(stored.lastUsedAt) < LAST_USED_EVERY_MS))
    return;
  await service.update((doc) => {
    const t = tokenIn(doc, hash);
    if (!t || t.revoked) return { result: undefined };
    return { next: usedAt(doc, hash, now), result: undefined };
  });
}
