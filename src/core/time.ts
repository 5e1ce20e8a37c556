/** Reading the instants people type. Pure: no clock. */
import { TZDate } from '@date-fns/tz';

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

/** Zones found valid: building an `Intl.DateTimeFormat` to check one costs far more than the lookup (a few hundred names at most). */
const validZones = new Set<string>();

export function isZone(zone: string): boolean {
  if (validZones.has(zone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    return false;
  }
  validZones.add(zone);
  return true;
}

/**
 * An ISO 8601 instant with an offset (`2026-12-01T09:00:00+01:00`, `…Z`) or a local time with an IANA zone
 * in brackets (`2026-12-01T09:00[Europe/Berlin]`). Returns the instant as a UTC ISO string, or a reason.
 */
export function parseInstant(text: string): { ok: true; iso: string } | { ok: false; reason: string } {
  // ISO 8601's expanded years (`+010000-…`, `10000-…`) are no typing a window needs: say so, not "use ISO 8601".
  if (/^\s*(?:[+-]\d{4,}|\d{5,})-/.test(text))
    return {
      ok: false,
      reason: `${text.trim()} has a year of more than four digits; a cutover window lies within the years 1970 to 9999`,
    };
  const r = parseAnyInstant(text);
  if (!r.ok) return r;
  const ms = Date.parse(r.iso);
  if (Number.isNaN(ms) || ms < EARLIEST || ms > LATEST)
    return {
      ok: false,
      reason: `${text.trim()} is outside the years 1970 to 9999 that a cutover window can use; check the year`,
    };
  return r;
}

/** The instants a window may use: from 1970 up to the end of 9999 (ISO 8601's four-digit years), in UTC. */
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** The longest a cutover window may last. */
export const MAX_WINDOW_DAYS = 366;

function parseAnyInstant(text: string): { ok: true; iso: string } | { ok: false; reason: string } {
  const s = text.trim();
  const zoned = /^(.*)\[([^\]]+)\]$/.exec(s);
  // RFC 9557: an offset followed by a [zone] names the instant by its offset; the zone is a label.
  if (zoned && /(Z|[+-]\d{2}:?\d{2})$/i.test(zoned[1] ?? '')) {
    if (!isZone(zoned[2] ?? ''))
      return { ok: false, reason: `"${zoned[2]}" is not a time zone; use one such as Europe/Berlin` };
    return parseAnyInstant(zoned[1] ?? '');
  }
  if (zoned) {
    const [, local = '', zone = ''] = zoned;
    if (!isZone(zone))
      return { ok: false, reason: `"${zone}" is not a time zone; use one such as Europe/Berlin` };
    const m = LOCAL.exec(local);
    if (!m) return { ok: false, reason: 'write the local time as YYYY-MM-DDTHH:MM before the [zone]' };
    const [y, mo, d, h, mi, sec] = m.slice(1).map((v) => Number(v ?? 0)) as number[];
    // TZDate rolls 09:75 over to 10:15; a time of day out of range is a typing mistake, not a later time.
    if ((h ?? 0) > 23 || (mi ?? 0) > 59 || (sec ?? 0) > 59)
      return {
        ok: false,
        reason: `${local} is not a time of day; hours go to 23, minutes and seconds to 59`,
      };
    const date = new TZDate(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, sec ?? 0, zone);
    if (date.getMonth() !== (mo ?? 1) - 1 || date.getDate() !== d)
      return { ok: false, reason: `${local} is not a date on the calendar` };
    return { ok: true, iso: new Date(date.getTime()).toISOString() };
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(s))
    return {
      ok: false,
      reason:
        'use ISO 8601 with an offset or a zone, e.g. 2026-12-01T09:00+01:00 or 2026-12-01T09:00[Europe/Berlin]',
    };
  const ms = Date.parse(s);
  if (Number.isNaN(ms)) return { ok: false, reason: `${s} is not a date on the calendar` };
  const day = Number(s.slice(8, 10));
  const probe = new Date(Date.UTC(Number(s.slice(0, 4)), Number(s.slice(5, 7)) - 1, day));
  if (probe.getUTCDate() !== day) return { ok: false, reason: `${s} is not a date on the calendar` };
  return { ok: true, iso: new Date(ms).toISOString() };
}

// ---------------------------------------------------------------- a window as people type it, in words

/** What a window's two ends were typed as: instants the Command reads, and the zone each end was typed in. */
export type TypedWindow = { start: string; end: string; zones?: { start: string; end: string } };

