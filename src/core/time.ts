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
