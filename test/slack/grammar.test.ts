/**
 * The `/cutover` grammar people guess: shaping the program, archiving it, the program kinds the lead wires, the
 * window in words, and "did you mean" for a slip of the keys. Each line reads into exactly the core's command input.
 */
import { describe, expect, it } from 'vitest';
import { Command } from '../../src/core/schema.js';
import { parseCommand } from '../../src/slack/parse-command.js';

/** The command a line stands for; it must also be one the core's schema accepts. */
function commandOf(text: string) {
  const p = parseCommand(text);
  if (p.kind !== 'change') throw new Error(`${text}: ${JSON.stringify(p)}`);
  expect(Command.safeParse(p.command).success, text).toBe(true);
  return p.command;
}
const errorOf = (text: string) => {
  const p = parseCommand(text);
  if (p.kind !== 'error') throw new Error(`${text} was read: ${JSON.stringify(p)}`);
  return p;
};

describe('gate add, rename and remove', () => {
  it('gate add <gate-id> <owner-role> <title…> adds a gate owned by that role', () => {
    expect(commandOf('gate add Perf-Suite producer-incident-commander Perf  &amp; load <!here>')).toEqual({
      type: 'gate.add',
      gate: 'perf-suite',
      owner: 'producer-incident-commander',
      title: 'Perf & load @here',
    });
  });

  it('gate rename <gate-id> <title…> and gate remove <gate-id>', () => {
    expect(commandOf('gate rename producer-suite Producer contract suite')).toEqual({
      type: 'gate.rename',
      gate: 'producer-suite',
      title: 'Producer contract suite',
    });
    expect(commandOf('gate remove alignment')).toEqual({ type: 'gate.remove', gate: 'alignment' });
  });

  it('add, rename and remove are reserved words: never a gate id, and a gate cannot be named one', () => {
    expect(errorOf('gate add add producer-incident-commander X').message).toBe(
      '`add` is a reserved word, not a gate id: give the gate another id.',
    );
    expect(errorOf('gate remove').message).toBe('Give the id of the gate to remove, and nothing more.');
    expect(errorOf('gate add perf-suite').message).toBe(
      'Give the new gate id, the role that owns it, and its title.',
    );
  });

  it('the gate result line still works: gate <gate-id> green|red|pending [url]', () => {
    expect(commandOf('gate producer-suite red https://ci.example.com/2')).toEqual({
      type: 'gate.set',
      gate: 'producer-suite',
      status: 'red',
      evidenceUrl: 'https://ci.example.com/2',
    });
    expect(errorOf('gate producer-suite gren').message).toBe(
      '`gren` is not a gate status: use green, red or pending. Did you mean `green`?',
    );
  });
});

describe('evidence add, rename and remove', () => {
  it('evidence add <evidence-id> <side> <title…> adds an evidence item for that side', () => {
    expect(commandOf('evidence add perf-report producer Perf report')).toEqual({
      type: 'evidence.add',
      evidence: 'perf-report',
      side: 'producer',
      title: 'Perf report',
    });
    expect(errorOf('evidence add perf-report producer').message).toBe(
      'Give the new evidence id, the side it is for, and its title.',
    );
    expect(errorOf('evidence add remove producer X').message).toContain('reserved word');
  });

  it('evidence rename <evidence-id> <title…>, evidence remove <evidence-id>, and logging still works', () => {
    expect(commandOf('evidence rename producer-handoff Handoff notes')).toEqual({
      type: 'evidence.rename',
      evidence: 'producer-handoff',
      title: 'Handoff notes',
    });
    expect(commandOf('evidence remove consumer-repin')).toEqual({
      type: 'evidence.remove',
      evidence: 'consumer-repin',
    });
    expect(commandOf('evidence producer-handoff https://x.example/h')).toEqual({
      type: 'evidence.log',
      evidence: 'producer-handoff',
      url: 'https://x.example/h',
    });
  });
});

