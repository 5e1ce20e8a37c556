/**
 * CI tokens' scope, as rules: a token belongs to one program, and a side's token touches only its side's gates
 * (those whose owner role is that side's) and evidence. Only the log owner or an admin makes and revokes them.
 */
import { describe, expect, it } from 'vitest';
import { may } from '../../src/core/authorize.js';
import type { CiToken, Cutover } from '../../src/core/schema.js';
import { mayManageTokens, newToken, revokeToken, sideOfGate, tokenAllows } from '../../src/core/tokens.js';
import { A, seeded, T0, U } from './fixtures.js';

const token = (over: Partial<CiToken> = {}): CiToken => ({
  name: 'consumer-pipeline',
  program: 'service-v3',
  side: 'consumer',
  hash: 'a'.repeat(64),
  created: { by: 'UDLO', at: T0.toISOString() },
  ...over,
});

const other = (): Cutover => ({ ...seeded(), id: 'service-v4' });

describe('what a token may touch', () => {
  it("a side's token cannot set the other side's gate", () => {
    const r = tokenAllows(token(), seeded(), { action: 'gate.set', gate: 'producer-suite' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.scope).toBe('program service-v3, side consumer');
    expect(r.error.message).toContain("gate producer-suite is side producer's");
  });

  it("a side's token sets its own side's gate, and logs its own side's evidence", () => {
    expect(sideOfGate(seeded(), 'consumer-suite')).toBe('consumer');
    expect(tokenAllows(token(), seeded(), { action: 'gate.set', gate: 'consumer-suite' }).ok).toBe(true);
    expect(tokenAllows(token(), seeded(), { action: 'evidence.log', evidence: 'consumer-repin' }).ok).toBe(
      true,
    );
  });

  it("a side's token cannot log the other side's evidence", () => {
    const r = tokenAllows(token(), seeded(), { action: 'evidence.log', evidence: 'producer-handoff' });
    expect(r.ok).toBe(false);
  });

  it("a side's token reports only its own side's record", () => {
    expect(tokenAllows(token(), seeded(), { action: 'record.report', side: 'consumer' }).ok).toBe(true);
    const r = tokenAllows(token(), seeded(), { action: 'record.report', side: 'producer' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.message).toContain("cannot report side producer's record");
    expect(
      tokenAllows(token({ side: undefined }), seeded(), { action: 'record.report', side: 'producer' }).ok,
    ).toBe(true);
  });

  it("a side's token cannot set a joint gate (owned by a role of no side)", () => {
    const r = tokenAllows(token(), seeded(), { action: 'gate.set', gate: 'alignment' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain('joint gate');
  });

  it("a program-wide token sets any of its program's gates", () => {
    const wide = token({ side: undefined });
    expect(tokenAllows(wide, seeded(), { action: 'gate.set', gate: 'producer-suite' }).ok).toBe(true);
    expect(tokenAllows(wide, seeded(), { action: 'gate.set', gate: 'alignment' }).ok).toBe(true);
  });

  it("a program's token cannot touch another program", () => {
    for (const use of [
      { action: 'gate.set', gate: 'consumer-suite' },
      { action: 'evidence.log', evidence: 'consumer-repin' },
      { action: 'read' },
    ] as const) {
      const r = tokenAllows(token({ side: undefined }), other(), use);
      expect(r.ok).toBe(false);
      if (!r.ok)
        expect(r.error.message).toContain('scoped to program service-v3: it cannot touch program service-v4');
    }
  });

  it('a revoked token authorises nothing', () => {
    const revoked = token({ side: undefined, revoked: { by: 'UDLO', at: T0.toISOString() } });
    for (const use of [{ action: 'gate.set', gate: 'consumer-suite' }, { action: 'read' }] as const)
      expect(tokenAllows(revoked, seeded(), use).ok).toBe(false);
  });
});

describe('who makes and revokes tokens', () => {
  it('only the log owner or an admin makes, lists and revokes tokens', () => {
    expect(mayManageTokens(seeded(), A.dlo, T0).ok).toBe(true);
    expect(mayManageTokens(seeded(), A.admin, T0).ok).toBe(true);
    const r = mayManageTokens(seeded(), A.pic, T0);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.error.message).toContain(
        'Only decision-log-owner or an admin makes, lists and revokes CI tokens',
      );
    expect(mayManageTokens(seeded(), A.ci, T0).ok).toBe(false);
  });

  it('App Home offers the tokens form to exactly those (may tokens.manage)', () => {
    const c = seeded();
    for (const actor of [A.dlo, A.admin, A.pic, A.nobody, A.ci])
      expect(may(c, actor, 'tokens.manage')).toBe(mayManageTokens(c, actor, T0).ok);
  });

  it('a new token is named, scoped and stamped; its side must be one of the program', () => {
    const made = newToken(seeded(), [], { name: 'consumer-pipeline', side: 'consumer' }, A.dlo, T0);
    expect(made).toMatchObject({
      ok: true,
      token: {
        name: 'consumer-pipeline',
        program: 'service-v3',
        side: 'consumer',
        created: { at: T0.toISOString() },
      },
    });
    const bad = newToken(seeded(), [], { name: 'x', side: 'vendor' }, A.dlo, T0);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatchObject({ code: 'unknown', field: 'side' });
  });

  it("a token's name is the program's for good (a revoked one keeps it), and `operator` is reserved", () => {
    const kept = [token({ revoked: { by: 'UDLO', at: T0.toISOString() } })];
    expect(newToken(seeded(), kept, { name: 'consumer-pipeline' }, A.dlo, T0).ok).toBe(false);
    const op = newToken(seeded(), [], { name: 'operator' }, A.dlo, T0);
    expect(op.ok).toBe(false);
    if (!op.ok) expect(op.error.message).toContain('CUTOVER_API_TOKEN');
    expect(newToken(seeded(), [], { name: 'Bad Name' }, A.dlo, T0).ok).toBe(false);
  });

  it('revoking stamps the token; revoking it again, or a name unknown, is refused', () => {
    const r = revokeToken(seeded(), [token()], 'consumer-pipeline', A.admin, T0);
    expect(r).toMatchObject({ ok: true, token: { revoked: { by: U.admin, at: T0.toISOString() } } });
    if (!r.ok) return;
    expect(revokeToken(seeded(), r.tokens, 'consumer-pipeline', A.admin, T0).ok).toBe(false);
    expect(revokeToken(seeded(), r.tokens, 'nope', A.admin, T0).ok).toBe(false);
    expect(revokeToken(seeded(), [token()], 'consumer-pipeline', A.pic, T0).ok).toBe(false);
  });
});
