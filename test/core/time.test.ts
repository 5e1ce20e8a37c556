/** Reading the instants people type: ISO 8601 with an offset, `Z`, or a local time with an IANA `[Zone]`. */
import { describe, expect, it } from 'vitest';
import { isZone, parseInstant, readWindow, spanIn, typedZone } from '../../src/core/time.js';

describe('parseInstant', () => {
  it('an instant with an offset is read as UTC', () => {
    expect(parseInstant('2026-12-01T09:00:00+01:00')).toEqual({ ok: true, iso: '2026-12-01T08:00:00.000Z' });
    expect(parseInstant('2026-12-01T09:00-05:00')).toEqual({ ok: true, iso: '2026-12-01T14:00:00.000Z' });
    expect(parseInstant('2026-12-01T09:00+0530')).toEqual({ ok: true, iso: '2026-12-01T03:30:00.000Z' });
  });

  it('an instant in Z is kept, with seconds and milliseconds', () => {
    expect(parseInstant('2026-12-01T09:00Z')).toEqual({ ok: true, iso: '2026-12-01T09:00:00.000Z' });
    expect(parseInstant(' 2026-12-01T09:00:30.250Z ')).toEqual({ ok: true, iso: '2026-12-01T09:00:30.250Z' });
  });

  it('a local time with a [Zone] suffix is read in that zone, daylight saving included', () => {
    expect(parseInstant('2026-12-01T09:00[Europe/Berlin]')).toEqual({
      ok: true,
      iso: '2026-12-01T08:00:00.000Z',
    });
    expect(parseInstant('2026-07-01T09:00[Europe/Berlin]')).toEqual({
      ok: true,
      iso: '2026-07-01T07:00:00.000Z',
    });
    expect(parseInstant('2026-07-01 09:00:15[America/New_York]')).toEqual({
      ok: true,
      iso: '2026-07-01T13:00:15.000Z',
    });
    expect(parseInstant('2026-12-01T09:00[UTC]')).toEqual({ ok: true, iso: '2026-12-01T09:00:00.000Z' });
  });

  it('an offset followed by a [Zone] (RFC 9557) is read by its offset', () => {
    expect(parseInstant('2026-12-01T09:00+01:00[Europe/Berlin]')).toEqual({
      ok: true,
      iso: '2026-12-01T08:00:00.000Z',
    });
    expect(parseInstant('2026-12-01T09:00+01:00[Mars/Olympus]')).toEqual({
      ok: false,
      reason: '"Mars/Olympus" is not a time zone; use one such as Europe/Berlin',
    });
  });

  it('a time without an offset or zone is refused, saying how to write one', () => {
    for (const s of ['2026-12-01T09:00', '2026-12-01', 'tomorrow 9am', '01/12/2026 09:00+01:00', ''])
      expect(parseInstant(s)).toEqual({
        ok: false,
        reason:
          'use ISO 8601 with an offset or a zone, e.g. 2026-12-01T09:00+01:00 or 2026-12-01T09:00[Europe/Berlin]',
      });
  });

  it('a calendar-impossible date is refused', () => {
    for (const s of ['2026-02-29T09:00Z', '2026-02-30T09:00+01:00', '2026-04-31T10:00Z', '2026-13-01T09:00Z'])
      expect(parseInstant(s)).toEqual({ ok: false, reason: `${s} is not a date on the calendar` });
    expect(parseInstant('2026-02-30T09:00[Europe/Berlin]')).toEqual({
      ok: false,
      reason: '2026-02-30T09:00 is not a date on the calendar',
    });
    expect(parseInstant('2028-02-29T09:00Z')).toEqual({ ok: true, iso: '2028-02-29T09:00:00.000Z' });
  });

  it('an impossible time of day is refused', () => {
    expect(parseInstant('2026-12-01T25:00Z').ok).toBe(false);
    expect(parseInstant('2026-12-01T09:60Z').ok).toBe(false);
  });

  it('an impossible time of day before a [Zone] is refused, not rolled over to a later time', () => {
    for (const local of ['2026-12-01T09:75', '2026-12-01T09:00:61', '2026-12-01T24:00'])
      expect(parseInstant(`${local}[UTC]`)).toEqual({
        ok: false,
        reason: `${local} is not a time of day; hours go to 23, minutes and seconds to 59`,
      });
    expect(parseInstant('2026-12-01T23:59:59[UTC]')).toEqual({ ok: true, iso: '2026-12-01T23:59:59.000Z' });
  });

  it('an unknown zone is refused, naming it', () => {
    expect(parseInstant('2026-12-01T09:00[Mars/Olympus]')).toEqual({
      ok: false,
      reason: '"Mars/Olympus" is not a time zone; use one such as Europe/Berlin',
    });
  });

  it('a zone after something that is not a local time is refused', () => {
    expect(parseInstant('next monday[Europe/Berlin]')).toEqual({
      ok: false,
      reason: 'write the local time as YYYY-MM-DDTHH:MM before the [zone]',
    });
  });

  it('isZone knows IANA zones', () => {
    expect(isZone('Europe/Berlin')).toBe(true);
    expect(isZone('UTC')).toBe(true);
    expect(isZone('Europe/Atlantis')).toBe(false);
  });
});

