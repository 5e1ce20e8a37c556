/**
 * Notes for the record (commands/notes.ts): the scope and the window notes are written by the decision log owner or
 * an admin, a side's position by that side's commander or an admin; each change is one history line; writing what
 * is already there changes nothing; typed text has a length limit; `null` clears a note.
 */
import { describe, expect, it } from 'vitest';
import { alertText } from '../../src/alerts/messages.js';
import { Cutover, NOTE_LIMITS } from '../../src/core/schema.js';
import { A, at, refuse, run, seeded, T0, U } from './fixtures.js';

describe('the scope', () => {
  it('the decision log owner states the scope, stamped, with one history line', () => {
    const out = run(seeded(), { type: 'scope.set', text: 'Bilateral checkpoint refresh' }, A.dlo);
    expect(out.cutover.scope).toEqual({
      text: 'Bilateral checkpoint refresh',
      set: { by: U.dlo, at: T0.toISOString() },
    });
    expect(out.events).toMatchObject([{ type: 'note.changed', what: 'scope', change: 'set' }]);
    expect(out.history).toMatchObject([
      { event: { type: 'note.changed', what: 'scope', change: 'set', text: 'Bilateral checkpoint refresh' } },
    ]);
    expect(out.message).toBe('Scope stated.');
  });

  it('only the decision log owner or an admin may state the scope; an admin is marked as such', () => {
    const e = refuse(seeded(), { type: 'scope.set', text: 'x' }, A.pic);
    expect(e.code).toBe('forbidden');
    expect(e.message).toContain('may state the scope');
    const out = run(seeded(), { type: 'scope.set', text: 'x' }, A.admin);
    expect(out.history[0]?.asAdmin).toBe(true);
  });

  it('stating the same scope again changes nothing', () => {
    const c = run(seeded(), { type: 'scope.set', text: 'Phase 7 closure' }, A.dlo).cutover;
    expect(refuse(c, { type: 'scope.set', text: '  Phase 7 closure ' }, A.dlo, at(5))).toMatchObject({
      code: 'unchanged',
      message: 'The scope already reads so.',
    });
  });

  it('a scope is cleared with null, and clearing none changes nothing', () => {
    const c = run(seeded(), { type: 'scope.set', text: 'Phase 7 closure' }, A.dlo).cutover;
    const out = run(c, { type: 'scope.set', text: null }, A.dlo, at(5));
    expect(out.cutover.scope).toBeUndefined();
    expect(out.history[0]?.event).toEqual({
      type: 'note.changed',
      what: 'scope',
      change: 'cleared',
      was: 'Phase 7 closure',
    });
    expect(refuse(seeded(), { type: 'scope.set', text: null }, A.dlo).code).toBe('unchanged');
  });

  it(`a scope has at most ${NOTE_LIMITS.scope} characters, and is not blank`, () => {
    run(seeded(), { type: 'scope.set', text: 'x'.repeat(NOTE_LIMITS.scope) }, A.dlo);
    expect(
      refuse(seeded(), { type: 'scope.set', text: 'x'.repeat(NOTE_LIMITS.scope + 1) }, A.dlo),
    ).toMatchObject({
      code: 'invalid',
      field: 'text',
      message: 'text: the scope has at most 500 characters',
    });
    expect(refuse(seeded(), { type: 'scope.set', text: '   ' }, A.dlo)).toMatchObject({
      code: 'invalid',
      message: 'text: give the scope',
    });
  });
});

