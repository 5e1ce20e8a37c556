/**
 * Reminders, as a pure function of the stored document and the time: `dueReminders(doc, now)` answers the outbox
 * items due now (to the program's channel) and the keys that mark them sent. The scheduler writes both in ONE store
 * update, so a reminder is never sent twice, across restarts too: once its key is in `doc.reminders` it is not due
 * again. Keys and ids are namespaced by the program (ids.ts); a key stored before, without it, still counts.
 *
 * - Sign-off: a sign-off the core says is owed (`obligations`: no GO on the approved target) `signoffAfterHours`
 *   after the anchor — the approval of that target, or the voiding of the side's sign-off or its NO-GO if that came
 *   later — nudges its commander, once per anchor.
 * - Stale blocker: a manual blocker owed a clearing (`obligations`) left untouched (its `updated` stamp) for `blockerStaleHours` nudges
 *   its owner, at most once every `blockerStaleHours`. A blocker with no stamp (from the program file) is counted
 *   from when the scheduler first saw it.
 * - Window: at each of `windowLeadHours` before the window starts, all roles are told. Leads that had already
 *   passed when the window was set are skipped (the "window set" alert told everyone); if several are due at
 *   once (the bot was down), only the nearest is sent.
 * - Digest: once a day at `digestHour` in `zone`; no mentions; only if the history moved since the previous digest
 *   (the first: if anything happened at all), so a quiet day, or a first start, posts none. A digest missed while
 *   the bot was down goes out when it is back, if that is within 12 hours; otherwise the next day's is the next one.
 * - Quiet hours (`[from, to)` in `zone`) hold back the nudges and the digest until they end (deferred, not
 *   skipped). Window notices are not held: the window is when the teams work, and a T−1 h notice delivered after
 *   the quiet hours could come after the start.
 */
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { type Obligation, obligations } from '../core/obligations.js';
import { approvedTarget, nextPhase, readiness, signoffFor, targetLabel } from '../core/readiness.js';
import type { Cutover, Reminders } from '../core/schema.js';
import { isZone } from '../core/time.js';
import { goWord } from '../format/words.js';
import type { Clock } from '../runtime/clock.js';
import { createWorker, type Worker } from '../runtime/worker.js';
import type { CutoverService } from '../service/cutover-service.js';
import type { DigestItem, OutboxItem, Reminder, ReminderItem, StoreDocument } from '../service/document.js';
import { obligationLines, roleTitle } from '../slack/views/obligations.js';
import { clip, esc, fold, mention, slackDate } from '../slack/views/text.js';
import type { Logger } from './dispatcher.js';
import { reminderId, reminderKey, sentAt } from './ids.js';
import { ALERT_LINE_MAX, meaningLines } from './messages.js';

const HOUR = 3_600_000;
const REMINDER_MAX_CHARS = 3500;

interface DueReminders {
  items: OutboxItem[];
  /** Keys to store in `doc.reminders` with the time: sent (or, for `seen:` keys, first seen). */
  marks: Record<string, string>;
}

const zoneOf = (r: Reminders) => (isZone(r.zone) ? r.zone : 'UTC');

/** Is `now` within the quiet hours `[from, to)` in the reminders' zone? Equal bounds mean none. */
export function isQuiet(r: Reminders, now: Date): boolean {
  if (!r.quietHours) return false;
  const { from, to } = r.quietHours;
  if (from === to) return false;
  const hour = new TZDate(now.getTime(), zoneOf(r)).getHours();
  return from < to ? hour >= from && hour < to : hour >= from || hour < to;
}

/** A digest missed (the bot was down) still goes out this long after it was due; later it waits for the next. */
const DIGEST_GRACE_MS = 12 * HOUR;

/**
 * When the digest of the local day `offset` days from `now`'s is due: at `digestHour`, or when the quiet hours
 * holding that hour end (the digest is deferred, not skipped).
 */
function digestDueOn(r: Reminders, now: Date, offset: number): { at: number; day: string } {
  const zone = zoneOf(r);
  const local = new TZDate(now.getTime(), zone);
  const y = local.getFullYear();
  const m = local.getMonth();
  const d = local.getDate() + offset;
  const slot = new TZDate(y, m, d, r.digestHour, 0, 0, zone);
  const day = format(slot, 'yyyy-MM-dd');
  if (!r.quietHours || !isQuiet(r, slot)) return { at: slot.getTime(), day };
  let end = new TZDate(y, m, d, r.quietHours.to, 0, 0, zone);
  if (end.getTime() <= slot.getTime()) end = new TZDate(y, m, d + 1, r.quietHours.to, 0, 0, zone);
  return { at: end.getTime(), day };
}

