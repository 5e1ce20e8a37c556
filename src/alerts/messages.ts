/**
 * One alert per committed change. Inside the change's store write only its typed outbox item is stored (the core's
 * events, the actor, the time: `composeAlerts`, cheap, no readiness); its text is rendered at delivery
 * (alerts/render.ts) against the program as it stands then (`renderAlertText`).
 *
 * The alert tells what changed (every event of the change), who did it, what it means for the decision
 * ("phase 8 blockers: 2 of 4 open", "runtime-cutover may be GO: no, 5 unmet") and, under "Next:", everyone who
 * owes something now that no alert has asked of them yet (alerts/asked.ts), each with those actions; never what
 * falls on the actor alone. A change that gives nobody anything new to do is a notice and mentions nobody. Who is
 * mentioned
 * comes only from the program's role assignments; nothing here names a side, role or blocker of a particular
 * program. Everything a person typed (titles, reasons, rationales, CI names) is escaped.
 */
import { actorName } from '../core/commands.js';
import { noteSubject } from '../core/history-words.js';
import { lostGoResponders, type Obligation, obligations } from '../core/obligations.js';
import {
  currentTarget,
  gateState,
  nextPhase,
  openBlockers,
  type ReadinessReport,
  readiness,
  sideName,
  signoffFor,
  targetLabel,
} from '../core/readiness.js';
import type { Cutover, DomainEvent } from '../core/schema.js';
import { goWord } from '../format/words.js';
import type { Change } from '../service/cutover-service.js';
import type { AlertItem, OutboxItem, StoreDocument, TallyItem } from '../service/document.js';
import { actionValue } from '../slack/ids.js';
import { obligationButton, obligationLines } from '../slack/views/obligations.js';
import {
  clip,
  esc,
  fold,
  GATE_ICON,
  link,
  mention,
  slackDate,
  who,
  yesOrUnmet,
} from '../slack/views/text.js';
import { actorId, askedKey, askNow, seedLedger } from './asked.js';
import { alertId } from './ids.js';
import { queueAlert, tallyLine } from './tally.js';

/** An alert stays far below Slack's 40,000 characters, so a burst of them folds into one message. */
const ALERT_MAX_CHARS = 4000;

/** A button an alert carries for someone's next action: its label, action id and value (`<program>:<item>`). */
export interface AlertButton {
  text: string;
  actionId: string;
  value: string;
}

/**
 * How long a line of an alert or a reminder may be before it is cut: they fold with `fold(lines, max,
 * ALERT_LINE_MAX)`, so a line that does not fit is counted, not cut, and a mention or a date token is never split.
 */
export const ALERT_LINE_MAX = 2500;
const code = (id: string) => `\`${esc(id)}\``;

/** A person's line shows this many of their actions, then how many more. */
const ACTIONS_SHOWN = 5;
/** The "Next:" block of an alert folds within this, so what happened always has room. */
const NEXT_MAX_CHARS = 2500;

/**
 * Who the alert of `change` asks when it is delivered at once and every obligation owed before the change had been
 * asked already (the calm case): what is owed after the change and was not, by the same holder, before it, never
 * what falls on the actor alone. At delivery the ledger of what was asked stands for "before" (`askNow`).
 */
export function askedAfter(change: Change): Obligation[] {
  const before = new Set(obligations(change.before, reportOf(change.before)).map(askedKey));
  const c = change.outcome.cutover;
  return askNow(obligations(c, reportOf(c)), before, actorId(change.actor)).asked;
}

/**
 * The "Next:" of an alert: the obligations it asks, each holder with those actions, and one button per action
 * asked of a person (naming the program: a click acts on this program).
 */
export function nextLines(
  c: Cutover,
  asked: Obligation[],
): { lines: string[]; mentions: string[]; buttons: AlertButton[] } {
  const buttons = new Map<string, AlertButton>();
  for (const o of asked)
    if (o.holders.length) {
      const b = obligationButton(c, o);
      const value = actionValue(c.id, b.item);
      buttons.set(`${b.actionId} ${value}`, { text: b.text, actionId: b.actionId, value });
    }
  return { ...obligationLines(c, asked, ACTIONS_SHOWN), buttons: [...buttons.values()] };
}

