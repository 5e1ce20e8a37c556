/**
 * One rule for ids wherever they become keys (issue 24): an id that names an object internal (`__proto__`,
 * `constructor`, `prototype`) is refused like any malformed id, by the command, by a program file, and by the core's
 * change, naming it; and what the core builds from ids keeps them as its own keys, never its prototype's.
 */
import { describe, expect, it } from 'vitest';
import { execute } from '../../src/core/commands.js';
import { Command, Cutover, Id, RESERVED_IDS } from '../../src/core/schema.js';
import { A, programJson, seeded, T0 } from './fixtures.js';

describe('ids that name object internals', () => {
  it('are refused by the one id rule, naming the id and why', () => {
    expect(RESERVED_IDS).toEqual(['__proto__', 'constructor', 'prototype']);
    for (const id of RESERVED_IDS) {
      const r = Id.safeParse(id);
      expect(r.success).toBe(false);
      expect(r.error?.issues[0]?.message).toBe(
        `"${id}" names an internal of the bot's objects (__proto__, constructor, prototype are reserved): choose another id`,
      );
    }
    // Ids that merely contain the words stay ids.
    for (const id of ['constructor-suite', 'prototype.v2', 'no__proto__'])
      expect(Id.safeParse(id).success).toBe(true);
  });

  it('are refused in every command that names one, and by the core, with nothing changed', () => {
    for (const id of RESERVED_IDS) {
      for (const cmd of [
        { type: 'gate.add', gate: id, title: 'x', owner: 'decision-log-owner' },
        { type: 'evidence.add', evidence: id, title: 'x', side: 'producer' },
        { type: 'gate.set', gate: id, status: 'green' },
        { type: 'phase', phase: id, action: 'start' },
        { type: 'signoff', side: id, decision: 'go' },
      ])
        expect(Command.safeParse(cmd).success, `${cmd.type} ${id}`).toBe(false);
      const c = seeded();
      const out = execute(
        c,
        { type: 'gate.add', gate: id, title: 'Perf', owner: 'decision-log-owner' },
        A.dlo,
        T0,
      );
      expect(out.ok).toBe(false);
      if (!out.ok) expect(out.error.message).toContain(`"${id}" names an internal of the bot's objects`);
    }
  });

  it('are refused in a program file, naming where', () => {
    const p = programJson();
    const gates = p.gates ?? [];
    const first = gates[0];
    if (!first) throw new Error('the shipped program has gates');
    gates[0] = { ...first, id: 'constructor' };
    const r = Cutover.safeParse(p);
    expect(r.success).toBe(false);
    expect(r.error?.issues.some((i) => i.path.join('.') === 'gates.0.id')).toBe(true);
  });

  it('a sign-off keeps the gates it saw as its own keys', () => {
    const c = seeded();
    const out = execute(
      c,
      { type: 'signoff', side: 'producer', decision: 'no-go', rationale: 'not yet' },
      A.pic,
      T0,
    );
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    const gates = out.cutover.signoffs.at(-1)?.gates ?? {};
    expect(Object.getPrototypeOf(gates)).toBe(Object.prototype);
    expect(Object.keys(gates)).toEqual(c.gates.map((g) => g.id));
  });
});
