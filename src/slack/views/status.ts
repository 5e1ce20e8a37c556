/**
 * `/cutover status`: the whole state in one message, within Slack's limits however large the program —
 * a fixed number of blocks, each section folded to 3000 characters.
 */
import type { types } from '@slack/bolt';
import { type Obligation, obligations } from '../../core/obligations.js';
import {
  currentEvidence,
  currentTarget,
  nextPhase,
  type ReadinessReport,
  readiness,
  sideName,
  signoffFor,
  staleEvidence,
  targetLabel,
} from '../../core/readiness.js';
import type { Cutover, Signoff } from '../../core/schema.js';
import { commitLabel, goWord } from '../../format/words.js';
import { uniqueActionIds } from '../block-ids.js';
import { actionValue } from '../ids.js';
import { obligationButton, roleTitle, roleWithHolder } from './obligations.js';
import {
  clip,
  esc,
  GATE_ICON,
  link,
  mention,
  plainLine,
  section,
  slackDate,
  titled,
  who,
  yesOrUnmet,
} from './text.js';
import { unmetNames } from './unmet.js';

type KnownBlock = types.KnownBlock;

const PHASE_WORD = { 'not-started': 'Not started', started: '*Started*', closed: 'Closed' } as const;

/** A role as the status shows it: its title, who holds it (a mention, or _unassigned_) and its id. */
const owner = (c: Cutover, roleId: string) => `${roleWithHolder(c, roleId)} (${esc(roleId)})`;

export function decisionLines(c: Cutover): string[] {
  return c.decisions.map((d) => {
    const why = d.rationale ? ` — ${esc(clip(d.rationale, 300))}` : '';
    return `• ${esc(d.title)} (\`${esc(d.id)}\`): *${goWord(d.status)}*${why}`;
  });
}

export function phaseLines(c: Cutover, r: ReadinessReport = readiness(c)): string[] {
  return c.phases.map((p) => {
    const gate = p.status === 'not-started' ? r.phases.find((x) => x.id === p.id) : undefined;
    const wait = gate && !gate.mayStart ? ` — ${gate.unmet.length} unmet` : '';
    return `• Phase ${esc(p.id)} — ${esc(clip(p.title, 120))}: ${PHASE_WORD[p.status]}${wait}`;
  });
}

/** The blockers of a phase, each with its state as the readiness report reads it. */
const blockersBefore = (c: Cutover, r: ReadinessReport, phaseId: string) =>
  c.blockers.flatMap((b) => {
    const s = r.blockers.find((x) => x.id === b.id);
    return b.phase === phaseId && s ? [{ b, s }] : [];
  });

export function blockerLines(c: Cutover, phaseId: string, r: ReadinessReport = readiness(c)): string[] {
  return blockersBefore(c, r, phaseId).map(({ b, s }) => {
    const icon = s.status === 'open' ? ':red_circle:' : ':white_check_mark:';
    const kind = b.derived ? ' _(derived)_' : '';
    const items = b.items.map((i) => `\n      ◦ ${esc(clip(i, 200))}`).join('');
    const ev = b.evidenceUrl ? ` · ${link(b.evidenceUrl, 'evidence')}` : '';
    const reopened =
      s.status === 'open' && b.reopenReason ? ` · reopened: ${esc(clip(b.reopenReason, 200))}` : '';
    return `${icon} \`${esc(b.id)}\` ${esc(clip(b.title, 200))}${kind} — ${owner(c, b.owner)}${ev}${reopened}${items}`;
  });
}

/** Which commit a gate result was measured on, as a person reads it. */
const resultOn = (r: { sha: string | null; tag?: string | undefined }) =>
  `on ${commitLabel(r) ?? 'an unknown commit'}`;

