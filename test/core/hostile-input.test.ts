/**
 * Issue 10, hostile input at the core (so CI, commands and forms refuse it alike): links are links, invisible
 * characters are refused in ids, tags and links, and far-future windows are refused with a reason.
 */
import { describe, expect, it } from 'vitest';
import { HttpUrl } from '../../src/core/schema.js';
import { parseInstant } from '../../src/core/time.js';
import { A, approveTarget, byId, refuse, run, SHA1, seeded } from './fixtures.js';

const c = () => approveTarget(seeded());

describe('links must be links', () => {
  it.each([
    ['a newline and a forged line', 'https://ci.example.com/runs/41\n:scales: *Decision* NO-GO → *GO*'],
    ['a tab', 'https://ci.example.com/runs/\t41'],
    ['a space and free text', 'https://ci.example.com/runs/41 looks good'],
    ['a carriage return', 'https://ci.example.com/runs/41\r:scales: GO'],
  ])('a link with %s is refused, naming the field, and nothing is written', (_what, url) => {
    const e = refuse(c(), { type: 'evidence.log', evidence: 'producer-handoff', url }, A.pro);
    expect(e).toMatchObject({ code: 'invalid', field: 'url' });
    expect(e.message).toContain('a link has no spaces, line breaks or control characters');
    const g = refuse(c(), { type: 'gate.set', gate: 'alignment', status: 'green', runUrl: url }, A.dlo);
    expect(g).toMatchObject({ code: 'invalid', field: 'runUrl' });
  });

  it('only the normalised URL is stored', () => {
    const out = run(
      c(),
      { type: 'evidence.log', evidence: 'producer-handoff', url: 'HTTPS://CI.Example.com/runs/41' },
      A.pro,
    );
    expect(byId(out.cutover.evidence, 'producer-handoff').entries[0]?.url).toBe(
      'https://ci.example.com/runs/41',
    );
    expect(HttpUrl.parse('https://ci.example.com/a/../b?x=1#y')).toBe('https://ci.example.com/b?x=1#y');
  });
});

describe('invisible characters', () => {
  it('a right-to-left override in a link is refused, naming the character', () => {
    const e = refuse(
      c(),
      { type: 'evidence.log', evidence: 'producer-handoff', url: 'https://evil.example/\u202Efdp.exe' },
      A.pro,
    );
    expect(e.message).toContain('invisible character (U+202E)');
  });

  it('a zero-width space in an id, and a bidi isolate in a tag, are refused, naming the character', () => {
    expect(
      refuse(seeded(), { type: 'blocker.clear', blocker: 'release-target\u200B' }, A.dlo).message,
    ).toContain('U+200B');
    expect(
      refuse(seeded(), { type: 'target.publish', tag: 'service.v3\u2066', sha: SHA1 }, A.pro).message,
    ).toContain('U+2066');
    expect(
      refuse(seeded(), { type: 'target.publish', tag: 'service.\uFEFFv3', sha: SHA1 }, A.pro).message,
    ).toContain('U+FEFF');
  });
});

describe('far-future times', () => {
  it('an instant past the year 9999 is refused with a reason, not as a bug', () => {
    const r = parseInstant('9999-12-31T23:00-05:00');
    expect(r).toEqual({ ok: false, reason: expect.stringContaining('outside the years 1970 to 9999') });
    const e = refuse(
      seeded(),
      { type: 'window', start: '2026-12-01T09:00Z', end: '9999-12-31T23:00-05:00' },
      A.dlo,
    );
    expect(e).toMatchObject({ code: 'invalid', field: 'end' });
    expect(e.message).not.toContain('bug');
  });

  it('no window may end more than a year after it starts', () => {
    const e = refuse(
      seeded(),
      { type: 'window', start: '2026-12-01T09:00Z', end: '2028-01-01T09:00Z' },
      A.dlo,
    );
    expect(e).toMatchObject({ code: 'invalid', field: 'end' });
    expect(e.message).toContain('at most 366 days');
    expect(
      run(seeded(), { type: 'window', start: '2026-12-01T09:00Z', end: '2027-12-01T09:00Z' }, A.dlo).ok,
    ).toBe(true);
  });
});