/**
 * The readiness report of a state, computed once per object (states are never changed in place: commands return
 * new ones). Only `alertText` and `askedAfter` of a change need it more than once.
 */
const reports = new WeakMap<Cutover, ReadinessReport>();
function reportOf(c: Cutover): ReadinessReport {
  const known = reports.get(c);
  if (known) return known;
  const r = readiness(c);
  reports.set(c, r);
  return r;
}

const blockerTitle = (c: Cutover, id: string) => {
  const b = c.blockers.find((x) => x.id === id);
  return b ? `${code(b.id)} ${esc(clip(b.title, 200))}` : code(id);
};
const gateTitle = (c: Cutover, id: string) => {
  const g = c.gates.find((x) => x.id === id);
  return g ? `${code(g.id)} ${esc(clip(g.title, 160))}` : code(id);
};

/**
 * What the decision stands at after the change: the blockers of the phases in play and every GO requirement, as the
 * readiness report answers them.
 */
export function meaningLines(c: Cutover, phases: string[], r: ReadinessReport = readiness(c)): string[] {
  const next = nextPhase(c);
  const shown = [...new Set([...phases, ...(next ? [next.id] : [])])];
  const parts: string[] = [];
  for (const id of shown) {
    const p = r.phases.find((x) => x.id === id);
    if (!p) continue;
    const before = r.blockers.filter((b) => b.phase === p.id);
    const open = before.filter((b) => b.status === 'open').length;
    parts.push(`phase ${esc(p.id)} blockers: *${open} of ${before.length} open*`);
    if (p.status === 'not-started')
      parts.push(`phase ${esc(p.id)} may start: ${yesOrUnmet(p.mayStart, p.unmet)}`);
  }
  for (const d of r.decisions) {
    if (!c.decisions.find((x) => x.id === d.id)?.goRequires) continue;
    if (d.status === 'go') parts.push(`${esc(d.id)}: *GO*`);
    else parts.push(`${esc(d.id)} may be GO: ${yesOrUnmet(d.mayBeGo, d.unmet)}`);
  }
  return parts.length ? [`:bar_chart: ${parts.join(' · ')}`] : [];
}

interface Told {
  lines: string[];
  phases: string[];
}