export function gateLines(c: Cutover, report: ReadinessReport = readiness(c)): string[] {
  return c.gates.flatMap((g) => {
    const view = report.gates.find((x) => x.id === g.id);
    if (!view) return [];
    const s = view.status;
    const r = view.result;
    const ev = r?.evidenceUrl ? ` · ${link(r.evidenceUrl, 'evidence')}` : '';
    const run = r?.runUrl ? ` · ${link(r.runUrl, 'run')}` : '';
    const kind = g.derived ? ' _(derived)_' : '';
    const old =
      view.stale && view.latest ? ` · _stale: ${view.latest.status} ${esc(resultOn(view.latest))}_` : '';
    return `${GATE_ICON[s]} \`${esc(g.id)}\` ${esc(clip(g.title, 160))}: *${s}*${kind} — ${owner(c, g.owner)}${ev}${run}${old}`;
  });
}

function signoffLine(c: Cutover, s: Signoff): string {
  const on = s.target ? ` on ${esc(targetLabel(s.target))}` : '';
  const admin = s.asAdmin ? ' _(as admin)_' : '';
  const body = `${goWord(s.decision)} by ${who(s.by)}${admin}${on}, ${slackDate(s.at)}`;
  const why = s.rationale ? ` — ${esc(clip(s.rationale, 200))}` : '';
  return s.voided
    ? `    ~${body}~ voided: ${esc(clip(s.voided.reason, 200))}`
    : `• ${esc(sideName(c, s.side))}: *${body}*${why}`;
}

export function signoffLines(c: Cutover): string[] {
  const lines: string[] = [];
  for (const side of c.sides) {
    if (!signoffFor(c, side.id))
      lines.push(`• ${esc(side.name)}: _not signed_ — ${owner(c, side.commanderRole)}`);
    const mine = c.signoffs.filter((s) => s.side === side.id);
    // In force first, then the voided ones newest first.
    for (const s of mine.filter((x) => !x.voided)) lines.push(signoffLine(c, s));
    for (const s of mine.filter((x) => x.voided).reverse()) lines.push(signoffLine(c, s));
  }
  return lines;
}

export function targetLines(c: Cutover): string[] {
  const t = currentTarget(c);
  const lines = t
    ? [
        `\`${esc(t.tag)}\` @ \`${esc(t.sha)}\``,
        `published by ${who(t.published.by)} ${slackDate(t.published.at)}; ${
          t.approved ? `*approved* by ${who(t.approved.by)} ${slackDate(t.approved.at)}` : '_not approved_'
        }`,
      ]
    : ['_No release target published._'];
  for (const e of c.evidence) {
    const cur = currentEvidence(c, e);
    const stale = staleEvidence(c, e).length;
    const state = cur ? `${link(cur.url, 'logged')} by ${who(cur.by)}` : '_missing_';
    const staleNote = stale ? ` · ${stale} stale (earlier target)` : '';
    lines.push(`• ${esc(clip(e.title, 120))} (\`${esc(e.id)}\`): ${state}${staleNote}`);
  }
  return lines;
}

/** The window, and whether a GO decision approved it (the readiness report's rule). */
function windowLine(c: Cutover, r: ReadinessReport = readiness(c)): string {
  if (!c.window) return '_Not set._';
  const dates = `${slackDate(c.window.start)} – ${slackDate(c.window.end)}`;
  if (r.window.approved) return `${dates} · *approved*`;
  const why = r.window.awaiting.map(
    (d) => `\`${esc(d.id)}\` ${d.before ? 'went GO before this window was set' : 'is NO-GO'}`,
  );
  return `${dates} · _proposed_${why.length ? ` (${why.join('; ')})` : ''}`;
}

export interface StatusOptions {
  /** Show the action buttons (not on read-only copies). */
  actions?: boolean;
}

/**
 * The status of one committed state is the same every time it is asked for: a change makes a new cutover
 * object, so the rendering is kept per object and `/cutover status` between changes costs no rendering.
 */
const rendered = new WeakMap<Cutover, Map<string, KnownBlock[]>>();

export function statusBlocks(c: Cutover, options: StatusOptions = {}): KnownBlock[] {
  const actions = options.actions !== false;
  const key = `${actions}`;
  const known = rendered.get(c) ?? new Map<string, KnownBlock[]>();
  rendered.set(c, known);
  const cached = known.get(key);
  if (cached) return cached;
  const blocks = renderStatus(c, actions);
  known.set(key, blocks);
  return blocks;
}

