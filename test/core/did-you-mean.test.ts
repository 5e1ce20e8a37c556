/**
 * "Did you mean": an id that names nothing is refused with the nearest known id as data (`didYouMean`), and Slack
 * says it after the reason. The core's sentence stays as it was; the suggestion is the surface's to word.
 */
import { describe, expect, it } from 'vitest';
import { execute } from '../../src/core/commands.js';
import { type DomainError, editDistance, nearest } from '../../src/core/errors.js';
import type { CommandInput, Cutover } from '../../src/core/schema.js';
import { refusalText } from '../../src/slack/views/answers.js';
import { A, approveTarget, seeded, T0 } from './fixtures.js';

function refusal(c: Cutover, cmd: CommandInput, actor = A.admin): DomainError {
  const out = execute(c, cmd, actor, T0);
  if (out.ok) throw new Error(`expected a refusal: ${out.message}`);
  return out.error;
}

describe('a mistyped id gets the nearest known id', () => {
  it('a gate, blocker, evidence, role, decision or phase id one slip away is refused with the id it nearly is', () => {
    const c = seeded();
    const cases: [CommandInput, string, Cutover?][] = [
      [{ type: 'gate.set', gate: 'prodcuer-suite', status: 'green' }, 'producer-suite'],
      [{ type: 'blocker.clear', blocker: 'release-targte' }, 'release-target'],
      [{ type: 'evidence.log', evidence: 'producer-handof', url: 'https://x.example/1' }, 'producer-handoff'],
      [{ type: 'role.assign', role: 'decision-log-ownr', user: null }, 'decision-log-owner'],
      [{ type: 'decide', decision: 'runtime-cutovr', status: 'no-go', rationale: 'x' }, 'runtime-cutover'],
      [{ type: 'phase', phase: '08', action: 'start' }, '8'],
      [{ type: 'gate.rename', gate: 'consumer-suit', title: 'x' }, 'consumer-suite'],
      [{ type: 'blocker.add', owner: 'decision-log-ownr', title: 'x' }, 'decision-log-owner'],
    ];
    for (const [cmd, guess] of cases)
      expect(refusal(approveTarget(c), cmd), JSON.stringify(cmd)).toMatchObject({
        code: 'unknown',
        didYouMean: guess,
      });
  });

  it('the reason stays as it was: the unknown id and every known id', () => {
    expect(refusal(seeded(), { type: 'gate.set', gate: 'prodcuer-suite', status: 'green' }).message).toMatch(
      /^There is no gate "prodcuer-suite"\. Known gate ids: producer-suite, /,
    );
  });

  it('an id far from every known id gets no suggestion', () => {
    const e = refusal(seeded(), { type: 'gate.set', gate: 'perf-suite', status: 'green' });
    expect(e.code).toBe('unknown');
    expect(e).not.toHaveProperty('didYouMean');
    expect(refusal(seeded(), { type: 'phase', phase: '9', action: 'start' })).not.toHaveProperty(
      'didYouMean',
    );
  });

  it('Slack says "Did you mean" with the id as code, after the reason', () => {
    const e = refusal(seeded(), { type: 'gate.set', gate: 'prodcuer-suite', status: 'green' });
    const text = refusalText(e, '/cutover gate <gate-id> green|red|pending [evidence-url]', seeded());
    expect(text.split('\n')[0]).toMatch(
      /^:no_entry: There is no gate "prodcuer-suite"\. Known gate ids: .*\. Did you mean `producer-suite`\?$/,
    );
  });
});

describe('nearness', () => {
  it('a swap of two neighbours, an extra, a missing or a wrong letter are each one keystroke', () => {
    expect(editDistance('stauts', 'status')).toBe(1);
    expect(editDistance('statuss', 'status')).toBe(1);
    expect(editDistance('statu', 'status')).toBe(1);
    expect(editDistance('statis', 'status')).toBe(1);
    expect(editDistance('STATUS', 'status')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('the nearest word is offered only when it is a slip away, the first on a tie, none for a word already known', () => {
    expect(nearest('stauts', ['help', 'status', 'roles'])).toBe('status');
    expect(nearest('xyz', ['help', 'status'])).toBeUndefined();
    expect(nearest('status', ['status'])).toBeUndefined();
    expect(nearest('rol', ['role', 'roles'])).toBe('role');
  });
});
