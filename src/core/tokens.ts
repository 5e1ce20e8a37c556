/**
 * The rules of CI tokens (schema/tokens.ts): who makes and revokes them, and what each may touch. A token belongs to
 * one program; a side's token touches only the gates and evidence of that side (a gate is a side's when its owner
 * role belongs to that side; evidence names its side). Pure: `now` and the actor are passed in; the hash and the
 * random token are the service's.
 */
import { denied, holds, may, unconfirmedFor } from './authorize.js';
import { type DomainError, forbidden, invalid, unknown } from './errors.js';
import { judgedAt } from './membership.js';
import { type Actor, type CiToken, type Cutover, Id, TokenName } from './schema.js';

/** What a request with a token asks to do. */
export type TokenUse =
  | { action: 'gate.set'; gate: string }
  | { action: 'evidence.log'; evidence: string }
  /** A side's report that its repository holds the decision record. */
  | { action: 'record.report'; side: string }
  | { action: 'read' };

/** A refusal of a token's scope: `scope` says what the token may touch, for the 403. */
export type TokenRefusal = DomainError & { scope: string };

/** What a token may touch, as people read it: `program service-v3`, `program service-v3, side consumer`. */
export const tokenScope = (t: Pick<CiToken, 'program' | 'side'>) =>
  t.side ? `program ${t.program}, side ${t.side}` : `program ${t.program}`;

/** The side a gate belongs to: its owner role's side (none for a joint role). */
export function sideOfGate(c: Cutover, gateId: string): string | undefined {
  const gate = c.gates.find((g) => g.id === gateId);
  return gate ? c.roles.find((r) => r.id === gate.owner)?.side : undefined;
}

const refusal = (t: CiToken, message: string): TokenRefusal => ({
  ...forbidden(message),
  scope: tokenScope(t),
});

/** A program's token cannot touch another program: the refusal, by the program's id alone (nothing of it is read). */
export function otherProgram(token: CiToken, programId: string): TokenRefusal | undefined {
  return token.program === programId
    ? undefined
    : refusal(
        token,
        `The token "${token.name}" is scoped to ${tokenScope(token)}: it cannot touch program ${programId}.`,
      );
}

/**
 * Whether `token` may do `use` on program `c`: a revoked token authorises nothing, a program's token cannot touch
 * another program, and a side's token cannot set the other side's gate (nor a joint one) or log its evidence.
 */
export function tokenAllows(
  token: CiToken,
  c: Cutover,
  use: TokenUse,
): { ok: true } | { ok: false; error: TokenRefusal } {
  if (token.revoked)
    return {
      ok: false,
      error: refusal(
        token,
        `The token "${token.name}" was revoked at ${token.revoked.at}: it authorises nothing.`,
      ),
    };
  const elsewhere = otherProgram(token, c.id);
  if (elsewhere) return { ok: false, error: elsewhere };
  if (!token.side || use.action === 'read') return { ok: true };
  if (use.action === 'gate.set') {
    const side = sideOfGate(c, use.gate);
    if (side === token.side) return { ok: true };
    return {
      ok: false,
      error: refusal(
        token,
        `The token "${token.name}" is scoped to ${tokenScope(token)}: gate ${use.gate} is ${side ? `side ${side}'s` : 'a joint gate, no side’s'}, so it cannot set it.`,
      ),
    };
  }
  if (use.action === 'record.report') {
    if (use.side === token.side) return { ok: true };
    return {
      ok: false,
      error: refusal(
        token,
        `The token "${token.name}" is scoped to ${tokenScope(token)}: it cannot report side ${use.side}'s record.`,
      ),
    };
  }
  const evidence = c.evidence.find((e) => e.id === use.evidence);
  if (!evidence || evidence.side === token.side) return { ok: true };
  return {
    ok: false,
    error: refusal(
      token,
      `The token "${token.name}" is scoped to ${tokenScope(token)}: evidence ${use.evidence} is side ${evidence.side}'s, so it cannot log it.`,
    ),
  };
}

