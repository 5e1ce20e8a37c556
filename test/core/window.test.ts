/**
 * The cutover window's bounds (issue 10): it lies within the years 1970 to 9999, which the store's four-digit years
 * can hold, and it lasts at most 366 days. A window outside them is refused with a reason naming `end` and the fix,
 * and nothing is written.
 */
import { describe, expect, it } from 'vitest';
import { A, refuse, run, seeded, T0, U } from './fixtures.js';

const START = '2026-12-01T09:00:00.000Z';
const DAY = 24 * 3600_000;
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

describe('a cutover window lasts at most 366 days', () => {
  it('a window of exactly 366 days is set; a minute longer is refused at `end`, naming the latest end, and nothing is written', () => {
    const end = plus(START, 366 * DAY);
    expect(run(seeded(), { type: 'window', start: START, end }, A.dlo).cutover.window).toMatchObject({
      start: START,
      end,
    });
    const e = refuse(seeded(), { type: 'window', start: START, end: plus(START, 366 * DAY + 60_000) }, A.dlo);
    expect(e).toMatchObject({ code: 'invalid', field: 'end' });
    expect(e.message).toBe(
      `A cutover window lasts at most 366 days: give an end no later than ${end} (UTC), 366 days after the start.`,
    );
  });

  it('the length is measured between the instants, whatever zones they were typed in', () => {
    // 09:00 in Berlin (UTC+1) to 03:00 New York (UTC-5) a year and a day later: 366 days and no more.
    const ok = run(
      seeded(),
      { type: 'window', start: '2026-12-01T09:00[Europe/Berlin]', end: '2027-12-02T03:00[America/New_York]' },
      A.dlo,
    );
    expect(ok.cutover.window).toMatchObject({
      start: '2026-12-01T08:00:00.000Z',
      end: '2027-12-02T08:00:00.000Z',
    });
    const e = refuse(
      seeded(),
      { type: 'window', start: '2026-12-01T09:00[Europe/Berlin]', end: '2027-12-02T03:01[America/New_York]' },
      A.dlo,
    );
    expect(e).toMatchObject({ code: 'invalid', field: 'end' });
  });

  it('an admin is held to it too', () => {
    expect(
      refuse(seeded(), { type: 'window', start: START, end: '2030-01-01T00:00Z' }, A.admin).message,
    ).toContain('at most 366 days');
  });
});

describe('a cutover window lies within the years 1970 to 9999', () => {
  it('an end past 9999 (in UTC) is refused at `end` with the reason, not as a bug of the bot; the last minute of 9999 is kept', () => {
    const e = refuse(
      seeded(),
      { type: 'window', start: '9999-06-01T09:00Z', end: '9999-12-31T23:00-05:00' },
      A.dlo,
    );
    expect(e).toEqual({
      code: 'invalid',
      field: 'end',
      message:
        'end: 9999-12-31T23:00-05:00 is outside the years 1970 to 9999 that a cutover window can use; check the year',
    });
    const out = run(
      seeded(),
      { type: 'window', start: '9999-06-01T09:00Z', end: '9999-12-31T23:59Z' },
      A.dlo,
      T0,
    );
    expect(out.cutover.window?.end).toBe('9999-12-31T23:59:00.000Z');
  });

  it('a five-digit year is refused at `end`, saying so', () => {
    const e = refuse(seeded(), { type: 'window', start: START, end: '10000-01-01T00:00Z' }, A.dlo);
    expect(e).toMatchObject({ code: 'invalid', field: 'end' });
    expect(e.message).toContain('has a year of more than four digits');
  });
});

describe('the window confirmation speaks the zone it was typed in', () => {
  it('a window typed in Europe/Berlin is confirmed in Berlin time, then in UTC; the stored instants are UTC', () => {
    const out = run(
      seeded(),
      {
        type: 'window',
        start: '2026-12-01T09:00[Europe/Berlin]',
        end: '2026-12-01T11:00[Europe/Berlin]',
        zones: { start: 'Europe/Berlin', end: 'Europe/Berlin' },
      },
      A.dlo,
    );
    expect(out.message).toBe(
      'Cutover window set: 2026-12-01 09:00 – 11:00 Europe/Berlin (2026-12-01 08:00 – 10:00 UTC).',
    );
    expect(out.cutover.window).toMatchObject({
      start: '2026-12-01T08:00:00.000Z',
      end: '2026-12-01T10:00:00.000Z',
    });
  });

  it('ends typed in two zones are each confirmed in their own', () => {
    const out = run(
      seeded(),
      {
        type: 'window',
        start: '2026-12-01T09:00[Europe/Berlin]',
        end: '2026-12-01T07:00[America/New_York]',
        zones: { start: 'Europe/Berlin', end: 'America/New_York' },
      },
      A.dlo,
    );
    expect(out.message).toBe(
      'Cutover window set: 2026-12-01 09:00 Europe/Berlin – 2026-12-01 07:00 America/New_York (2026-12-01 08:00 – 12:00 UTC).',
    );
  });

  it('a window typed in UTC is confirmed once, in UTC', () => {
    const out = run(
      seeded(),
      {
        type: 'window',
        start: '2026-12-01T22:00[UTC]',
        end: '2026-12-02T02:00[UTC]',
        zones: { start: 'UTC', end: 'UTC' },
      },
      A.dlo,
    );
    expect(out.message).toBe('Cutover window set: 2026-12-01 22:00 – 2026-12-02 02:00 UTC.');
  });

  it('a zone that is not one is refused at zones', () => {
    expect(
      refuse(
        seeded(),
        { type: 'window', start: START, end: plus(START, DAY), zones: { start: 'Mars/Olympus', end: 'UTC' } },
        A.dlo,
      ),
    ).toMatchObject({ code: 'invalid', field: 'zones' });
  });
});

describe('window clear', () => {
  const WINDOW = { type: 'window', start: START, end: plus(START, 2 * 3600_000) } as const;

  it('the window is cleared by who may set it, and history says what it was', () => {
    const set = run(seeded(), WINDOW, A.dlo).cutover;
    const out = run(set, { type: 'window.clear' }, A.dlo);
    expect(out.cutover.window).toBeUndefined();
    expect(out.message).toBe(`Cutover window cleared; it was ${START} – ${plus(START, 2 * 3600_000)} (UTC).`);
    expect(out.history).toEqual([
      {
        at: T0.toISOString(),
        by: U.dlo,
        asAdmin: false,
        event: { type: 'window.cleared', start: START, end: plus(START, 2 * 3600_000) },
      },
    ]);
    // The channel is told what the window was.
    expect(out.events).toMatchObject([
      { type: 'window.cleared', start: START, end: plus(START, 2 * 3600_000) },
    ]);
  });

  it('someone who may not set the window may not clear it either', () => {
    const set = run(seeded(), WINDOW, A.dlo).cutover;
    expect(refuse(set, { type: 'window.clear' }, A.pic)).toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('set the cutover window'),
    });
  });

  it('with no window set, clearing is answered as unchanged', () => {
    expect(refuse(seeded(), { type: 'window.clear' }, A.dlo)).toEqual({
      code: 'unchanged',
      message: 'There is no cutover window to clear.',
    });
  });
});
