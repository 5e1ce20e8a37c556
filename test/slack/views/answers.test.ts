import { describe, expect, it } from 'vitest';
import { execute } from '../../../src/core/commands.js';
import { refusalPlain, refusalText } from '../../../src/slack/views/answers.js';
import { shippedProgram } from '../../fixtures/programs.js';

const admin = { kind: 'user' as const, userId: 'UADMIN', isAdmin: true };
const goRefused = () => {
  const c = shippedProgram();
  const r = execute(
    c,
    { type: 'decide', decision: 'runtime-cutover', status: 'go', rationale: 'now' },
    admin,
    new Date('2026-11-21T10:00:00Z'),
  );
  if (r.ok) throw new Error('expected the GO to be refused');
  return { c, error: r.error };
};
const phaseRefused = () => {
  const c = shippedProgram();
  const r = execute(
    c,
    { type: 'phase', phase: '8', action: 'start' },
    admin,
    new Date('2026-11-21T10:00:00Z'),
  );
  if (r.ok) throw new Error('expected phase 8 start to be refused');
  return { c, error: r.error };
};

describe('refusals', () => {
  it('list each unmet thing once, though a derived blocker and the GO rule both report it', () => {
    const { c, error } = goRefused();
    // Two rules report "no release target": the derived blocker release-target and the GO rule's signed-go.
    expect(error.items?.filter((u) => u.kind === 'target-missing')).toHaveLength(1);
    for (const text of [refusalText(error, undefined, c), refusalPlain(error, c)]) {
      expect(text.match(/no release target is published/g)).toHaveLength(1);
      expect(text).toContain('• blocker release-target is open until what is listed here is met');
      const items = text.split('\n').filter((l) => l.startsWith('• '));
      expect(new Set(items).size).toBe(items.length);
      // Each of the nine unmet items has its line: three blockers, five gates, the target. Not the joint record
      // blocker: it waits for the record of this GO, which comes after it.
      expect(items).toHaveLength(9);
    }
  });

  it('a derived blocker keeps the reasons the list does not state on its own', () => {
    const { c, error } = phaseRefused();
    const text = refusalPlain(error, c);
    expect(text).toContain("MemoryKernel's repository cannot hold the record of a GO yet");
    expect(text).toMatch(/• blocker joint-go-record is open: MemoryKernel has not signed GO/);
    expect(text.match(/MemoryKernel has not signed GO/g)).toHaveLength(1);
  });
});