describe('far-future and far-past instants (issue 10)', () => {
  const outside = (s: string) => ({
    ok: false,
    reason: `${s} is outside the years 1970 to 9999 that a cutover window can use; check the year`,
  });

  it('an instant whose UTC time falls past 9999 is refused with a reason, not left for the store to reject', () => {
    // 23:00 at -05:00 on the last day of 9999 is 04:00 UTC in the year 10000: no four-digit year holds it.
    expect(parseInstant('9999-12-31T23:00-05:00')).toEqual(outside('9999-12-31T23:00-05:00'));
    expect(parseInstant('9999-12-31T23:00[America/New_York]')).toEqual(
      outside('9999-12-31T23:00[America/New_York]'),
    );
    expect(parseInstant('9999-12-31T23:59:59Z')).toEqual({ ok: true, iso: '9999-12-31T23:59:59.000Z' });
  });

  it('an instant before 1970 is refused with the same reason', () => {
    expect(parseInstant('1969-12-31T23:59Z')).toEqual(outside('1969-12-31T23:59Z'));
    expect(parseInstant('0000-01-01T00:00Z')).toEqual(outside('0000-01-01T00:00Z'));
    expect(parseInstant('1970-01-01T00:00Z')).toEqual({ ok: true, iso: '1970-01-01T00:00:00.000Z' });
  });

  it('a year of more than four digits is refused, saying so', () => {
    for (const s of [
      '10000-01-01T00:00Z',
      '+010000-01-01T00:00Z',
      '-000001-01-01T00:00Z',
      '12026-12-01T09:00[UTC]',
    ])
      expect(parseInstant(s)).toEqual({
        ok: false,
        reason: `${s} has a year of more than four digits; a cutover window lies within the years 1970 to 9999`,
      });
  });
});