describe('blocker rename and remove', () => {
  it('blocker rename <id> <title…> and blocker remove <id>', () => {
    expect(commandOf('blocker rename vendor-contract Vendor contract countersigned')).toEqual({
      type: 'blocker.rename',
      blocker: 'vendor-contract',
      title: 'Vendor contract countersigned',
    });
    expect(commandOf('blocker remove Vendor-Contract')).toEqual({
      type: 'blocker.remove',
      blocker: 'vendor-contract',
    });
  });

  it('a blocker action that is a slip of the keys gets the action it nearly is', () => {
    expect(errorOf('blocker reomve x').message).toBe(
      '`reomve` is not a blocker action: use add, clear, reopen, rename or remove. Did you mean `remove`?',
    );
  });
});

describe('role title', () => {
  it('role title <role-id> <title…> retitles the role; `title` is never a role id', () => {
    expect(commandOf('role title decision-log-owner Program owner')).toEqual({
      type: 'role.retitle',
      role: 'decision-log-owner',
      title: 'Program owner',
    });
    expect(errorOf('role title none').message).toBe('Give the role id and its new title.');
  });

  it('role <role-id> @person|none still assigns', () => {
    expect(commandOf('role decision-log-owner <@U0DLO|dee>')).toEqual({
      type: 'role.assign',
      role: 'decision-log-owner',
      user: 'U0DLO',
    });
  });
});

describe('reminders', () => {
  it('reminders signoff 24h stale 48h digest 09:00 sets exactly those', () => {
    expect(commandOf('reminders signoff 24h stale 48h digest 09:00')).toEqual({
      type: 'reminders.set',
      reminders: { signoffAfterHours: 24, blockerStaleHours: 48, digestHour: 9 },
    });
  });

  it('lead takes a list of hours, quiet a span of hours or off, zone an IANA zone; days count as 24 hours', () => {
    expect(commandOf('reminders lead 24h,1h quiet 22-07 zone europe/berlin stale 2d')).toEqual({
      type: 'reminders.set',
      reminders: {
        windowLeadHours: [24, 1],
        quietHours: { from: 22, to: 7 },
        zone: 'Europe/Berlin',
        blockerStaleHours: 48,
      },
    });
    expect(commandOf('reminders quiet off')).toEqual({
      type: 'reminders.set',
      reminders: { quietHours: null },
    });
  });

  it('a value that cannot be read is refused, saying how to write it', () => {
    expect(errorOf('reminders').message).toContain('Say what to change');
    expect(errorOf('reminders digest 09:30').message).toBe(
      '`09:30` is not an hour for `digest`: the digest goes out on the hour, e.g. 09:00.',
    );
    expect(errorOf('reminders signoff soon').message).toBe(
      '`soon` is not a number of hours for `signoff`: give a whole number of hours from 1 to 720, written as 24h (or 2d).',
    );
    expect(errorOf('reminders zone Mars/Olympus').message).toContain('is not a time zone');
    expect(errorOf('reminders signof 12h').message).toBe(
      '`signof` is not a reminder: use signoff, stale, lead, digest, quiet or zone. Did you mean `signoff`?',
    );
    expect(errorOf('reminders digest 9 digest 10').message).toBe('`digest` is given twice: give it once.');
    expect(errorOf('reminders stale').message).toBe('Give a value after `stale`.');
  });
});

describe('archive', () => {
  it('archive [reason…] archives, with the reason when one is given', () => {
    expect(commandOf('archive')).toEqual({ type: 'archive' });
    expect(commandOf('archive superseded by the v4 program')).toEqual({
      type: 'archive',
      reason: 'superseded by the v4 program',
    });
  });
});

