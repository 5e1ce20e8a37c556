import { describe, expect, it } from 'vitest';
import { parseCommand, USAGES } from '../../src/slack/parse-command.js';

describe('the /cutover grammar', () => {
  it('reads every subcommand of issue 3 into the core command it stands for', () => {
    expect(parseCommand('blocker add decision-log-owner Vendor  contract &amp; <!here> signed')).toEqual({
      kind: 'change',
      usage: expect.stringContaining('blocker add'),
      command: { type: 'blocker.add', owner: 'decision-log-owner', title: 'Vendor contract & @here signed' },
    });
    expect(
      parseCommand('blocker clear Vendor-Contract <https://ci.example.com/1?a=1&amp;b=2>'),
    ).toMatchObject({
      command: {
        type: 'blocker.clear',
        blocker: 'vendor-contract',
        evidenceUrl: 'https://ci.example.com/1?a=1&b=2',
      },
    });
    expect(parseCommand('blocker reopen x the vendor withdrew')).toMatchObject({
      command: { type: 'blocker.reopen', blocker: 'x', reason: 'the vendor withdrew' },
    });
    expect(parseCommand('gate producer-suite GREEN https://ci.example.com/9')).toMatchObject({
      command: {
        type: 'gate.set',
        gate: 'producer-suite',
        status: 'green',
        evidenceUrl: 'https://ci.example.com/9',
      },
    });
    expect(parseCommand(`target v3.0.0 ${'a'.repeat(40)}`)).toMatchObject({
      command: { type: 'target.publish', tag: 'v3.0.0', sha: 'a'.repeat(40) },
    });
    expect(parseCommand('target approve service.v3.0')).toMatchObject({
      command: { type: 'target.approve', target: 'service.v3.0' },
    });
    expect(parseCommand('target approve 1f0e2d3')).toMatchObject({
      command: { type: 'target.approve', target: '1f0e2d3' },
    });
    expect(parseCommand('evidence producer-handoff https://x.example/h')).toMatchObject({
      command: { type: 'evidence.log', evidence: 'producer-handoff', url: 'https://x.example/h' },
    });
    expect(parseCommand('decide runtime-cutover NO-GO wait for the target')).toMatchObject({
      command: {
        type: 'decide',
        decision: 'runtime-cutover',
        status: 'no-go',
        rationale: 'wait for the target',
      },
    });
    expect(parseCommand('phase 8 start')).toMatchObject({
      command: { type: 'phase', phase: '8', action: 'start' },
    });
    expect(parseCommand('window 2026-12-01T09:00[Europe/Berlin] 2026-12-01T11:00+01:00')).toMatchObject({
      command: { type: 'window', start: '2026-12-01T09:00[Europe/Berlin]', end: '2026-12-01T11:00+01:00' },
    });
    expect(parseCommand('role producer-incident-commander <@U0PIC|pat>')).toMatchObject({
      command: { type: 'role.assign', role: 'producer-incident-commander', user: 'U0PIC' },
    });
    expect(parseCommand('role decision-log-owner none')).toMatchObject({ command: { user: null } });
  });

  it('reads approval as naming its target: `approve` is never a tag, and a bare approve asks for the name', () => {
    // Two words after `target`, like a publish: still an approval of the target named by its SHA.
    expect(parseCommand(`target approve ${'a'.repeat(40)}`)).toEqual({
      kind: 'change',
      usage: expect.stringContaining('target approve <tag|sha>'),
      command: { type: 'target.approve', target: 'a'.repeat(40) },
    });
    expect(parseCommand(`target APPROVE ${'a'.repeat(40)}`)).toMatchObject({
      command: { type: 'target.approve' },
    });
    for (const text of ['target approve', 'target approve service.v3.0 extra'])
      expect(parseCommand(text)).toMatchObject({
        kind: 'error',
        message: expect.stringContaining('Name the target you approve: `/cutover target approve <tag>`'),
      });
    expect(USAGES.find((u) => u.name === 'target')?.usage).toContain('target approve <tag|sha>');
  });

  it('reads the queries and forms', () => {
    expect(parseCommand('')).toEqual({ kind: 'help' });
    expect(parseCommand('status')).toEqual({ kind: 'status' });
    expect(parseCommand('roles')).toEqual({ kind: 'roles' });
    expect(parseCommand('history')).toEqual({ kind: 'history', limit: 10, page: 1 });
    expect(parseCommand('history 3')).toEqual({ kind: 'history', limit: 3, page: 1 });
    expect(parseCommand('signoff')).toEqual({ kind: 'signoff' });
    expect(parseCommand('blocker')).toEqual({ kind: 'blocker-form' });
  });

  it('answers an unknown subcommand or a wrong arity with the usage line', () => {
    expect(parseCommand('launch')).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('no `/cutover launch`'),
    });
    expect(parseCommand('gate producer-suite purple')).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('green, red or pending'),
      usage: expect.stringContaining('/cutover gate <gate-id>'),
    });
    expect(parseCommand('history 0')).toMatchObject({ kind: 'error' });
    expect(parseCommand('role x @pat')).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('@mention'),
    });
    expect(parseCommand('decide runtime-cutover go')).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('rationale'),
    });
    expect(parseCommand('record')).toEqual({ kind: 'record' });
    expect(parseCommand('record now')).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('takes no arguments'),
    });
  });

  it('reads `confirm: <reason…>` at the end of a change as its confirmation, and refuses it anywhere else', () => {
    const sha = 'a'.repeat(40);
    expect(parseCommand(`target v3.0.1 ${sha} confirm: hotfix &amp; <!here> roll forward`)).toMatchObject({
      kind: 'change',
      command: {
        type: 'target.publish',
        tag: 'v3.0.1',
        sha,
        confirm: { reason: 'hotfix & @here roll forward' },
      },
    });
    expect(
      parseCommand('blocker add decision-log-owner Vendor contract CONFIRM: the vendor withdrew'),
    ).toMatchObject({
      command: { type: 'blocker.add', title: 'Vendor contract', confirm: { reason: 'the vendor withdrew' } },
    });
    expect(parseCommand(`target v3.0.1 ${sha} confirm:`)).toEqual({
      kind: 'error',
      message: 'Give the reason after `confirm:`: why go ahead, although it takes the running cutover’s GO.',
      usage: '/cutover <change…> confirm: <reason…>',
    });
    expect(parseCommand('status confirm: because')).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('`confirm:` goes at the end of a change'),
    });
    // A change's own error comes first.
    expect(parseCommand('target v3.0.1 confirm: x')).toMatchObject({
      kind: 'error',
      usage: expect.stringContaining('/cutover target'),
    });
  });

  it('gives every subcommand a usage line for help', () => {
    for (const u of USAGES) expect(u.usage.startsWith('/cutover')).toBe(true);
  });
});
