/**
 * The program schema: the shipped file parses, and a program with cross-reference mistakes is rejected with
 * every mistake reported at its path. Plus the input schemas people's commands go through.
 */
import { describe, expect, it } from 'vitest';
import {
  Command,
  CommitSha,
  Cutover,
  HttpUrl,
  Id,
  type ProgramInput,
  ReleaseTag,
  SlackUserId,
  showInvisible,
} from '../../src/core/schema.js';
import { programJson, SHA1 } from './fixtures.js';

const issuesOf = (input: unknown) => {
  const r = Cutover.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
};

describe('the shipped program', () => {
  it('parses as a cutover, with the live parts empty', () => {
    const c = Cutover.parse(programJson());
    expect(c.id).toBe('service-v3');
    expect(c.release).toBe('service.v3');
    expect(c.targets).toEqual([]);
    expect(c.signoffs).toEqual([]);
    expect(c.window).toBeUndefined();
    expect(c.evidence.every((e) => e.entries.length === 0)).toBe(true);
  });

  it('keeps its decision-record links and rollback evidence', () => {
    const c = Cutover.parse(programJson());
    expect(c.links.map((l) => l.group)).toEqual([
      'decision-record',
      'decision-record',
      'decision-input',
      'decision-input',
      'decision-input',
      'rollback-readiness',
    ]);
    expect(c.rollbackEvidence).toEqual(['producer-rollback', 'consumer-rollback']);
  });

  it('a parsed cutover parses again to itself (what the store saves, it can read back)', () => {
    const c = Cutover.parse(programJson());
    expect(Cutover.parse(JSON.parse(JSON.stringify(c)))).toEqual(c);
  });
});