describe('list, new and shape', () => {
  it('list, new alone and shape alone are their own kinds', () => {
    expect(parseCommand('list')).toEqual({ kind: 'list' });
    expect(parseCommand('new')).toEqual({ kind: 'new-form' });
    expect(parseCommand('shape')).toEqual({ kind: 'shape-form' });
    expect(errorOf('list all').message).toBe('`/cutover list` takes no arguments.');
    expect(errorOf('shape gates').message).toContain('`/cutover shape` alone opens the form');
  });

  it('new <program-id> from <template-or-program-id> names both, lower-cased', () => {
    expect(parseCommand('new Service-V4 from service-v3')).toEqual({
      kind: 'new',
      id: 'service-v4',
      from: 'service-v3',
    });
    expect(parseCommand('new service-v4 FROM Template.Default')).toEqual({
      kind: 'new',
      id: 'service-v4',
      from: 'template.default',
    });
  });

  it('an id that is no id is refused, naming the fix', () => {
    expect(errorOf('new service_v4! from service-v3').message).toBe(
      '`service_v4!` is not a program id: use lower-case letters, digits, "-", "." or "_" (at most 64), e.g. `service-v4`.',
    );
    expect(errorOf('new service-v4 from -x').message).toContain('is not a template or program id');
    expect(errorOf('new service-v4').message).toBe(
      'Name the new program and what it starts from: `/cutover new service-v4 from <template-or-program-id>`, or `/cutover new` alone for the form.',
    );
    expect(errorOf('new service-v3 from service-v3').message).toContain('needs its own id');
  });
});

describe('window in words', () => {
  it('window <date> <time> <zone> <date> <time> <zone> reads each end in its zone, and keeps the zones', () => {
    expect(commandOf('window 2026-12-01 09:00 Europe/Berlin 2026-12-01 11:00 Europe/Berlin')).toEqual({
      type: 'window',
      start: '2026-12-01T09:00[Europe/Berlin]',
      end: '2026-12-01T11:00[Europe/Berlin]',
      zones: { start: 'Europe/Berlin', end: 'Europe/Berlin' },
    });
  });

  it("the end's date and zone may be left out when they are the start's", () => {
    expect(commandOf('window 2026-12-01 09:00 Europe/Berlin 11:00')).toEqual({
      type: 'window',
      start: '2026-12-01T09:00[Europe/Berlin]',
      end: '2026-12-01T11:00[Europe/Berlin]',
      zones: { start: 'Europe/Berlin', end: 'Europe/Berlin' },
    });
  });

  it('the ISO forms still work, and window clear clears', () => {
    expect(commandOf('window 2026-12-01T09:00Z 2026-12-01T11:00Z')).toEqual({
      type: 'window',
      start: '2026-12-01T09:00Z',
      end: '2026-12-01T11:00Z',
    });
    expect(commandOf('window clear')).toEqual({ type: 'window.clear' });
    expect(errorOf('window clear now').message).toBe('`/cutover window clear` takes nothing more.');
  });

  it('a window that cannot be read is refused with the reason, as a sentence', () => {
    expect(errorOf('window 2026-12-01 09:00 11:00').message).toBe(
      'Give the zone the times are in, such as Europe/Berlin (or UTC).',
    );
    expect(errorOf('window').message).toBe('Give the start and the end.');
  });
});

