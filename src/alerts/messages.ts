/**
 * One alert per committed change, composed inside the same store write as the change (so it cannot be lost
 * between the two). Pure: (document after the change, the change) -> outbox items.
 *
 * The alert tells what changed (every event of the change), who did it, what it means for the decision
 * ("phase 8 blockers: 2 of 4 open", "runtime-cutover may be GO: no, 5 unmet") and who must act next. Who is
 * mentioned comes only from the program's role assignments; nothing here names a side, role or blocker of a
 * particular program. Everything a person typed (titles, reasons, rationales, CI names) is escaped.
 */
import { actorName } from '../core/commands.js';
import {
  approvedTarget,
  currentTarget,
  gateState,
  nextPhase,
  openBlockers,
  type ReadinessReport,
  readiness,
  rolesFor,
  sameTarget,
  sideName,
  signoffFor,
  targetLabel,
} from '../core/readiness.js';
import type { Cutover, DomainEvent } from '../core/schema.js';
import type { Change } from '../service/cutover-service.js';
import type { OutboxItem, StoreDocument } from '../service/document.js';
import { clip, esc, fold, GATE_ICON, goWord, link, slackDate, who, yesOrUnmet } from '../slack/views/text.js';
import { alertId } from './ids.js';

/** An alert stays far below Slack's 40,000 characters, so a burst of them folds into one message. */
const ALERT_MAX_CHARS = 4000;

/** Someone who must act: a role, and why. */
export interface Need {
  role: string;
  why: string;
}

/**
 * How long a line of an alert or a reminder may be before it is cut: they fold with `fold(lines, max,
 * ALERT_LINE_MAX)`, so a line that does not fit is counted, not cut, and a mention or a date token is never split.
 */
export const ALERT_LINE_MAX = 2500;
const code = (id: string) => `\`${esc(id)}\``;

/** Every side's commander role, in the program's order. */
const commanderRoles = (c: Cutover) => [...new Set(c.sides.map((s) => s.commanderRole))];
export const allRoles = (c: Cutover) => c.roles.map((r) => r.id);

/**
 * The mention lines for `needs`: one line per person (a person holding several roles is mentioned once). A role
 * with nobody assigned is named as unassigned, and the holder of the program's log owner role is asked instead.
 */
export function mentionLines(c: Cutover, needs: Need[]): { lines: string[]; mentions: string[] } {
  const byPerson = new Map<string, { roles: string[]; whys: string[] }>();
  const nobody: string[] = [];
  const logOwner = c.roles.find((r) => r.id === c.logOwnerRole)?.assignee ?? null;
  const add = (user: string, role: string, why: string) => {
    const entry = byPerson.get(user) ?? { roles: [], whys: [] };
    if (!entry.roles.includes(role)) entry.roles.push(role);
    if (!entry.whys.includes(why)) entry.whys.push(why);
    byPerson.set(user, entry);
  };
  for (const need of needs) {
    const holder = c.roles.find((r) => r.id === need.role)?.assignee ?? null;
    if (holder) add(holder, need.role, need.why);
    else if (logOwner)
      add(
        logOwner,
        c.logOwnerRole,
        `${code(need.role)} is unassigned: assign it, or act for it (${need.why})`,
      );
    else if (!nobody.includes(need.role)) nobody.push(need.role);
  }
  const lines = [...byPerson].map(
    ([user, e]) => `• <@${user}> (${e.roles.map(code).join(', ')}): ${e.whys.join('; ')}`,
  );
  if (nobody.length)
    lines.push(
      `• ${nobody.map(code).join(', ')} ${nobody.length === 1 ? 'is' : 'are'} unassigned, and so is ${code(c.logOwnerRole)}: an admin must assign roles (\`/cutover role &lt;role-id&gt; @person\`)`,
    );
  return { lines, mentions: [...byPerson.keys()] };
}

const blockerTitle = (c: Cutover, id: string) => {
  const b = c.blockers.find((x) => x.id === id);
  return b ? `${code(b.id)} ${esc(clip(b.title, 200))}` : code(id);
};
const gateTitle = (c: Cutover, id: string) => {
  const g = c.gates.find((x) => x.id === id);
  return g ? `${code(g.id)} ${esc(clip(g.title, 160))}` : code(id);
};
const ownerOf = (list: { id: string; owner: string }[], id: string) => list.find((x) => x.id === id)?.owner;

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
  needs: Need[];
  phases: string[];
}