/**
 * The state at a glance, section by section: the body of the status message and of App Home. Every verdict in it
 * (blocker and gate states, whether a phase may start, whether the window is approved) is the readiness report's.
 */
export function stateSections(c: Cutover, r: ReadinessReport = readiness(c)): KnownBlock[] {
  const phase = nextPhase(c);
  const before = phase ? blockersBefore(c, r, phase.id) : [];
  const open = before.filter(({ s }) => s.status === 'open').length;
  return [
    titled('Decisions', decisionLines(c)),
    titled('Phases', phaseLines(c, r)),
    titled(
      phase ? `Blockers before phase ${esc(phase.id)} — ${open} of ${before.length} open` : 'Blockers',
      phase ? blockerLines(c, phase.id, r) : [],
    ),
    titled('Gates', gateLines(c, r)),
    titled('Release target and evidence', targetLines(c)),
    titled('Sign-offs', signoffLines(c)),
    titled('Cutover window', [windowLine(c, r)]),
  ];
}

// ---------------------------------------------------------------- the summary: read in five seconds

/** The summary's limit: what a person takes in at a glance, whatever the size of the program. */
export const SUMMARY_MAX = 600;

/**
 * Whole items joined with `sep` within `max` characters, the rest counted ("…and 4 more"): an item is never cut,
 * so a mention, a date token or a code span is never split.
 */
export function within(items: readonly string[], max: number, sep = ', '): string {
  const more = (n: number) => `_…and ${n} more_`;
  let out = '';
  for (let i = 0; i < items.length; i++) {
    const item = items[i] ?? '';
    const next = out ? `${out}${sep}${item}` : item;
    const left = items.length - i - 1;
    const tail = left ? `${sep}${more(left)}`.length : 0;
    if (next.length + tail > max) {
      const folded = out ? `${out}${sep}${more(items.length - i)}` : more(items.length);
      return folded.length <= max ? folded : '';
    }
    out = next;
  }
  return out;
}

/**
 * Who acts next, each once, in the order of what they owe (the core's `obligations`): the holder's mention, a role
 * nobody holds by its title, or an admin for what no role may do.
 */
function nextActors(c: Cutover, owed: readonly Obligation[]): string[] {
  const named = owed.map((o) => {
    const holder = o.holders[0];
    if (holder) return mention(holder);
    return o.role ? `${roleTitle(c, o.role, 40)} _(unassigned)_` : 'an admin';
  });
  return [...new Set(named)];
}

type DecisionReport = ReadinessReport['decisions'][number];

/** A decision in the summary: GO or NO-GO, and its title. */
const decisionHead = (d: DecisionReport) => `*${goWord(d.status)}* · ${esc(clip(plainLine(d.title), 48))}`;

/** For a gating decision not GO yet: what blocks it, by name, within `max` characters (or nothing). */
function decisionBlocks(c: Cutover, d: DecisionReport, max: number): string {
  const gating = c.decisions.find((x) => x.id === d.id)?.goRequires;
  if (!gating || d.status === 'go') return '';
  const verdict = ` — \`${esc(d.id)}\` may be GO: ${yesOrUnmet(d.mayBeGo, d.unmet)}`;
  if (verdict.length > max) return '';
  if (d.mayBeGo) return verdict;
  const names = within(unmetNames(d.unmet), max - verdict.length - 2);
  return names ? `${verdict}: ${names}` : verdict;
}

/** The window in each reader's own time zone, and whether a GO approved it. */
function windowSummary(r: ReadinessReport): string {
  const w = r.window;
  if (!w.start || !w.end) return '*Window:* _not set_';
  return `*Window:* ${slackDate(w.start)} – ${slackDate(w.end)} · ${w.approved ? '*approved*' : '_proposed_'}`;
}

/**
 * The top of the status: the decisions (what blocks each), who acts next and the window, within `SUMMARY_MAX`
 * characters however large the program. The details follow it.
 */