/** The latest digest due at or before `now`, and its local day. */
export function latestDigest(r: Reminders, now: Date): { at: number; day: string } | undefined {
  return [0, -1, -2].map((offset) => digestDueOn(r, now, offset)).find((x) => x.at <= now.getTime());
}

const inWords = (ms: number) => {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (minutes < 90) return minutes >= 55 ? 'about 1 hour' : `${minutes} minutes`;
  return `about ${Math.round(minutes / 60)} hours`;
};
const hours = (ms: number) => `${Math.floor(ms / HOUR)} h`;

/** Where the reminders of a program go, and under what ids. */
interface Target {
  program: string;
  channel: string;
}

/** A reminder's outbox item, typed: what it nudges or tells, rendered at delivery (`reminderText`). */
function item(key: string, to: Target, now: Date, reminder: Reminder): ReminderItem {
  return {
    id: reminderId(to.program, key),
    channel: to.channel,
    kind: 'reminder',
    program: to.program,
    reminder,
    createdAt: now.toISOString(),
    attempts: 0,
  };
}

/** A nudge's text: what waits, then who owes it (the core's obligation, rendered as every surface renders it). */
function nudge(c: Cutover, line: string, owed: Obligation[]) {
  const { lines, mentions } = obligationLines(c, owed);
  return { lines: [line, ...lines], mentions };
}

/** Everyone who holds a role, each once with their roles' titles: told of the window, not asked to act. */
function everyone(c: Cutover, why: string): { lines: string[]; mentions: string[] } {
  const by = new Map<string, string[]>();
  for (const r of c.roles) if (r.assignee) by.set(r.assignee, [...(by.get(r.assignee) ?? []), r.id]);
  const lines = [...by].map(
    ([h, roles]) => `• ${mention(h)} (${roles.map((r) => roleTitle(c, r, 40)).join(', ')}): ${why}`,
  );
  const nobody = c.roles.filter((r) => !r.assignee);
  if (nobody.length) lines.push(`• _unassigned:_ ${nobody.map((r) => roleTitle(c, r.id, 40)).join(', ')}`);
  return { lines, mentions: [...by.keys()] };
}