describe('a window typed as date, time and zone for each end', () => {
  const words = (s: string) => s.split(' ');
  const berlin = { start: 'Europe/Berlin', end: 'Europe/Berlin' };

  it('each end with its date, time and zone is read as that local time in that zone', () => {
    expect(readWindow(words('2026-12-01 09:00 Europe/Berlin 2026-12-01 11:00 Europe/Berlin'))).toEqual({
      ok: true,
      window: {
        start: '2026-12-01T09:00[Europe/Berlin]',
        end: '2026-12-01T11:00[Europe/Berlin]',
        zones: berlin,
      },
    });
    expect(readWindow(words('2026-12-01 09:00 Europe/Berlin 2026-12-01 07:00 America/New_York'))).toEqual({
      ok: true,
      window: {
        start: '2026-12-01T09:00[Europe/Berlin]',
        end: '2026-12-01T07:00[America/New_York]',
        zones: { start: 'Europe/Berlin', end: 'America/New_York' },
      },
    });
  });

  it("the end's date may be left out when it is the start's, and its zone when it is the start's", () => {
    const same = {
      ok: true,
      window: {
        start: '2026-12-01T09:00[Europe/Berlin]',
        end: '2026-12-01T11:00[Europe/Berlin]',
        zones: berlin,
      },
    };
    expect(readWindow(words('2026-12-01 09:00 Europe/Berlin 11:00'))).toEqual(same);
    expect(readWindow(words('2026-12-01 09:00 Europe/Berlin 11:00 Europe/Berlin'))).toEqual(same);
    expect(readWindow(words('2026-12-01 09:00 Europe/Berlin 2026-12-01 11:00'))).toEqual(same);
    expect(readWindow(words('2026-12-01 09:00 Europe/Berlin to 11:00'))).toEqual(same);
    expect(readWindow(words('2026-12-01 9:00 europe/berlin – 11:00'))).toEqual(same);
  });

  it('a zone written once, after the end, holds for both ends', () => {
    expect(readWindow(words('2026-12-01 09:00 11:00 Europe/Berlin'))).toMatchObject({
      ok: true,
      window: { start: '2026-12-01T09:00[Europe/Berlin]', end: '2026-12-01T11:00[Europe/Berlin]' },
    });
    expect(readWindow(words('2026-12-01 22:00 UTC 2026-12-02 02:00'))).toMatchObject({
      ok: true,
      window: { start: '2026-12-01T22:00[UTC]', end: '2026-12-02T02:00[UTC]', zones: { start: 'UTC' } },
    });
  });

  it('an end left without its date that is not after the start asks for the date, not a guess at tomorrow', () => {
    expect(readWindow(words('2026-12-01 22:00 Europe/Berlin 02:00'))).toEqual({
      ok: false,
      reason:
        "02:00 is not after 22:00 on 2026-12-01: give the end's date when the window runs past midnight",
    });
  });

  it("an end in another zone than the start's must give its date: which day it is depends on the zone", () => {
    expect(readWindow(words('2026-12-01 23:00 Europe/Berlin 23:30 UTC'))).toEqual({
      ok: false,
      reason: "give the end's date: it is in UTC, and the start in Europe/Berlin",
    });
  });

  it('the two ISO 8601 instants are read as before, with the zones they name', () => {
    expect(readWindow(['2026-12-01T09:00[Europe/Berlin]', '2026-12-01T11:00[Europe/Berlin]'])).toEqual({
      ok: true,
      window: {
        start: '2026-12-01T09:00[Europe/Berlin]',
        end: '2026-12-01T11:00[Europe/Berlin]',
        zones: berlin,
      },
    });
    expect(readWindow(['2026-12-01T09:00+01:00', '2026-12-01T11:00Z'])).toEqual({
      ok: true,
      window: { start: '2026-12-01T09:00+01:00', end: '2026-12-01T11:00Z' },
    });
  });

  it('what cannot be read is refused, saying what is missing', () => {
    expect(readWindow(words('2026-12-01 09:00 2026-12-01 11:00'))).toEqual({
      ok: false,
      reason: 'give the zone the times are in, such as Europe/Berlin (or UTC)',
    });
    expect(readWindow(words('09:00 Europe/Berlin 11:00'))).toMatchObject({
      ok: false,
      reason: "give the start's date (YYYY-MM-DD) before its time",
    });
    expect(readWindow(words('2026-12-01 09:00 Mars/Olympus 11:00'))).toEqual({
      ok: false,
      reason: '"Mars/Olympus" is not a time zone; use one such as Europe/Berlin',
    });
    expect(readWindow(words('tomorrow 9am'))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('"9am" is not a date'),
    });
    expect(readWindow(words('2026-12-01 09:00 Europe/Berlin'))).toEqual({
      ok: false,
      reason: 'give the start and the end',
    });
    expect(readWindow(words('2026-12-01 09:00 Europe/Berlin 10:00 11:00'))).toEqual({
      ok: false,
      reason: 'give two ends: the start, then the end',
    });
    expect(readWindow(['2026-12-01T09:00Z', '11:00'])).toMatchObject({
      ok: false,
      reason: expect.stringContaining('write both ends alike'),
    });
  });

  it('the zone an instant was typed in is the [Zone] after a local time; an offset names none', () => {
    expect(typedZone('2026-12-01T09:00[Europe/Berlin]')).toBe('Europe/Berlin');
    expect(typedZone('2026-12-01T09:00+01:00[Europe/Berlin]')).toBeUndefined();
    expect(typedZone('2026-12-01T09:00Z')).toBeUndefined();
  });
});