export function statusSummary(c: Cutover, r: ReadinessReport = readiness(c)): string {
  const window = windowSummary(r);
  const actors = nextActors(c, obligations(c, r));
  const next = actors.length
    ? `*Next to act:* ${within(actors, 180 - '*Next to act:* '.length)}`
    : '*Next to act:* nobody — nothing waits';
  const left = SUMMARY_MAX - window.length - next.length - 2;
  // The NO-GO decisions first: they are what a person came to read. Every decision's word first, as many as fit…
  const order = [
    ...r.decisions.filter((d) => d.status !== 'go'),
    ...r.decisions.filter((d) => d.status === 'go'),
  ];
  const more = (n: number) => `_…and ${n} more decision${n === 1 ? '' : 's'}_`;
  // Room kept for what blocks the first NO-GO decision: worth more than the word of a twentieth decision.
  // The first decision is always said.
  const blocking = order.some((d) => d.status !== 'go' && c.decisions.find((x) => x.id === d.id)?.goRequires);
  const reserve = blocking ? 200 : 0;
  const shown: { d: DecisionReport; line: string }[] = [];
  let used = 0;
  for (const [i, d] of order.entries()) {
    const line = decisionHead(d);
    const rest = order.length - i - 1;
    if (used + line.length + 1 + (rest ? more(rest).length + 1 : 0) > left - (i === 0 ? 0 : reserve)) break;
    shown.push({ d, line });
    used += line.length + 1;
  }
  const folded = order.length - shown.length;
  if (folded) used += more(folded).length + 1;
  // …then what blocks each, by name, in what is left.
  for (const s of shown) {
    const tail = decisionBlocks(c, s.d, Math.min(320, left - used));
    s.line += tail;
    used += tail.length;
  }
  const lines = [...shown.map((s) => s.line), ...(folded ? [more(folded)] : [])];
  return [...lines, next, window].join('\n');
}

function renderStatus(c: Cutover, actions: boolean): KnownBlock[] {
  const r = readiness(c);
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(plainLine(c.title), 150), emoji: true } },
    section(statusSummary(c, r)),
    { type: 'divider' },
    ...stateSections(c, r),
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: c.updated ? `updated ${slackDate(c.updated)}` : 'no changes yet' }],
    },
  ];
  if (actions) {
    const buttons = statusButtons(c, obligations(c, r));
    for (let i = 0; i < buttons.length; i += BUTTONS_PER_BLOCK)
      blocks.push({ type: 'actions', elements: uniqueActionIds(buttons.slice(i, i + BUTTONS_PER_BLOCK)) });
  }
  return blocks;
}

/** Slack's limit of elements in one actions block; the status carries at most `MAX_BUTTON_BLOCKS` of them. */
const BUTTONS_PER_BLOCK = 25;
const MAX_BUTTON_BLOCKS = 3;

/**
 * The buttons of the status message: one per thing someone owes now (the core's `obligations`), each taking that
 * action on that item or opening its form, carrying the program (and, to approve, the SHA shown). Nothing else: a
 * button is offered only when someone can act on it now.
 */
export function statusButtons(c: Cutover, owed: readonly Obligation[]): types.Button[] {
  const out = new Map<string, types.Button>();
  for (const o of owed) {
    const b = obligationButton(c, o);
    const value = actionValue(c.id, b.item);
    const key = `${b.actionId} ${value}`;
    if (out.has(key)) continue;
    out.set(key, {
      type: 'button',
      text: { type: 'plain_text', text: clip(plainLine(b.text), 75) },
      action_id: b.actionId,
      value,
      ...(b.primary ? { style: 'primary' as const } : {}),
    });
  }
  return [...out.values()].slice(0, BUTTONS_PER_BLOCK * MAX_BUTTON_BLOCKS);
}

/** The notification text of the status message: one line, the titles escaped like every typed text. */
export function statusText(c: Cutover): string {
  const line = (s: string) => esc(plainLine(s));
  return clip(
    `${line(c.title)}: ${c.decisions.map((d) => `${line(d.title)} ${goWord(d.status)}`).join(', ')}`,
    3000,
  );
}
