/**
 * The deployment protection rule's decisions (src/github/rule.ts): which program governs a deployment, and what the
 * bot answers GitHub for it now.
 */
import { describe, expect, it } from 'vitest';
import { Cutover } from '../../src/core/schema.js';
import {
  answerFor,
  checkDeployment,
  decisionOf,
  deploymentKey,
  governs,
  wakeAt,
} from '../../src/github/rule.js';
import {
  A,
  approveTarget,
  at,
  decidedGo,
  programJson,
  readyForGo,
  run,
  SHA1,
  SHA2,
  seeded,
} from '../core/fixtures.js';

const GITHUB = { repos: ['MemoryKernel/service'], environments: ['production'] };
const withGitHub = <T extends object>(c: T, github: object = GITHUB): T => ({ ...c, github }) as T;

describe('which program governs a deployment', () => {
  it('the program whose github field names the repository (any case) and the environment (exactly)', () => {
    const c = withGitHub(seeded());
    expect(governs(c, 'memorykernel/SERVICE', 'production')).toBe(true);
    expect(governs(c, 'memorykernel/service', 'Production')).toBe(false);
    expect(governs(c, 'memorykernel/other', 'production')).toBe(false);
    expect(governs(seeded(), 'memorykernel/service', 'production')).toBe(false);
  });

  it('the decision is github.decision, else the first with GO requirements', () => {
    expect(decisionOf(seeded())).toBe('runtime-cutover');
    expect(decisionOf(withGitHub(seeded(), { ...GITHUB, decision: 'rehearsal' }))).toBe('rehearsal');
  });

  it('a program file naming an unknown decision for GitHub is refused, with its path', () => {
    const r = Cutover.safeParse({ ...programJson(), github: { ...GITHUB, decision: 'launch' } });
    expect(r.success).toBe(false);
    expect(r.error?.issues).toContainEqual(
      expect.objectContaining({ path: ['github', 'decision'], message: 'unknown decision "launch"' }),
    );
  });

  it('one key per repository, deployment and environment', () => {
    expect(deploymentKey('MemoryKernel/service', 7, 'production')).toBe('memorykernel/service#7#production');
  });
});

describe('what the bot answers GitHub', () => {
  it('approved when the go check passes for the deployment commit', () => {
    const c = decidedGo();
    expect(answerFor(c, checkDeployment(c, SHA1, at(1)))).toMatchObject({
      state: 'approved',
      comment: expect.stringContaining('runtime-cutover is GO for service.v3.0.0'),
    });
  });

  it('rejected with the reason when the commit is not the approved target', () => {
    const c = approveTarget(seeded());
    expect(answerFor(c, checkDeployment(c, SHA2, at(1)))).toEqual({
      state: 'rejected',
      comment: expect.stringContaining(`commit ${SHA2.slice(0, 12)} is not the approved target`),
      why: expect.stringMatching(new RegExp(`^commit ${SHA2.slice(0, 12)} is not the approved target`)),
    });
  });

  it('nothing yet (it waits) while the decision is NO-GO for the approved commit', () => {
    const c = readyForGo();
    expect(answerFor(c, checkDeployment(c, SHA1, at(1)))).toBeUndefined();
  });

  it('a deployment that waits for the approved window is looked at again when it opens', () => {
    const window = { type: 'window', start: '2026-02-09T10:00Z', end: '2026-02-09T14:00Z' } as const;
    const c = run(
      run(readyForGo(), window, A.dlo, at(1)).cutover,
      { type: 'decide', decision: 'runtime-cutover', status: 'go', rationale: 'go' },
      A.dlo,
      at(2),
    ).cutover;
    const check = checkDeployment(c, SHA1, at(30));
    expect(answerFor(c, check)).toBeUndefined();
    expect(wakeAt(check)).toBe(Date.parse('2026-02-09T10:00:00Z'));
  });
});