/** The digest's text: where the decision stands, what is open and who owns it, without pinging anyone. */
export function digestLines(c: Cutover, now: Date): string[] {
  const lines = [`:newspaper: *Daily digest — ${esc(clip(c.title, 200))}* · ${slackDate(now.toISOString())}`];
  const r = readiness(c);
  lines.push(...meaningLines(c, [], r));
  for (const d of c.decisions) lines.push(`• ${esc(d.title)} (\`${esc(d.id)}\`): *${goWord(d.status)}*`);
  const phase = nextPhase(c);
  if (phase) {
    const open = c.blockers.filter(
      (b) => b.phase === phase.id && r.blockers.find((x) => x.id === b.id)?.status === 'open',
    );
    lines.push(`*Open blockers before phase ${esc(phase.id)}:* ${open.length ? '' : 'none'}`);
    for (const b of open) lines.push(`• \`${esc(b.id)}\` ${esc(clip(b.title, 160))} — \`${esc(b.owner)}\``);
  }
  const notGreen = r.gates.filter((g) => g.status !== 'green');
  lines.push(`*Gates not green:* ${notGreen.length ? '' : 'none'}`);
  for (const g of notGreen) lines.push(`• \`${esc(g.id)}\`: ${g.status} — \`${esc(g.owner)}\``);
  const t = approvedTarget(c);
  const signed = c.sides.map((s) => {
    const so = signoffFor(c, s.id);
    const state = so
      ? `${goWord(so.decision)}${so.target ? ` on \`${esc(targetLabel(so.target))}\`` : ''}`
      : '_not signed_';
    return `${esc(s.name)}: ${state}`;
  });
  lines.push(`*Sign-offs${t ? ` (target \`${esc(targetLabel(t))}\`)` : ''}:* ${signed.join(' · ')}`);
  lines.push(
    `*Window:* ${c.window ? `${slackDate(c.window.start)} – ${slackDate(c.window.end)}` : '_not set_'}`,
  );
  return lines;
}

/** When the previous digest of this program was marked (under either form of its key), if ever. */
function previousDigest(doc: StoreDocument): number | undefined {
  const ours = `${reminderKey(doc.cutover.id, 'digest:')}`;
  const times = Object.entries(doc.reminders)
    .filter(([k]) => k.startsWith(ours) || k.startsWith('digest:'))
    .map(([, at]) => Date.parse(at))
    .filter((x) => !Number.isNaN(x));
  return times.length ? Math.max(...times) : undefined;
}

/** Has the history anything after `since` (or, with no `since`, anything at all)? */
function happenedSince(doc: StoreDocument, since: number | undefined): boolean {
  const last = doc.history.at(-1);
  if (!last) return false;
  return since === undefined || Date.parse(last.at) > since;
}

/**
 * What is due at `now`: items for the program's channel and the keys that mark them sent. Nothing for a program
 * not bound to a channel yet, nor for an archived one (its reminders stop). Pure.
 */
export function dueReminders(doc: StoreDocument, now: Date): DueReminders {
  const c = doc.cutover;
  if (!c.channel || c.archived) return { items: [], marks: {} };
  const to: Target = { program: c.id, channel: c.channel };
  const r = c.reminders;
  const t = now.getTime();
  const iso = now.toISOString();
  const quiet = isQuiet(r, now);
  const items: OutboxItem[] = [];
  const marks: Record<string, string> = {};
  /** Sent (or first seen) before, under the key of either form (ids.ts); marked under the namespaced one. */
  const sent = (key: string) => sentAt(doc.reminders, c.id, key);
  const mark = (key: string) => {
    marks[reminderKey(c.id, key)] = iso;
  };

  // The cutover window: T − each lead, never held by quiet hours.
  if (c.window) {
    const start = Date.parse(c.window.start);
    const setAt = Date.parse(c.window.set.at);
    const key = (h: number) => `window:${c.window?.start}:${h}h`;
    const passed = [...new Set(r.windowLeadHours)].filter((h) => {
      const due = start - h * HOUR;
      return due >= setAt && due <= t && t < start;
    });
    const unsent = passed.filter((h) => !sent(key(h)));
    if (unsent.length) {
      const nearest = Math.min(...passed);
      if (!sent(key(nearest))) {
        items.push(item(key(nearest), to, now, { type: 'window', start: c.window.start, end: c.window.end }));
      }
      for (const h of unsent) mark(key(h));
    }
  }

  // What the core says is owed now: the sign-offs and the manual blockers are nudged when they have waited.
  const owed = obligations(c);

  // Sign-offs still owed on the approved target, counted from the approval, a voiding or the side's last NO-GO.
  const target = approvedTarget(c);
  if (target?.approved)
    for (const o of owed.filter((x) => x.action === 'signoff')) {
      const side = c.sides.find((x) => x.id === o.item);
      if (!side) continue;
      const s = signoffFor(c, side.id);
      const voided = c.signoffs
        .filter((x) => x.side === side.id && x.voided)
        .map((x) => Date.parse(x.voided?.at ?? ''));
      const since = [Date.parse(target.approved.at), ...voided, ...(s ? [Date.parse(s.at)] : [])];
      const anchor = Math.max(...since.filter((x) => !Number.isNaN(x)));
      if (t < anchor + r.signoffAfterHours * HOUR) continue;
      const key = `signoff:${side.id}:${new Date(anchor).toISOString()}`;
      if (sent(key) || quiet) continue;
      items.push(
        item(key, to, now, {
          type: 'signoff',
          side: side.id,
          target: { tag: target.tag, sha: target.sha },
          approvedAt: target.approved.at,
          anchor: new Date(anchor).toISOString(),
          ...(s ? { standing: s.decision } : {}),
          owed: o,
        }),
      );
      mark(key);
    }

  // Manual blockers left open and untouched.
  const every = r.blockerStaleHours * HOUR;
  for (const o of owed.filter((x) => x.action === 'blocker.clear')) {
    const b = c.blockers.find((x) => x.id === o.item);
    if (!b) continue;
    const seenKey = `seen:blocker:${b.id}`;
    const anchorIso = b.updated?.at ?? sent(seenKey);
    if (!anchorIso) {
      mark(seenKey);
      continue;
    }
    const anchor = Date.parse(anchorIso);
    const period = Math.floor((t - anchor) / every);
    if (period < 1) continue;
    const key = `blocker:${b.id}:${anchorIso}:${period}`;
    if (sent(key) || quiet) continue;
    items.push(item(key, to, now, { type: 'blocker', blocker: b.id, since: anchorIso, owed: o }));
    mark(key);
  }

  // The daily digest, deferred past quiet hours; one missed by more than the grace waits for the next day's. It is
  // sent only if something happened since the previous one (for the first, if anything happened at all); one with
  // nothing to tell is marked all the same, so that it is not sent later in its day when something happens.
  const digest = latestDigest(r, now);
  const digestKey = digest ? `digest:${digest.day}` : '';
  if (digest && t < digest.at + DIGEST_GRACE_MS && !sent(digestKey) && !quiet) {
    if (happenedSince(doc, previousDigest(doc)))
      items.push({
        id: reminderId(c.id, digestKey),
        channel: c.channel,
        kind: 'digest',
        program: c.id,
        day: digest.day,
        createdAt: iso,
        attempts: 0,
      });
    mark(digestKey);
  }

  return { items, marks };
}

/**
 * A reminder's text, rendered at delivery against the program as it stands (`c`); the times it tells are those of
 * when it fell due (`createdAt`). Whom it mentions, for the tests and App Home.
 */
export function reminderText(c: Cutover, item: ReminderItem): { text: string; mentions: string[] } {
  const t = Date.parse(item.createdAt);
  const r = item.reminder;
  const out = (x: { lines: string[]; mentions: string[] }) => ({
    text: fold(x.lines, REMINDER_MAX_CHARS, ALERT_LINE_MAX),
    mentions: x.mentions,
  });
  switch (r.type) {
    case 'window': {
      const start = Date.parse(r.start);
      const told = everyone(c, `the window starts in ${inWords(start - t)}`);
      return out({
        lines: [
          `:alarm_clock: *The cutover window starts ${slackDate(r.start)}* — in ${inWords(start - t)} (ends ${slackDate(r.end)})`,
          ...told.lines,
        ],
        mentions: told.mentions,
      });
    }
    case 'signoff': {
      const name = esc(c.sides.find((x) => x.id === r.side)?.name ?? r.side);
      const state = r.standing ? `has not signed GO (${goWord(r.standing)} stands)` : 'has not signed off';
      return out(
        nudge(
          c,
          `:hourglass: *${name} ${state}* on \`${esc(targetLabel(r.target))}\` — approved ${slackDate(r.approvedAt)}, ${hours(t - Date.parse(r.anchor))} ago: \`/cutover signoff\``,
          [r.owed],
        ),
      );
    }
    case 'blocker': {
      const b = c.blockers.find((x) => x.id === r.blocker);
      const title = b ? ` ${esc(clip(b.title, 200))}` : '';
      return out(
        nudge(
          c,
          `:snail: *Blocker \`${esc(r.blocker)}\`${title} has not moved since ${slackDate(r.since)}* (${hours(t - Date.parse(r.since))}): clear it (\`/cutover blocker clear ${esc(r.blocker)}\`) or say why it waits`,
          [r.owed],
        ),
      );
    }
  }
}