/** One event: its line, who must act, and the phases it touches. */
function tell(before: Cutover, c: Cutover, e: DomainEvent): Told {
  const commanders = commanderRoles(c);
  const everyone = allRoles(c);
  switch (e.type) {
    case 'role.assigned': {
      const role = c.roles.find((r) => r.id === e.role);
      const title = role ? `${esc(role.title)} (${code(e.role)})` : code(e.role);
      const now = e.after ? `<@${e.after}>` : '_unassigned_';
      const was = e.before ? `<@${e.before}>` : '_unassigned_';
      return {
        lines: [`:bust_in_silhouette: *Role* ${title} is now ${now} (was ${was})`],
        needs: e.after ? [{ role: e.role, why: 'this role is now yours' }] : [],
        phases: [],
      };
    }
    case 'blocker.added': {
      const b = c.blockers.find((x) => x.id === e.blocker);
      return {
        lines: [
          `:construction: *Blocker opened:* ${blockerTitle(c, e.blocker)}${b ? ` — blocks phase ${esc(b.phase)}` : ''}`,
        ],
        needs: b ? [{ role: b.owner, why: `clear blocker ${code(b.id)}` }] : [],
        phases: b ? [b.phase] : [],
      };
    }
    case 'blocker.cleared': {
      const b = c.blockers.find((x) => x.id === e.blocker);
      const how = e.derived ? ' _(cleared itself: its facts now hold)_' : '';
      const ev = b?.evidenceUrl && !e.derived ? ` · ${link(b.evidenceUrl, 'evidence')}` : '';
      const needs: Need[] = b ? [{ role: b.owner, why: `your blocker ${code(b.id)} is cleared` }] : [];
      if (b) {
        const wasOpen = openBlockers(before, b.phase).length;
        if (wasOpen > 0 && openBlockers(c, b.phase).length === 0)
          for (const r of commanders)
            needs.push({ role: r, why: `every phase ${esc(b.phase)} blocker is clear` });
      }
      return {
        lines: [`:white_check_mark: *Blocker cleared:* ${blockerTitle(c, e.blocker)}${how}${ev}`],
        needs,
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
        needs: b ? [{ role: b.owner, why: `blocker ${code(b.id)} is open again` }] : [],
        phases: b ? [b.phase] : [],
      };
    }
    case 'gate.changed': {
      const owner = ownerOf(c.gates, e.gate);
      const g = c.gates.find((x) => x.id === e.gate);
      const how = e.derived ? ' _(derived)_' : '';
      const r = g && !e.derived ? gateState(c, g).result : undefined;
      const ev = r?.evidenceUrl ? ` · ${link(r.evidenceUrl, 'evidence')}` : '';
      const run = r?.runUrl ? ` · ${link(r.runUrl, 'run')}` : '';
      const on = e.target ? ` for \`${esc(targetLabel(e.target))}\`` : '';
      const needs: Need[] = owner ? [{ role: owner, why: `gate ${code(e.gate)} is ${e.after}` }] : [];
      if (e.after === 'red')
        for (const r of commanders) needs.push({ role: r, why: `gate ${code(e.gate)} turned red` });
      return {
        lines: [
          `${GATE_ICON[e.after]} *Gate* ${gateTitle(c, e.gate)}: ${e.before} → *${e.after}*${on}${how}${ev}${run}`,
        ],
        needs,
        phases: [],
      };
    }
    case 'target.published': {
      const approvers = rolesFor(c, 'target.approve');
      const label = esc(targetLabel(e));
      return {
        lines: [`:package: *Release target published:* \`${label}\` — it waits for approval`],
        needs: approvers.length
          ? approvers.map((r) => ({
              role: r,
              why: `approve \`${label}\` (\`/cutover target approve ${esc(e.tag)}\`)`,
            }))
          : [{ role: c.logOwnerRole, why: `only an admin may approve \`${label}\`: ask one` }],
        phases: [],
      };
    }
    case 'target.approved': {
      const label = esc(targetLabel(e));
      return {
        lines: [`:lock: *Release target approved:* \`${label}\` — it is now immutable`],
        needs: commanders.map((r) => ({ role: r, why: `sign off on \`${label}\` (\`/cutover signoff\`)` })),
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
        needs: [],
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
      const target = approvedTarget(c);
      const others = c.sides.filter((x) => x.id !== e.side);
      const waiting = others.filter((x) => {
        const o = signoffFor(c, x.id);
        return !(o?.decision === 'go' && target && sameTarget(o.target, target));
      });
      const needs: Need[] = [];
      if (e.decision === 'go' && waiting.length)
        for (const x of waiting)
          needs.push({
            role: x.commanderRole,
            why: `${name} signed GO — waiting on you to sign for ${esc(x.name)} (\`/cutover signoff\`)`,
          });
      else if (e.decision === 'go')
        for (const r of rolesFor(c, 'decide'))
          needs.push({ role: r, why: 'every side has signed GO — record the decision' });
      else
        for (const x of others) needs.push({ role: x.commanderRole, why: `${name} signed NO-GO — read why` });
      return {
        lines: [`${icon} *${name} signed ${goWord(e.decision)}*${on}${admin}${why}`],
        needs,
        phases: [],
      };
    }
    case 'signoff.voided': {
      const name = esc(sideName(c, e.side));
      const reason = esc(clip(e.reason, 400));
      return {
        lines: [`:wastebasket: *${name}'s sign-off was voided:* ${reason}`],
        needs: commanderRoles(c).map((r) => ({
          role: r,
          why: `${name}'s sign-off was voided (${esc(clip(e.reason, 120))})`,
        })),
        phases: [],
      };
    }
    case 'decision.changed': {
      const d = c.decisions.find((x) => x.id === e.decision);
      const why = d?.rationale ? ` — ${esc(clip(d.rationale, 400))}` : '';
      const title = d ? `${esc(d.title)} (${code(d.id)})` : code(e.decision);
      return {
        lines: [`:scales: *Decision* ${title}: ${goWord(e.before)} → *${goWord(e.after)}*${why}`],
        needs: everyone.map((r) => ({ role: r, why: `${code(e.decision)} is now ${goWord(e.after)}` })),
        phases: [],
      };
    }
    case 'phase.changed': {
      const p = c.phases.find((x) => x.id === e.phase);
      const title = p ? `${esc(p.id)} — ${esc(clip(p.title, 160))}` : esc(e.phase);
      return {
        lines: [`:triangular_flag_on_post: *Phase* ${title}: ${e.before} → *${e.after}*`],
        needs: everyone.map((r) => ({ role: r, why: `phase ${esc(e.phase)} is ${e.after}` })),
        phases: [e.phase],
      };
    }
    case 'window.set':
      return {
        lines: [`:calendar: *Cutover window set:* ${slackDate(e.start)} – ${slackDate(e.end)}`],
        needs: everyone.map((r) => ({ role: r, why: 'the cutover window is set' })),
        phases: [],
      };
    case 'window.cleared':
      return {
        lines: [`:calendar: *Cutover window cleared* (it was ${slackDate(e.start)} – ${slackDate(e.end)})`],
        needs: [],
        phases: [],
      };
    case 'program.shaped': {
      const item = e.item ? ` ${code(e.item)}` : '';
      const title = e.title ? ` ${esc(clip(e.title, 300))}` : '';
      return {
        lines: [`:hammer_and_wrench: *Program* ${esc(e.what)}${item}${title} ${esc(e.change)}`],
        needs: [],
        phases: [],
      };
    }
    case 'note.changed': {
      const what =
        e.what === 'scope'
          ? 'Scope'
          : e.what === 'window-notes'
            ? 'Window notes'
            : `${esc(sideName(c, e.side ?? ''))}'s position`;
      return {
        lines: [`:memo: *${what} ${e.change === 'set' ? 'written' : 'cleared'}* for the decision record`],
        needs: [],
        phases: [],
      };
    }
    case 'program.archived':
      return {
        lines: [`:file_cabinet: *Program archived*${e.reason ? ` — ${esc(clip(e.reason, 400))}` : ''}`],
        needs: everyone.map((r) => ({ role: r, why: 'the program is archived' })),
        phases: [],
      };
    case 'program.created':
      return {
        lines: [
          `:rocket: *Program started:* ${esc(clip(c.title, 300))} (${code(c.id)}), from ${esc(clip(e.from, 200))}. Its roles are unassigned: an admin assigns them with \`/cutover role &lt;role-id&gt; @person\`.`,
        ],
        needs: [],
        phases: [],
      };
  }
}

/** The text of the alert for one committed change, and whom it mentions. */
export function alertText(change: Change): { text: string; mentions: string[] } {
  const c = change.outcome.cutover;
  const told = change.outcome.events.map((e) => tell(change.before, c, e));
  const asAdmin = change.outcome.history.some((h) => h.asAdmin);
  const [first, ...rest] = told.flatMap((t) => t.lines);
  const { lines: next, mentions } = mentionLines(
    c,
    told.flatMap((t) => t.needs),
  );
  // Who and when, and what it means and who acts, always fit; the events get the rest of the room.
  const tail = [
    `_by ${who(actorName(change.actor))}${asAdmin ? ' (as admin)' : ''} · ${slackDate(change.now.toISOString())}_`,
    ...meaningLines(
      c,
      told.flatMap((t) => t.phases),
    ),
    ...(next.length ? ['*Next:*', ...next] : []),
  ].join('\n');
  const events = [first ?? `:memo: ${esc(change.outcome.message)}`, ...rest.map((l) => `→ ${l}`)];
  const head = fold(events, Math.max(500, ALERT_MAX_CHARS - tail.length), ALERT_LINE_MAX);
  return { text: `${head}\n${tail}`, mentions };
}

/**
 * The outbox items of one change: one alert to the program's channel, keyed by the program and the change's last
 * history sequence number. None for a program not bound to a channel yet (bot.ts binds it before any change).
 */
export function composeAlerts(doc: StoreDocument, change: Change): OutboxItem[] {
  const channel = doc.cutover.channel;
  // A change the channel need not hear of (only history moved, e.g. a quieter detail): no alert.
  if (change.outcome.events.length === 0 || !channel) return [];
  const { text, mentions } = alertText(change);
  return [
    {
      id: alertIdOf(doc),
      channel,
      kind: 'alert',
      text,
      mentions,
      createdAt: change.now.toISOString(),
      attempts: 0,
      ...actorOf(change),
    },
  ];
}

const alertIdOf = (doc: StoreDocument) =>
  alertId(doc.cutover.id, doc.history.at(-1)?.seq ?? doc.outbox.length);

/** Who to tell if the alert cannot be posted: the Slack user who made the change (not CI, not the bot). */
const actorOf = (change: Change): { actor?: string } =>
  change.actor.kind === 'user' ? { actor: change.actor.userId } : {};

/**
 * The service's `compose` hook: the change's alerts join the outbox in the same write, to the program's channel. A
 * bug here must not turn a committed change into an error for the person, so a failure falls back to a plain alert
 * from the history.
 */
export function alertsHook(log: (msg: string, e: unknown) => void = console.error) {
  return (doc: StoreDocument, change: Change): StoreDocument => {
    const channel = doc.cutover.channel;
    if (change.outcome.events.length === 0 || !channel) return doc;
    let items: OutboxItem[];
    try {
      items = composeAlerts(doc, change);
    } catch (e) {
      log('composing the alert failed; a plain one is sent instead', e);
      const lines = change.outcome.history.map(
        (h) => `${esc(h.action)} ${esc(h.subject)}: ${esc(h.before)} → ${esc(h.after)}`,
      );
      items = [
        {
          id: alertIdOf(doc),
          channel,
          kind: 'alert',
          text: fold(
            [`:memo: *Change* by ${who(actorName(change.actor))}`, ...lines],
            ALERT_MAX_CHARS,
            ALERT_LINE_MAX,
          ),
          mentions: [],
          createdAt: change.now.toISOString(),
          attempts: 0,
          ...actorOf(change),
        },
      ];
    }
    return { ...doc, outbox: [...doc.outbox, ...items] };
  };
}