type End = { date?: string; time?: string; zone?: string; whole?: string; relative?: string };

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{1,2}:\d{2}(?::\d{2})?$/;
const LOCAL_ISO = /^(\d{4}-\d{2}-\d{2})T(\d{1,2}:\d{2}(?::\d{2})?)$/;
/** Words between the two ends that say "until". */
const UNTIL = new Set(['to', 'until', '-', '–', '—', '..']);

/** A zone as people write it: an IANA name (`Europe/Berlin`), or UTC. */
const zoneOf = (word: string) => {
  if (/^(utc|z|gmt)$/i.test(word)) return 'UTC';
  return word.includes('/') && isZone(word) ? canonicalZone(word) : undefined;
};

const CENTRAL = [
  'Europe/Paris',
  'Europe/Berlin',
  'Europe/Amsterdam',
  'Europe/Brussels',
  'Europe/Madrid',
  'Europe/Rome',
  'Europe/Vienna',
  'Europe/Zurich',
  'Europe/Stockholm',
  'Europe/Oslo',
  'Europe/Copenhagen',
  'Europe/Warsaw',
  'Europe/Prague',
  'Europe/Budapest',
  'Europe/Luxembourg',
];
const EASTERN_EU = [
  'Europe/Athens',
  'Europe/Helsinki',
  'Europe/Bucharest',
  'Europe/Sofia',
  'Europe/Kyiv',
  'Europe/Riga',
  'Europe/Tallinn',
  'Europe/Vilnius',
];
const zones = (zone: string, family: string[] = [zone]) => ({ zone, family });
/**
 * Common zone abbreviations, each read as one IANA zone: the first of its family, or a zone of that family the
 * program's sides are in (`CET` is Europe/Paris, or Europe/Berlin for a side in Berlin). Said back to the person.
 * An abbreviation is a region's zone, summer time included: `CET` on a July date is Central European summer time.
 */
const ABBREVIATIONS: Record<string, { zone: string; family: string[] }> = {
  CET: zones('Europe/Paris', CENTRAL),
  CEST: zones('Europe/Paris', CENTRAL),
  MEZ: zones('Europe/Berlin', CENTRAL),
  MESZ: zones('Europe/Berlin', CENTRAL),
  WET: zones('Europe/Lisbon', ['Europe/Lisbon', 'Atlantic/Canary']),
  WEST: zones('Europe/Lisbon', ['Europe/Lisbon', 'Atlantic/Canary']),
  BST: zones('Europe/London'),
  EET: zones('Europe/Athens', EASTERN_EU),
  EEST: zones('Europe/Athens', EASTERN_EU),
  MSK: zones('Europe/Moscow'),
  EST: zones('America/New_York', ['America/New_York', 'America/Toronto', 'America/Detroit']),
  EDT: zones('America/New_York', ['America/New_York', 'America/Toronto', 'America/Detroit']),
  CST: zones('America/Chicago', ['America/Chicago', 'America/Winnipeg']),
  CDT: zones('America/Chicago', ['America/Chicago', 'America/Winnipeg']),
  MST: zones('America/Denver', ['America/Denver', 'America/Edmonton']),
  MDT: zones('America/Denver', ['America/Denver', 'America/Edmonton']),
  PST: zones('America/Los_Angeles', ['America/Los_Angeles', 'America/Vancouver']),
  PDT: zones('America/Los_Angeles', ['America/Los_Angeles', 'America/Vancouver']),
  JST: zones('Asia/Tokyo'),
  KST: zones('Asia/Seoul'),
  SGT: zones('Asia/Singapore'),
  HKT: zones('Asia/Hong_Kong'),
  AEST: zones('Australia/Sydney', ['Australia/Sydney', 'Australia/Melbourne']),
  AEDT: zones('Australia/Sydney', ['Australia/Sydney', 'Australia/Melbourne']),
  NZST: zones('Pacific/Auckland'),
  NZDT: zones('Pacific/Auckland'),
};
/** Abbreviations that name several zones: refused, naming them. */
const AMBIGUOUS: Record<string, string> = {
  IST: 'Asia/Kolkata (India), Europe/Dublin (Ireland) or Asia/Jerusalem (Israel)',
  AST: 'America/Halifax (Atlantic) or Asia/Riyadh (Arabia)',
};