/** One event: its line, and the phases it touches. Who must act is not the event's to say (`nextAfter`). */
function tell(_before: Cutover, c: Cutover, e: DomainEvent): Told {
  switch (e.type) {
    case 'role.assigned': {
      const role = c.roles.find((r) => r.id === e.role);
      const title = role ? `${esc(role.title)} (${code(e.role)})` : code(e.role);
      const now = mention(e.after);
      const was = mention(e.before);
      return {
        lines: [`:bust_in_silhouette: *Role* ${title} is now ${now} (was ${was})`],
        phases: [],
      };
    }
    case 'blocker.added': {
      const b = c.blockers.find((x) => x.id === e.blocker);
      return {
        lines: [
          `:construction: *Blocker opened:* ${blockerTitle(c, e.blocker)}${b ? ` — blocks phase ${esc(b.phase)}` : ''}`,
        ],
        phases: b ? [b.phase] : [],
      };
    }
    case 'blocker.cleared': {
      const b = c.blockers.find((x) => x.id === e.blocker);
      const how = e.derived ? ' _(cleared itself: its facts now hold)_' : '';
      const ev = b?.evidenceUrl && !e.derived ? ` · ${link(b.evidenceUrl, 'evidence')}` : '';
      // The last open blocker of its phase (it was open: it is the one cleared): said in the body, for everyone.
      const last =
        b && openBlockers(c, b.phase).length === 0 ? ` — every phase ${esc(b.phase)} blocker is clear` : '';
      return {
        lines: [`:white_check_mark: *Blocker cleared:* ${blockerTitle(c, e.blocker)}${how}${ev}${last}`],
        phases: b ? [b.phase] : [],
      };
    }
    case 'blocker.reopened': {
      const b = c.blockers.find((x) => x.id === e.blocker);
      const how = e.derived ? ' _(its facts no longer hold)_' : '';
      return {
        lines: [
          `:rotating_light: *Blocker reopened:* ${blockerTitle(c, e.blocker)}${how} — ${esc(clip(e.reason, 400))}`,
        ],
        phases: b ? [b.phase] : [],
      };
    }
    case 'gate.changed': {
      const g = c.gates.find((x) => x.id === e.gate);
      const how = e.derived ? ' _(derived)_' : '';
      const r = g && !e.derived ? gateState(c, g).result : undefined;
      const ev = r?.evidenceUrl ? ` · ${link(r.evidenceUrl, 'evidence')}` : '';
      const run = r?.runUrl ? ` · ${link(r.runUrl, 'run')}` : '';
      const on = e.target ? ` for \`${esc(targetLabel(e.target))}\`` : '';
      return {
        lines: [
          `${GATE_ICON[e.after]} *Gate* ${gateTitle(c, e.gate)}: ${e.before} → *${e.after}*${on}${how}${ev}${run}`,
        ],
        phases: [],
      };
    }
    case 'target.published': {
      const label = esc(targetLabel(e));
      return {
        lines: [`:package: *Release target published:* \`${label}\` — it waits for approval`],
        phases: [],
      };
    }
    case 'target.approved': {
      const label = esc(targetLabel(e));
      return {
        lines: [`:lock: *Release target approved:* \`${label}\` — it is now immutable`],
        phases: [],
      };
    }
    case 'evidence.logged': {
      const ev = c.evidence.find((x) => x.id === e.evidence);
      const t = currentTarget(c);
      return {
        lines: [
          `:paperclip: *Evidence logged:* ${ev ? `${esc(clip(ev.title, 160))} (${code(ev.id)})` : code(e.evidence)} — ${link(e.url)}${t ? ` for \`${esc(targetLabel(t))}\`` : ''}`,
        ],
        phases: [],
      };
    }
    case 'signoff.given': {
      const s = signoffFor(c, e.side);
      const name = esc(sideName(c, e.side));
      const on = s?.target ? ` on \`${esc(targetLabel(s.target))}\`` : '';
      const why = s?.rationale ? ` — ${esc(clip(s.rationale, 400))}` : '';
      const admin = s?.asAdmin ? ' _(as admin)_' : '';
      const icon = e.decision === 'go' ? ':white_check_mark:' : ':no_entry:';
      return {
        lines: [`${icon} *${name} signed ${goWord(e.decision)}*${on}${admin}${why}`],
        phases: [],
      };
    }
    case 'signoff.voided': {
      const name = esc(sideName(c, e.side));
      const reason = esc(clip(e.reason, 400));
      return {
        lines: [`:wastebasket: *${name}'s sign-off was voided:* ${reason}`],
        phases: [],
      };
    }
    case 'decision.changed': {
      const d = c.decisions.find((x) => x.id === e.decision);
      const why = d?.rationale ? ` — ${esc(clip(d.rationale, 400))}` : '';
      const title = d ? `${esc(d.title)} (${code(d.id)})` : code(e.decision);
      return {
        lines: [`:scales: *Decision* ${title}: ${goWord(e.before)} → *${goWord(e.after)}*${why}`],
        phases: [],
      };
    }
    case 'go.lost': {
      const d = c.decisions.find((x) => x.id === e.decision);
      const title = d ? `${esc(d.title)} (${code(d.id)})` : code(e.decision);
      const phases = e.phases
        .map((id) => `${esc(id)} — ${esc(clip(c.phases.find((p) => p.id === id)?.title ?? id, 160))}`)
        .join(', ');
      const how =
        e.how === 'confirmed'
          ? 'confirmed'
          : e.how === 'decided'
            ? 'decided NO-GO'
            : 'reported, not confirmed';
      const why = e.reason ? ` (${how}: ${esc(clip(e.reason, 400))})` : '';
      // Who must act: the core's answer (the rollback owners first, then each side's commander).
      const held = (r: Cutover['roles'][number]) => `${mention(r.assignee)} (${code(r.id)})`;
      const { rollback, commanders } = lostGoResponders(c);
      const act = [
        ...(rollback.length
          ? [`rollback owners ${rollback.map(held).join(', ')}: roll back or hold, now`]
          : []),
        ...(commanders.length
          ? [`incident commanders ${commanders.map(held).join(', ')}: restore the GO or record the NO-GO`]
          : []),
      ];
      return {
        lines: [
          `:rotating_light: *The running cutover lost its GO:* ${title} is *NO-GO* while phase ${phases} is running${why}.${act.length ? ` *Who must act:* ${act.join('; ')}.` : ''}`,
        ],
        phases: e.phases,
      };
    }
    case 'phase.changed': {
      const p = c.phases.find((x) => x.id === e.phase);
      const title = p ? `${esc(p.id)} — ${esc(clip(p.title, 160))}` : esc(e.phase);
      return {
        lines: [`:triangular_flag_on_post: *Phase* ${title}: ${e.before} → *${e.after}*`],
        phases: [e.phase],
      };
    }
    case 'window.set':
      return {
        lines: [`:calendar: *Cutover window set:* ${slackDate(e.start)} – ${slackDate(e.end)}`],
        phases: [],
      };
    case 'window.cleared':
      return {
        lines: [`:calendar: *Cutover window cleared* (it was ${slackDate(e.start)} – ${slackDate(e.end)})`],
        phases: [],
      };
    case 'program.shaped': {
      const item = e.item ? ` ${code(e.item)}` : '';
      const title = e.title ? ` ${esc(clip(e.title, 300))}` : '';
      return {
        lines: [`:hammer_and_wrench: *Program* ${esc(e.what)}${item}${title} ${esc(e.change)}`],
        phases: [],
      };
    }
    case 'note.changed': {
      const what = noteSubject(e, (id) => esc(sideName(c, id)));
      const text = e.change === 'set' && e.text ? `: ${esc(clip(e.text, 1000))}` : ' for the decision record';
      return {
        lines: [`:memo: *${what} ${e.change === 'set' ? 'written' : 'cleared'}*${text}`],
        phases: [],
      };
    }
    case 'program.archived':
      return {
        lines: [`:file_cabinet: *Program archived*${e.reason ? ` — ${esc(clip(e.reason, 400))}` : ''}`],
        phases: [],
      };
    case 'record.reported':
      return {
        lines: [
          `:card_index: *${esc(sideName(c, e.side))} reported the decision record* in ${code(e.repo)} @ ${code(e.commit.slice(0, 12))}`,
        ],
        phases: [],
      };
    case 'program.created':
      return {
        lines: [
          `:rocket: *Program started:* ${esc(clip(c.title, 300))} (${code(c.id)}), from ${esc(clip(e.from, 200))}. Its roles are unassigned: an admin assigns them with \`/cutover role &lt;role-id&gt; @person\`.`,
        ],
        phases: [],
      };
  }
}

/** What an alert tells, as its outbox item stores it: the change's events, by whom, when. */
export type AlertFacts = Pick<AlertItem, 'events' | 'by' | 'asAdmin' | 'createdAt'>;

/**
 * The text of an alert, rendered at delivery against the program as it stands (`c`, its report `r`), asking
 * `asked`; and whom it mentions, and its buttons.
 */
export function renderAlertText(
  c: Cutover,
  alert: AlertFacts,
  asked: Obligation[],
  r: ReadinessReport = readiness(c),
): { text: string; mentions: string[]; buttons: AlertButton[] } {
  const told = alert.events.map((e) => tell(c, c, e));
  const [first, ...rest] = told.flatMap((t) => t.lines);
  const { lines: next, mentions, buttons } = nextLines(c, asked);
  // Who and when, and what it means and who acts, always fit; the events get the rest of the room.
  const tail = [
    `_by ${who(actorName(alert.by))}${alert.asAdmin ? ' (as admin)' : ''} · ${slackDate(alert.createdAt)}_`,
    ...meaningLines(
      c,
      told.flatMap((t) => t.phases),
      r,
    ),
    ...(next.length ? [fold(['*Next:*', ...next], NEXT_MAX_CHARS, ALERT_LINE_MAX)] : []),
  ].join('\n');
  const events = [first ?? ':memo: *Change*', ...rest.map((l) => `→ ${l}`)];
  const head = fold(events, Math.max(500, ALERT_MAX_CHARS - tail.length), ALERT_LINE_MAX);
  // Only who is still named after the folding is mentioned.
  return {
    text: `${head}\n${tail}`,
    mentions: mentions.filter((u) => tail.includes(`• ${mention(u)}`)),
    buttons,
  };
}

/** The text of a tally (tally.ts), rendered at delivery: how many changes of which kinds, then "Next:" as an alert's. */
export function tallyText(
  c: Cutover,
  t: TallyItem,
  asked: Obligation[],
): { text: string; mentions: string[]; buttons: AlertButton[] } {
  const { lines: next, mentions, buttons } = nextLines(c, asked);
  const tail = next.length ? fold(['*Next:*', ...next], NEXT_MAX_CHARS, ALERT_LINE_MAX) : '';
  return {
    text: tail ? `${tallyLine(t)}\n${tail}` : tallyLine(t),
    mentions: mentions.filter((u) => tail.includes(`• ${mention(u)}`)),
    buttons,
  };
}

/**
 * The text of the alert of one committed change as the channel reads it when it is delivered at once, every
 * obligation owed before the change having been asked already (`askedAfter`).
 */
export function alertText(change: Change): { text: string; mentions: string[]; buttons: AlertButton[] } {
  const c = change.outcome.cutover;
  return renderAlertText(c, factsOf(change), askedAfter(change), reportOf(c));
}

const factsOf = (change: Change): AlertFacts => ({
  events: change.outcome.events,
  by: change.actor,
  ...(change.outcome.history.some((h) => h.asAdmin) ? { asAdmin: true } : {}),
  createdAt: change.now.toISOString(),
});

/**
 * The outbox items of one change, typed: one alert to the program's channel, keyed by the program and the change's
 * last history sequence number, holding its events, actor and time (no text: that is rendered at delivery). None
 * for a change without events, nor for a program not bound to a channel yet (bot.ts binds it before any change).
 */
export function composeAlerts(doc: StoreDocument, change: Change): AlertItem[] {
  const channel = doc.cutover.channel;
  // A change the channel need not hear of (only history moved, e.g. a quieter detail): no alert.
  const [head, ...rest] = change.outcome.events;
  if (!head || !channel) return [];
  return [
    {
      id: alertId(doc.cutover.id, doc.history.at(-1)?.seq ?? doc.outbox.length),
      channel,
      kind: 'alert',
      program: doc.cutover.id,
      ...factsOf(change),
      events: [head, ...rest],
      attempts: 0,
      ...(change.actor.kind === 'user' ? { actor: change.actor.userId } : {}),
    },
  ];
}

/**
 * The service's `compose` hook: the change's typed alert joins the outbox in the same write, to the program's
 * channel (or, if the channel is far behind and the change routine, is counted in a tally: tally.ts). It only copies the change's events: nothing here works out readiness or renders text, so the write
 * queue waits on nothing more — but once per program, for its first alerted change, when the ledger of what was
 * asked is seeded from the state before it (`seedLedger`).
 */
export function alertsHook() {
  return (doc: StoreDocument, change: Change): StoreDocument => {
    const items = composeAlerts(doc, change);
    if (!items.length) return doc;
    // Once per program, its first alerted change: what was owed before it counts as asked (asked.ts).
    const asked = doc.asked ?? seedLedger(change.before, change.now.toISOString());
    // A channel far behind counts routine changes instead of telling each (tally.ts).
    const seq = doc.history.at(-1)?.seq ?? doc.outbox.length;
    const outbox = items.reduce<OutboxItem[]>((o, item) => queueAlert(o, item, seq), doc.outbox);
    return { ...doc, outbox, asked };
  };
}
