/**
 * When changes come faster than a channel can be told of them (about one message a second, alerts/batch.ts), the
 * alerts waiting would grow without end, and with them the document every change writes. Past
 * `ALERTS_TOLD_WAITING` alerts waiting in a channel, a routine change (`ROUTINE`: nothing that moves a GO, a
 * sign-off, the target, a phase or the window) is counted in a tally instead of told by itself: the channel's last
 * item if that is a tally not yet tried, else a new one. A change that is not routine is always told by itself.
 * History keeps every change; the tally says how many of which kind, and which history entries they are. Pure.
 */
import type { DomainEvent } from '../core/schema.js';
import type { AlertItem, OutboxItem, TallyItem } from '../service/document.js';
import { slackDate } from '../slack/views/text.js';

/**
 * Alerts waiting in one channel past which a routine change is counted: about two messages' worth (alerts fold
 * into one message of up to 39,000 characters), so the channel is never more than a few seconds behind what it is
 * told one by one.
 */
export const ALERTS_TOLD_WAITING = 100;

/** The events a change may be counted for, rather than told: none moves a GO, a sign-off, the target or a phase. */
const ROUTINE: ReadonlySet<DomainEvent['type']> = new Set([
  'blocker.added',
  'blocker.cleared',
  'blocker.reopened',
  'gate.changed',
  'evidence.logged',
  'note.changed',
  'role.assigned',
  'record.reported',
]);

export const tallyId = (program: string, seq: number) => `tally:${program}:${seq}`;

/** Whether `item` is a tally the next change may still be counted in: never tried, not degraded. */
const open = (item: OutboxItem | undefined): item is TallyItem =>
  item?.kind === 'tally' && item.attempts === 0 && !item.maybePosted && !item.degraded && !item.notBefore;

/** The outbox with the alert of one change (`seq`: its last history entry) queued, or counted. */
export function queueAlert(outbox: readonly OutboxItem[], alert: AlertItem, seq: number): OutboxItem[] {
  if (!alert.events.every((e) => ROUTINE.has(e.type))) return [...outbox, alert];
  let waiting = 0;
  let last = -1;
  for (const [i, o] of outbox.entries()) {
    if (o.channel !== alert.channel) continue;
    last = i;
    if (o.kind === 'alert') waiting++;
  }
  if (waiting < ALERTS_TOLD_WAITING) return [...outbox, alert];
  const type = alert.events[0]?.type ?? 'change';
  const tally = outbox[last];
  if (open(tally)) {
    const counted: TallyItem = {
      ...tally,
      counts: { ...tally.counts, [type]: (tally.counts[type] ?? 0) + 1 },
      seqs: { from: tally.seqs.from, to: seq },
      lastAt: alert.createdAt,
    };
    return outbox.map((o, i) => (i === last ? counted : o));
  }
  const started: TallyItem = {
    id: tallyId(alert.program, seq),
    channel: alert.channel,
    kind: 'tally',
    program: alert.program,
    createdAt: alert.createdAt,
    attempts: 0,
    counts: { [type]: 1 },
    seqs: { from: seq, to: seq },
    lastAt: alert.createdAt,
  };
  return [...outbox, started];
}

/**
 * What is left of a tally once it goes out as it was `told` (rendered): the changes counted in it since, as a tally of
 * their own (a new id: the told one is delivered), or none. `now` is the item as the outbox holds it when it is
 * claimed for posting (alerts/dispatcher.ts).
 */
export function untold(now: OutboxItem, told: OutboxItem | undefined): TallyItem | undefined {
  if (now.kind !== 'tally' || told?.kind !== 'tally' || now.seqs.to === told.seqs.to) return undefined;
  const counts: Record<string, number> = {};
  for (const [type, n] of Object.entries(now.counts)) {
    const left = n - (told.counts[type] ?? 0);
    if (left > 0) counts[type] = left;
  }
  if (!Object.keys(counts).length) return undefined;
  const from = told.seqs.to + 1;
  return {
    id: tallyId(now.program, from),
    channel: now.channel,
    kind: 'tally',
    program: now.program,
    // The first change left was made after the last one told.
    createdAt: told.lastAt,
    attempts: 0,
    counts,
    seqs: { from, to: now.seqs.to },
    lastAt: now.lastAt,
  };
}

const WORDS: Record<string, [string, string]> = {
  'blocker.added': ['blocker added', 'blockers added'],
  'blocker.cleared': ['blocker cleared', 'blockers cleared'],
  'blocker.reopened': ['blocker reopened', 'blockers reopened'],
  'gate.changed': ['gate result', 'gate results'],
  'evidence.logged': ['evidence link logged', 'evidence links logged'],
  'note.changed': ['note written', 'notes written'],
  'role.assigned': ['role assigned', 'roles assigned'],
  'record.reported': ['record report', 'record reports'],
};

/** A list as a sentence: "a", "a and b", "a, b and c". */
const and = (xs: string[]) =>
  xs.length < 2 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`;

/** What a tally tells, in one line: how many changes, of which kinds, when, and where each is. */
export function tallyLine(t: TallyItem): string {
  const counts = Object.entries(t.counts).sort((a, b) => b[1] - a[1]);
  const total = counts.reduce((n, [, k]) => n + k, 0);
  const kinds = counts.map(([type, n]) => {
    const [one, many] = WORDS[type] ?? ['change', 'changes'];
    return `${n} ${n === 1 ? one : many}`;
  });
  const span = t.seqs.from === t.seqs.to ? `#${t.seqs.from}` : `#${t.seqs.from} to #${t.seqs.to}`;
  return `:heavy_plus_sign: *${total} more change${total === 1 ? '' : 's'}*, ${slackDate(t.createdAt)} to ${slackDate(t.lastAt)}, came faster than this channel can be told of them one by one: ${and(kinds)}. \`/cutover history\` lists each (${span}).`;
}