/** An abbreviation read as its zone, preferring one of `prefer` (the program's zones) in its family. */
function abbreviated(word: string, prefer: readonly string[]): string | undefined {
  const a = ABBREVIATIONS[word.toUpperCase()];
  if (!a || word !== word.toUpperCase()) return undefined;
  return prefer.map((z) => (isZone(z) ? canonicalZone(z) : z)).find((z) => a.family.includes(z)) ?? a.zone;
}

/** What a window was read with, besides its own words: the person's zone and the time now, the program's zones. */
export interface WindowContext {
  /** Now, for `today` and `tomorrow`. */
  now?: Date;
  /** The person's own zone (Slack's users.info `tz`): `today` and `tomorrow` are theirs. */
  personZone?: string;
  /** The program's sides' zones: an abbreviation is read as one of them when it is of its family. */
  zones?: readonly string[];
}

const dateIn = (at: Date, zone: string, days = 0) => {
  const d = new TZDate(at.getTime(), zone);
  d.setDate(d.getDate() + days);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
};
const RELATIVE: Record<string, number> = { today: 0, tomorrow: 1 };

/** A zone as the IANA database spells it (`europe/berlin` → `Europe/Berlin`). */
export const canonicalZone = (zone: string) =>
  new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
const pad = (time: string) => (time.length === 4 || /^\d:/.test(time) ? `0${time}` : time);

/**
 * The window's ends from the words typed after `/cutover window`:
 * - two ISO 8601 instants (`2026-12-01T09:00+01:00`, `2026-12-01T09:00[Europe/Berlin]`, `…Z`), as before;
 * - each end as date, time and zone: `2026-12-01 09:00 Europe/Berlin 2026-12-01 11:00 Europe/Berlin`; the end's
 *   date may be left out when it is the start's, in the start's zone (`2026-12-01 09:00 Europe/Berlin 11:00`), and a zone written once
 *   holds for both ends (`2026-12-01 09:00 11:00 Europe/Berlin`). `to` (or `–`) may stand between the ends.
 * Each word is a date, a time or a zone by its shape alone, so the reading is never a guess.
 */