describe('a program with cross-reference mistakes', () => {
  const broken = (): ProgramInput => {
    const p = programJson();
    p.logOwnerRole = 'program-owner';
    p.sides[1] = { id: 'consumer', name: 'AssistSupport', commanderRole: 'consumer-lead' };
    p.roles.push({ id: 'producer-rollback-owner', title: 'Duplicate of the release owner', side: 'partner' });
    p.blockers[0] = {
      ...p.blockers[0],
      id: 'release-target',
      title: 'x',
      owner: 'release-captain',
      phase: '9',
    };
    p.blockers.push({ id: 'joint-go-record', title: 'Duplicate', owner: 'decision-log-owner', phase: '8' });
    p.blockers[2] = {
      id: 'evidence-bundle',
      title: 'Evidence bundle',
      owner: 'decision-log-owner',
      phase: '8',
      derived: [{ kind: 'evidence', evidence: ['producer-handoff', 'consumer-screenshots'] }],
    };
    p.gates[1] = { id: 'consumer-suite', title: 'Consumer suite', owner: 'qa-lead' };
    p.evidence?.push({ id: 'extra', title: 'Extra', side: 'partner' });
    p.rollbackEvidence = ['producer-rollback', 'consumer-drill'];
    p.decisions[1] = {
      ...p.decisions[1],
      id: 'runtime-cutover',
      title: 'Runtime',
      status: 'no-go',
      goRequires: { blockersCleared: ['9'] },
    };
    p.phases[1] = {
      id: '8',
      title: 'Runtime cutover',
      status: 'not-started',
      startRequires: { decisionsGo: ['launch'] },
    };
    p.permissions = { ...p.permissions, decide: ['decision-log-owner', 'cab'] };
    return p;
  };

  it('is rejected, and every mistake is reported with its path', () => {
    expect(issuesOf(broken())).toEqual(
      expect.arrayContaining([
        { path: 'roles.5.id', message: 'duplicate roles id "producer-rollback-owner"' },
        { path: 'blockers.4.id', message: 'duplicate blockers id "joint-go-record"' },
        { path: 'logOwnerRole', message: 'unknown role "program-owner"' },
        { path: 'sides.1.commanderRole', message: 'unknown role "consumer-lead"' },
        { path: 'roles.5.side', message: 'unknown side "partner"' },
        { path: 'blockers.0.owner', message: 'unknown role "release-captain"' },
        { path: 'blockers.0.phase', message: 'unknown phase "9"' },
        { path: 'blockers.2.derived.0.evidence', message: 'unknown evidence "consumer-screenshots"' },
        { path: 'gates.1.owner', message: 'unknown role "qa-lead"' },
        { path: 'evidence.4.side', message: 'unknown side "partner"' },
        { path: 'rollbackEvidence.1', message: 'unknown evidence "consumer-drill"' },
        { path: 'decisions.1.goRequires.blockersCleared.0', message: 'unknown phase "9"' },
        { path: 'phases.1.startRequires.decisionsGo.0', message: 'unknown decision "launch"' },
        { path: 'permissions.decide.1', message: 'unknown role "cab"' },
      ]),
    );
    expect(issuesOf(broken())).toHaveLength(14);
  });

  it('an unknown role as an owner is reported on its own', () => {
    const p = programJson();
    p.gates[2] = { id: 'alignment', title: 'Alignment', owner: 'integration-owner' };
    expect(issuesOf(p)).toEqual([{ path: 'gates.2.owner', message: 'unknown role "integration-owner"' }]);
  });

  it('duplicate ids of every kind are reported', () => {
    const p = programJson();
    p.sides.push({
      ...p.sides[0],
      id: 'producer',
      name: 'Again',
      commanderRole: 'producer-incident-commander',
    });
    p.gates.push({ id: 'alignment', title: 'Again', owner: 'decision-log-owner' });
    p.evidence?.push({ id: 'consumer-repin', title: 'Again', side: 'consumer' });
    p.decisions.push({ id: 'rehearsal', title: 'Again', status: 'go' });
    p.phases.push({ id: '7', title: 'Again', status: 'closed' });
    expect(issuesOf(p).map((i) => i.message)).toEqual([
      'duplicate sides id "producer"',
      'duplicate decisions id "rehearsal"',
      'duplicate phases id "7"',
      'duplicate gates id "alignment"',
      'duplicate evidence id "consumer-repin"',
    ]);
  });

  it('a shape mistake names the field', () => {
    const p = programJson();
    const r = Cutover.safeParse({ ...p, phases: [{ id: '7', title: 'x', status: 'paused' }] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['phases', 0, 'status']);
    expect(Cutover.safeParse({ ...p, sides: [] }).error?.issues[0]?.path).toEqual(['sides']);
  });
});

describe('input schemas', () => {
  it('a commit SHA is 40 hex characters, stored lower-case', () => {
    expect(CommitSha.parse(` ${SHA1.toUpperCase()} `)).toBe(SHA1);
    for (const bad of [SHA1.slice(1), `${SHA1}0`, 'z'.repeat(40), ''])
      expect(CommitSha.safeParse(bad).success).toBe(false);
  });

  it('a link is an http(s) URL with a host', () => {
    expect(HttpUrl.parse('https://ci.example.com/run/42')).toBe('https://ci.example.com/run/42');
    expect(HttpUrl.parse('http://ci.internal:8080/x')).toBe('http://ci.internal:8080/x');
    for (const bad of [
      'ftp://example.com',
      'javascript:alert(1)',
      'example.com/run',
      'https://',
      'file:///etc/passwd',
    ])
      expect(HttpUrl.safeParse(bad).error?.issues[0]?.message).toBe(
        'give a full http(s) link, such as https://ci.example.com/run/42',
      );
  });

  it('ids are lower-case words people can type', () => {
    for (const ok of ['8', 'release-target', 'service.v3', 'a_b'])
      expect(Id.safeParse(ok).success).toBe(true);
    for (const bad of ['', 'Release', '-x', 'a b', 'x'.repeat(65)])
      expect(Id.safeParse(bad).success).toBe(false);
  });

  it('a Slack user id looks like U012ABCDEF', () => {
    expect(SlackUserId.safeParse('U012ABCDEF').success).toBe(true);
    expect(SlackUserId.safeParse('W0ABC').success).toBe(true);
    expect(SlackUserId.safeParse('<@U012ABCDEF>').error?.issues[0]?.message).toBe(
      'a Slack user id looks like U012ABCDEF',
    );
  });

  it('a window command normalises both instants to UTC', () => {
    expect(
      Command.parse({
        type: 'window',
        start: '2026-02-14T09:00[Europe/Berlin]',
        end: '2026-02-14T12:00-05:00',
      }),
    ).toEqual({ type: 'window', start: '2026-02-14T08:00:00.000Z', end: '2026-02-14T17:00:00.000Z' });
  });
});

describe('links are links, and ids, tags and links hold no invisible character (issue 10)', () => {
  const msgOf = (r: { error?: { issues: { message: string; path: PropertyKey[] }[] } }) =>
    r.error?.issues[0]?.message;

  it('a link with any whitespace or control character inside is refused: new URL() would drop it silently', () => {
    const forged = 'https://ci.example.com/runs/41\n:scales: *Decision* runtime-cutover NO-GO → *GO*';
    // What made it dangerous: the URL parser accepts it, dropping the line break.
    expect(new URL(forged).href).toContain('runs/41:scales:');
    for (const inside of ['\n', '\r', '\t', ' ', '\u00A0', '\u0085', '\u2028', '\u0000', '\u0007', '\u007F'])
      expect(
        msgOf(HttpUrl.safeParse(`https://ci.example.com/runs/41${inside}looks-good`)),
        JSON.stringify(inside),
      ).toBe('a link has no spaces, line breaks or control characters: give one link');
    expect(HttpUrl.safeParse(forged).success).toBe(false);
  });

  it('whitespace around a link is trimmed, and what is stored is the link as the URL parser normalises it', () => {
    expect(HttpUrl.parse('  https://ci.example.com/runs/41 \n')).toBe('https://ci.example.com/runs/41');
    expect(HttpUrl.parse('HTTPS://CI.Example.COM:443/runs/./a/../41?x=1#l')).toBe(
      'https://ci.example.com/runs/41?x=1#l',
    );
    expect(HttpUrl.parse('https://ci.example.com')).toBe('https://ci.example.com/');
  });

  it('a link with a right-to-left override is refused, naming U+202E', () => {
    const r = HttpUrl.safeParse('https://evil.example/\u202Efdp.exe');
    expect(msgOf(r)).toBe('the link holds an invisible character (U+202E): retype it without one');
  });

  it('ids and tags refuse zero-width and bidirectional control characters, naming each', () => {
    for (const [ch, name] of [
      ['\u200B', 'U+200B'],
      ['\u200F', 'U+200F'],
      ['\u202A', 'U+202A'],
      ['\u2066', 'U+2066'],
      ['\u2069', 'U+2069'],
      ['\uFEFF', 'U+FEFF'],
    ]) {
      expect(msgOf(Id.safeParse(`release${ch}-target`))).toBe(
        `the id holds an invisible character (${name}): retype it without one`,
      );
      expect(msgOf(ReleaseTag.safeParse(`service.v3${ch}.0`))).toBe(
        `the tag holds an invisible character (${name}): retype it without one`,
      );
    }
    expect(msgOf(ReleaseTag.safeParse('v3\u202E\u200B'))).toContain('(U+202E, U+200B)');
  });

  it('a command with such a link is refused at the field it came in', () => {
    const r = Command.safeParse({
      type: 'gate.set',
      gate: 'alignment',
      status: 'green',
      evidenceUrl: 'https://ci.example.com/runs/41\n• AssistSupport: *GO*',
    });
    expect(r.error?.issues[0]?.path).toEqual(['evidenceUrl']);
  });

  it('showInvisible marks each invisible character as [U+…], for text that is shown rather than refused', () => {
    expect(showInvisible('invoice\u202Efdp.exe')).toBe('invoice[U+202E]fdp.exe');
    expect(showInvisible('a\u200Bb\u2066c\uFEFF')).toBe('a[U+200B]b[U+2066]c[U+FEFF]');
    expect(showInvisible('plain text, é and 日本')).toBe('plain text, é and 日本');
  });
});