describe('did you mean', () => {
  it('a mistyped subcommand gets the nearest one', () => {
    expect(parseCommand('stauts')).toEqual({
      kind: 'error',
      message: 'There is no `/cutover stauts` subcommand. Did you mean `/cutover status`?',
      usage: '/cutover status',
    });
    expect(errorOf('histroy 5').message).toContain('Did you mean `/cutover history`?');
    expect(errorOf('reminder signoff 2h').message).toContain('Did you mean `/cutover reminders`?');
  });

  it('a subcommand typed as two words gets the one it is, with its own usage', () => {
    expect(parseCommand('sign off')).toEqual({
      kind: 'error',
      message: 'There is no `/cutover sign off` subcommand. Did you mean `/cutover signoff`?',
      usage: '/cutover signoff',
    });
    expect(errorOf('sign-off').message).toContain('Did you mean `/cutover signoff`?');
    expect(errorOf('hist ory 5').message).toContain('Did you mean `/cutover history`?');
    expect(errorOf('remind ers signoff 2h').message).toContain('Did you mean `/cutover reminders`?');
  });

  it('an error shows the usage of the form it is about, not every form of its subcommand', () => {
    expect(parseCommand('gate add perf')).toMatchObject({
      kind: 'error',
      usage: '/cutover gate add <gate-id> <owner-role> <title…>',
    });
    expect(parseCommand('blocker reopen x')).toMatchObject({
      usage: '/cutover blocker reopen <id> <reason…>',
    });
    expect(parseCommand('gate producer-suite blue')).toMatchObject({
      usage: '/cutover gate <gate-id> green|red|pending [evidence-url]',
    });
    expect(parseCommand('target approve')).toMatchObject({ usage: '/cutover target approve <tag|sha>' });
    expect(parseCommand('evidence rename x')).toMatchObject({
      usage: '/cutover evidence rename <evidence-id> <title…>',
    });
  });

  it('a word near no subcommand gets no guess', () => {
    expect(errorOf('launch').message).toBe('There is no `/cutover launch` subcommand.');
  });

  it('a mistyped phase action gets the nearest', () => {
    expect(errorOf('phase 8 strat').message).toBe(
      'Give the phase id and start or close. Did you mean `start`?',
    );
  });
});

describe('history [n] [page p]', () => {
  it('n and page are read in that order; either may be left out', () => {
    expect(parseCommand('history page 2')).toEqual({ kind: 'history', limit: 10, page: 2 });
    expect(parseCommand('history 25 page 3')).toEqual({ kind: 'history', limit: 25, page: 3 });
    expect(parseCommand('history 100')).toEqual({ kind: 'history', limit: 100, page: 1 });
  });

  it('what is not n or a page is refused, saying what to write', () => {
    expect(errorOf('history 101').message).toBe('n is a whole number from 1 to 100.');
    expect(errorOf('history page').message).toBe('The page is a whole number from 1 (the newest).');
    expect(errorOf('history 5 more').message).toBe(
      '`more` is not understood here: write `page <p>` after n.',
    );
    expect(errorOf('history 5 page 2 3').message).toBe(
      'After `history` give n, then `page <p>`, and nothing more.',
    );
  });
});

describe('notes for the record: scope, positions, window notes', () => {
  it('scope <text…> sets the Scope line and scope clear clears it', () => {
    expect(commandOf('scope Runtime switch of AssistSupport onto service.v3 only')).toEqual({
      type: 'scope.set',
      text: 'Runtime switch of AssistSupport onto service.v3 only',
    });
    expect(commandOf('scope clear')).toEqual({ type: 'scope.set', text: null });
    expect(errorOf('scope').message).toContain('Give the scope');
  });

  it("position <side-id> <text…> states a side's position, and clear withdraws it", () => {
    expect(commandOf('position Consumer GO once the repin evidence is logged')).toEqual({
      type: 'position.set',
      side: 'consumer',
      text: 'GO once the repin evidence is logged',
    });
    expect(commandOf('position producer clear')).toEqual({
      type: 'position.set',
      side: 'producer',
      text: null,
    });
    expect(errorOf('position producer').message).toContain("Give the side's id and its position");
  });

  it('window notes <text…> are the window notes; window notes clear clears them; the window itself is unchanged', () => {
    expect(commandOf('window notes Freeze starts an hour before')).toEqual({
      type: 'window.notes',
      text: 'Freeze starts an hour before',
    });
    expect(commandOf('window notes clear')).toEqual({ type: 'window.notes', text: null });
    expect(commandOf('window clear')).toEqual({ type: 'window.clear' });
  });
});

describe('a role given to a user group', () => {
  it('role <role-id> @group reads the group id as Slack sends it (<!subteam^S…|@name>)', () => {
    expect(commandOf('role producer-incident-commander <!subteam^S0ONCALL1|@oncall>')).toEqual({
      type: 'role.assign',
      role: 'producer-incident-commander',
      user: 'S0ONCALL1',
    });
    expect(errorOf('role producer-incident-commander @oncall').message).toContain('user group');
  });
});