export function readWindow(
  typed: string[],
  context: WindowContext = {},
):
  | {
      ok: true;
      window: TypedWindow;
      read?: string[];
      /** `today` or `tomorrow` was typed: the day is the person's, read in their zone when it is known. */
      relativeDay?: true;
    }
  | { ok: false; reason: string } {
  // `09:00-11:00` is a start and an end.
  const words = typed.flatMap((w) => {
    const range = /^(\d{1,2}:\d{2})(-|–|—)(\d{1,2}:\d{2})$/.exec(w.trim());
    return range ? [range[1] ?? '', '-', range[3] ?? ''] : [w];
  });
  const read: string[] = [];
  const ends: End[] = [{}];
  let cur = ends[0] as End;
  const next = () => {
    cur = {};
    ends.push(cur);
  };
  for (const raw of words) {
    const w = raw.trim();
    if (UNTIL.has(w.toLowerCase())) {
      if (ends.length > 1 || !Object.keys(cur).length)
        return { ok: false, reason: `"${w}" stands between the start and the end, once` };
      next();
      continue;
    }
    const local = LOCAL_ISO.exec(w);
    const short = abbreviated(w, context.zones ?? []);
    const zone = zoneOf(w) ?? short;
    if (short) read.push(`${w} as ${short}`);
    const ambiguous = AMBIGUOUS[w.toUpperCase()];
    if (ambiguous && w === w.toUpperCase())
      return { ok: false, reason: `${w} names more than one zone: write ${ambiguous}` };
    if (RELATIVE[w.toLowerCase()] !== undefined) {
      if (cur.date || cur.time || cur.whole) next();
      cur.relative = w.toLowerCase();
      cur.date = w.toLowerCase();
    } else if (DATE.test(w) || local) {
      if (cur.date || cur.time || cur.whole) next();
      cur.date = local ? local[1] : w;
      if (local) cur.time = local[2];
    } else if (TIME.test(w)) {
      if (cur.time || cur.whole) next();
      cur.time = w;
    } else if (zone) {
      if (!cur.time || cur.zone)
        return { ok: false, reason: `the zone ${w} comes after a time it belongs to` };
      cur.zone = zone;
    } else if (/^\d{4,}-\d{2}-\d{2}T/.test(w) || /^[+-]\d{4,}-/.test(w)) {
      if (Object.keys(cur).length) next();
      cur.whole = w;
    } else if (/^[A-Za-z_]+\/[A-Za-z_/+-]+$/.test(w))
      return { ok: false, reason: `"${w}" is not a time zone; use one such as Europe/Berlin` };
    else
      return {
        ok: false,
        reason: `"${w}" is not a date (YYYY-MM-DD), a time (HH:MM) or a zone (such as Europe/Berlin)`,
      };
    if (ends.length > 2) return { ok: false, reason: 'give two ends: the start, then the end' };
  }
  const [a, b] = ends;
  if (!a || !b || !Object.keys(b).length) return { ok: false, reason: 'give the start and the end' };
  if (a.whole && b.whole) {
    const zs = typedZone(a.whole);
    const ze = typedZone(b.whole);
    return {
      ok: true,
      window: { start: a.whole, end: b.whole, ...(zs && ze ? { zones: { start: zs, end: ze } } : {}) },
    };
  }
  if (a.whole || b.whole)
    return {
      ok: false,
      reason: 'write both ends alike: each as date, time and zone, or each as one ISO 8601 instant',
    };
  if (!a.date) return { ok: false, reason: "give the start's date (YYYY-MM-DD) before its time" };
  if (!a.time) return { ok: false, reason: `give the start's time (HH:MM) after ${a.date}` };
  if (!b.time) return { ok: false, reason: `give the end's time (HH:MM)` };
  const startZone = a.zone ?? b.zone;
  const endZone = b.zone ?? a.zone;
  if (!startZone || !endZone)
    return { ok: false, reason: 'give the zone the times are in, such as Europe/Berlin (or UTC)' };
  // `today` and `tomorrow` are the person's (their Slack zone), else the zone the window is typed in.
  for (const [end, zone] of [
    [a, startZone],
    [b, endZone],
  ] as const) {
    if (!end.relative) continue;
    if (!context.now)
      return { ok: false, reason: `write the date as YYYY-MM-DD instead of "${end.relative}"` };
    const theirs =
      context.personZone && isZone(context.personZone) ? canonicalZone(context.personZone) : undefined;
    end.date = dateIn(context.now, theirs ?? zone, RELATIVE[end.relative] ?? 0);
    read.push(`${end.relative} as ${end.date} (${theirs ? `in your time zone, ${theirs}` : `in ${zone}`})`);
  }
  // "The same day" is a day in one zone: with the end in another, its date is not the start's to lend.
  if (!b.date && startZone !== endZone)
    return { ok: false, reason: `give the end's date: it is in ${endZone}, and the start in ${startZone}` };
  const endDate = b.date ?? a.date;
  if (!b.date && startZone === endZone && pad(b.time) <= pad(a.time))
    return {
      ok: false,
      reason: `${b.time} is not after ${a.time} on ${a.date}: give the end's date when the window runs past midnight`,
    };
  return {
    ok: true,
    window: {
      start: `${a.date}T${pad(a.time)}[${startZone}]`,
      end: `${endDate}T${pad(b.time)}[${endZone}]`,
      zones: { start: startZone, end: endZone },
    },
    ...(read.length ? { read } : {}),
    ...(a.relative || b.relative ? { relativeDay: true as const } : {}),
  };
}

/** The zone an instant was typed in, when it was typed with a `[Zone]` (and no offset). */
export function typedZone(text: string): string | undefined {
  const m = /^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\[([^\]]+)\]$/.exec(text.trim());
  return m?.[1] && isZone(m[1]) ? canonicalZone(m[1]) : undefined;
}

const localParts = (iso: string, zone: string) => {
  const d = new TZDate(Date.parse(iso), zone);
  const two = (n: number) => String(n).padStart(2, '0');
  return {
    date: `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`,
    time: `${two(d.getHours())}:${two(d.getMinutes())}${d.getSeconds() ? `:${two(d.getSeconds())}` : ''}`,
  };
};

/**
 * A span as people read it in the zones it was typed in: `2026-12-01 09:00 – 11:00 Europe/Berlin`,
 * `2026-12-01 22:00 – 2026-12-02 02:00 UTC`, or each end with its own zone when they differ.
 */
export function spanIn(start: string, end: string, startZone: string, endZone = startZone): string {
  const s = localParts(start, startZone);
  const e = localParts(end, endZone);
  if (startZone !== endZone) return `${s.date} ${s.time} ${startZone} – ${e.date} ${e.time} ${endZone}`;
  return `${s.date} ${s.time} – ${e.date === s.date ? '' : `${e.date} `}${e.time} ${startZone}`;
}