describe("a side's position", () => {
  it("a side's commander states its position; positions are kept in the order of the sides", () => {
    let c = run(seeded(), { type: 'position.set', side: 'consumer', text: 'Repin first' }, A.cic).cutover;
    const out = run(
      c,
      { type: 'position.set', side: 'producer', text: 'No additional evidence' },
      A.pic,
      at(1),
    );
    c = out.cutover;
    expect(c.positions.map((p) => [p.side, p.text, p.set.by])).toEqual([
      ['producer', 'No additional evidence', U.pic],
      ['consumer', 'Repin first', U.cic],
    ]);
    expect(out.history).toMatchObject([
      { event: { type: 'note.changed', what: 'position', side: 'producer', change: 'set' } },
    ]);
    expect(out.events).toMatchObject([
      { type: 'note.changed', what: 'position', side: 'producer', change: 'set' },
    ]);
  });

  it("only that side's commander or an admin may state a side's position", () => {
    const e = refuse(seeded(), { type: 'position.set', side: 'producer', text: 'x' }, A.cic);
    expect(e.code).toBe('forbidden');
    expect(e.message).toContain("may state this side's position");
    expect(refuse(seeded(), { type: 'position.set', side: 'producer', text: 'x' }, A.dlo).code).toBe(
      'forbidden',
    );
    expect(
      run(seeded(), { type: 'position.set', side: 'producer', text: 'x' }, A.admin).history[0]?.asAdmin,
    ).toBe(true);
  });

  it('restating a position changes nothing; a new text replaces it; null clears it', () => {
    const c = run(seeded(), { type: 'position.set', side: 'producer', text: 'A' }, A.pic).cutover;
    expect(refuse(c, { type: 'position.set', side: 'producer', text: 'A' }, A.pic).code).toBe('unchanged');
    const moved = run(c, { type: 'position.set', side: 'producer', text: 'B' }, A.pic, at(1));
    expect(moved.cutover.positions).toHaveLength(1);
    expect(moved.history[0]?.event).toMatchObject({ text: 'B', was: 'A' });
    expect(
      run(moved.cutover, { type: 'position.set', side: 'producer', text: null }, A.pic, at(2)).cutover
        .positions,
    ).toEqual([]);
  });

  it('a position for an unknown side is refused, naming the sides', () => {
    expect(refuse(seeded(), { type: 'position.set', side: 'vendor', text: 'x' }, A.admin)).toMatchObject({
      code: 'unknown',
      message: 'There is no side "vendor". Known side ids: producer, consumer.',
    });
  });

  it(`a position has at most ${NOTE_LIMITS.position} characters`, () => {
    expect(
      refuse(
        seeded(),
        { type: 'position.set', side: 'producer', text: 'x'.repeat(NOTE_LIMITS.position + 1) },
        A.pic,
      ).message,
    ).toBe('text: the position has at most 2000 characters');
  });
});

describe('the window notes', () => {
  it('the decision log owner writes the window notes, with a history line; they stay when the window moves', () => {
    const out = run(seeded(), { type: 'window.notes', text: 'Freeze starts an hour before' }, A.dlo);
    expect(out.history).toMatchObject([
      {
        event: {
          type: 'note.changed',
          what: 'window-notes',
          change: 'set',
          text: 'Freeze starts an hour before',
        },
      },
    ]);
    const moved = run(
      out.cutover,
      { type: 'window', start: '2026-03-01T09:00Z', end: '2026-03-01T13:00Z' },
      A.dlo,
      at(1),
    );
    expect(moved.cutover.windowNotes?.text).toBe('Freeze starts an hour before');
  });

  it('only the decision log owner or an admin may write the window notes', () => {
    expect(refuse(seeded(), { type: 'window.notes', text: 'x' }, A.pro).message).toContain(
      'may write the window notes',
    );
  });

  it('writing the same window notes changes nothing', () => {
    const c = run(seeded(), { type: 'window.notes', text: 'x' }, A.dlo).cutover;
    expect(refuse(c, { type: 'window.notes', text: 'x' }, A.dlo).code).toBe('unchanged');
  });

  it(`window notes have at most ${NOTE_LIMITS.windowNotes} characters`, () => {
    expect(
      refuse(seeded(), { type: 'window.notes', text: 'x'.repeat(NOTE_LIMITS.windowNotes + 1) }, A.dlo)
        .message,
    ).toBe('text: the text of the window notes has at most 1000 characters');
  });
});

describe('notes in an older store', () => {
  it('a cutover stored before notes existed still parses, with none', () => {
    const { scope: _s, positions: _p, windowNotes: _w, ...old } = seeded();
    const c = Cutover.parse(old);
    expect(c.positions).toEqual([]);
    expect(c.scope).toBeUndefined();
    expect(c.windowNotes).toBeUndefined();
  });

  it('a second position for one side, or one for an unknown side, is not a valid program', () => {
    const c = seeded();
    const note = { text: 'x', set: { by: U.pic, at: T0.toISOString() } };
    const r = Cutover.safeParse({
      ...c,
      positions: [
        { ...note, side: 'producer' },
        { ...note, side: 'producer' },
        { ...note, side: 'vendor' },
      ],
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.message)).toEqual([
      'a second position for side "producer"',
      'unknown side "vendor"',
    ]);
  });
});

describe('a note written tells the channel', () => {
  it('the alert of a note says whose note was written, with the text written, and mentions nobody to act', () => {
    const c = seeded();
    const outcome = run(c, { type: 'position.set', side: 'consumer', text: 'Repin first' }, A.cic);
    const alert = alertText({ outcome, before: c, actor: A.cic, now: T0 });
    expect(alert.text).toContain(":memo: *AssistSupport's position written*: Repin first");
    const cleared = run(outcome.cutover, { type: 'scope.set', text: 'x' }, A.dlo);
    expect(alertText({ outcome: cleared, before: outcome.cutover, actor: A.dlo, now: T0 }).text).toContain(
      ':memo: *Scope written*: x',
    );
  });
});