describe('a span told in the zone it was typed in', () => {
  it('one zone and one day: the date once; another day or another zone: each end in full', () => {
    expect(spanIn('2026-12-01T08:00:00.000Z', '2026-12-01T10:00:00.000Z', 'Europe/Berlin')).toBe(
      '2026-12-01 09:00 – 11:00 Europe/Berlin',
    );
    expect(spanIn('2026-12-01T21:00:00.000Z', '2026-12-02T01:00:00.000Z', 'Europe/Berlin')).toBe(
      '2026-12-01 22:00 – 2026-12-02 02:00 Europe/Berlin',
    );
    expect(
      spanIn('2026-12-01T08:00:00.000Z', '2026-12-01T12:00:00.000Z', 'Europe/Berlin', 'America/New_York'),
    ).toBe('2026-12-01 09:00 Europe/Berlin – 2026-12-01 07:00 America/New_York');
  });
});

describe('a window as people type it: zone abbreviations, today and tomorrow, ranges (issue 22)', () => {
  const w = (text: string) => text.split(/\s+/);
  it('a common zone abbreviation is read as its region’s zone, and said back', () => {
    expect(readWindow(w('2026-12-10 09:00 CET 11:00'))).toEqual({
      ok: true,
      window: {
        start: '2026-12-10T09:00[Europe/Paris]',
        end: '2026-12-10T11:00[Europe/Paris]',
        zones: { start: 'Europe/Paris', end: 'Europe/Paris' },
      },
      read: ['CET as Europe/Paris'],
    });
    expect(readWindow(w('2026-12-10 09:00 EST 11:00'))).toMatchObject({
      window: { start: '2026-12-10T09:00[America/New_York]' },
      read: ['EST as America/New_York'],
    });
  });

  it("an abbreviation is read as the program's own zone of that region when a side is in one", () => {
    expect(
      readWindow(w('2026-12-10 09:00 CET 11:00'), { zones: ['Europe/London', 'europe/berlin'] }),
    ).toMatchObject({
      window: { start: '2026-12-10T09:00[Europe/Berlin]' },
      read: ['CET as Europe/Berlin'],
    });
  });

  it('an abbreviation that names several zones is refused, naming them', () => {
    expect(readWindow(w('2026-12-10 09:00 IST 11:00'))).toEqual({
      ok: false,
      reason:
        'IST names more than one zone: write Asia/Kolkata (India), Europe/Dublin (Ireland) or Asia/Jerusalem (Israel)',
    });
  });

  it("today and tomorrow are the person's own days (their Slack zone), said back", () => {
    // 23:30 UTC on 7 December is already 8 December in Tokyo: tomorrow there is the 9th.
    const now = new Date('2026-12-07T23:30:00Z');
    expect(readWindow(w('tomorrow 09:00 Europe/Berlin 11:00'), { now, personZone: 'Asia/Tokyo' })).toEqual({
      ok: true,
      window: {
        start: '2026-12-09T09:00[Europe/Berlin]',
        end: '2026-12-09T11:00[Europe/Berlin]',
        zones: { start: 'Europe/Berlin', end: 'Europe/Berlin' },
      },
      read: ['tomorrow as 2026-12-09 (in your time zone, Asia/Tokyo)'],
      relativeDay: true,
    });
    expect(readWindow(w('today 22:00 UTC 23:00'), { now })).toMatchObject({
      window: { start: '2026-12-07T22:00[UTC]' },
      read: ['today as 2026-12-07 (in UTC)'],
      relativeDay: true,
    });
    // A window with its dates written out is nobody's own day.
    expect(readWindow(w('2026-12-09 09:00 UTC 11:00'), { now })).not.toHaveProperty('relativeDay');
    expect(readWindow(w('tomorrow 09:00 UTC 11:00'))).toEqual({
      ok: false,
      reason: 'write the date as YYYY-MM-DD instead of "tomorrow"',
    });
  });

  it('09:00-11:00 is a start and an end', () => {
    expect(readWindow(w('2026-12-10 09:00-11:00 Europe/Berlin'))).toMatchObject({
      ok: true,
      window: { start: '2026-12-10T09:00[Europe/Berlin]', end: '2026-12-10T11:00[Europe/Berlin]' },
    });
    expect(readWindow(w('2026-12-10 09:00–11:00 CET'))).toMatchObject({
      window: { start: '2026-12-10T09:00[Europe/Paris]', end: '2026-12-10T11:00[Europe/Paris]' },
    });
  });
});