/** The digest's text, rendered at delivery: where the program stands then, stamped when it fell due. */
export const digestText = (c: Cutover, item: DigestItem): string =>
  fold(digestLines(c, new Date(item.createdAt)), REMINDER_MAX_CHARS, ALERT_LINE_MAX);

interface RemindersDeps {
  service: CutoverService;
  clock: Clock;
  /** Woken when reminders join the outbox. */
  dispatcher: { wake(): void };
  logger: Logger;
  /** How often to look (default a minute). */
  tickMs?: number;
}

/**
 * Runs `dueReminders` on the clock: worked out from the program as this process knows it, outside the store's
 * write queue; the write only adds the items and marks not marked meanwhile (another replica, a change), in one
 * store update.
 */
export function createReminders(deps: RemindersDeps): Worker {
  const { service, clock, dispatcher, logger } = deps;
  const tickMs = deps.tickMs ?? 60_000;
  return createWorker({
    clock,
    async pass() {
      const now = clock.now();
      const due = dueReminders(service.document(), now);
      if (!due.items.length && !Object.keys(due.marks).length) return tickMs;
      const added = await service
        .update((doc) => {
          const fresh = (key: string) => doc.reminders[key] === undefined;
          // An item's id is `reminder:` and its mark's key (ids.ts).
          const items = due.items.filter((i) => fresh(i.id.slice('reminder:'.length)));
          const marks = Object.fromEntries(Object.entries(due.marks).filter(([k]) => fresh(k)));
          if (!items.length && !Object.keys(marks).length) return { result: 0 };
          return {
            next: { ...doc, outbox: [...doc.outbox, ...items], reminders: { ...doc.reminders, ...marks } },
            result: items.length,
          };
        })
        .catch((e: unknown) => {
          logger.error('reminders: could not store the due reminders; trying again later', e);
          return 0;
        });
      if (added) dispatcher.wake();
      return tickMs;
    },
    onError: (e) => logger.error('reminders: failed', e),
  });
}