/** The log owner or an admin makes, lists and revokes a program's CI tokens. */
export function mayManageTokens(
  c: Cutover,
  given: Actor,
  now: Date,
): { ok: true } | { ok: false; error: DomainError } {
  const actor = judgedAt(given, now);
  if (actor.kind !== 'user')
    return { ok: false, error: forbidden('Only a person makes or revokes CI tokens.') };
  if (may(c, actor, 'tokens.manage')) return { ok: true };
  const unsure = unconfirmedFor(c, actor, [c.logOwnerRole]);
  if (unsure) return { ok: false, error: unsure };
  const held = c.roles.filter((r) => holds(r, actor)).map((r) => r.id);
  const yours = held.length ? `You hold ${held.join(', ')}.` : 'You hold no role in this cutover.';
  return {
    ok: false,
    error: denied(
      `Only {who} or an admin makes, lists and revokes CI tokens. ${yours}`,
      [c.logOwnerRole],
      held,
    ),
  };
}

/**
 * A new token's record, without its hash, or why not: its name is an id not taken in this program (revoked
 * tokens keep theirs, so history never names two), its side one of the program's.
 */
export function newToken(
  c: Cutover,
  tokens: readonly CiToken[],
  request: { name: string; side?: string | undefined },
  actor: Actor,
  now: Date,
): { ok: true; token: Omit<CiToken, 'hash'> } | { ok: false; error: DomainError } {
  const may = mayManageTokens(c, actor, now);
  if (!may.ok) return may;
  if (c.archived)
    return { ok: false, error: forbidden(`${c.title} is archived: it takes no new CI tokens.`) };
  const name = TokenName.safeParse(request.name);
  if (!name.success)
    return {
      ok: false,
      error: invalid('name', `The token's name: ${name.error.issues[0]?.message ?? 'not valid'}.`),
    };
  if (tokens.some((t) => t.program === c.id && t.name === name.data))
    return {
      ok: false,
      error: invalid(
        'name',
        `There is already a token "${name.data}" in ${c.id} (a revoked one keeps its name): choose another name.`,
      ),
    };
  let side: string | undefined;
  if (request.side !== undefined && request.side !== '') {
    const id = Id.safeParse(request.side);
    side = id.success ? id.data : request.side;
    if (!c.sides.some((s) => s.id === side))
      return {
        ok: false,
        error: unknown(
          'side',
          'side',
          side,
          c.sides.map((s) => s.id),
        ),
      };
  }
  const by = actor.kind === 'user' ? actor.userId : 'cutover-bot';
  return {
    ok: true,
    token: {
      name: name.data,
      program: c.id,
      ...(side ? { side } : {}),
      created: { by, at: now.toISOString() },
    },
  };
}

/** The tokens after revoking `name`, or why not (an unknown name, one already revoked). */
export function revokeToken(
  c: Cutover,
  tokens: readonly CiToken[],
  name: string,
  actor: Actor,
  now: Date,
): { ok: true; tokens: CiToken[]; token: CiToken } | { ok: false; error: DomainError } {
  const may = mayManageTokens(c, actor, now);
  if (!may.ok) return may;
  const mine = tokens.filter((t) => t.program === c.id);
  const found = mine.find((t) => t.name === name);
  if (!found)
    return {
      ok: false,
      error: unknown(
        'name',
        'token',
        name,
        mine.map((t) => t.name),
      ),
    };
  if (found.revoked)
    return {
      ok: false,
      error: invalid('name', `The token "${name}" was already revoked at ${found.revoked.at}.`),
    };
  const by = actor.kind === 'user' ? actor.userId : 'cutover-bot';
  const token = { ...found, revoked: { by, at: now.toISOString() } };
  return { ok: true, token, tokens: tokens.map((t) => (t === found ? token : t)) };
}
