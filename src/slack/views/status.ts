/**
 * `/cutover status`: the whole state in one message, within Slack's limits however large the program —
 * a fixed number of blocks, each section folded to 3000 characters.
 */
import type { types } from '@slack/bolt';
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
import { uniqueActionIds } from '../block-ids.js';
import { ACTIONS, actionValue } from '../ids.js';
import {
  clip,
  commitLabel,
  esc,
  GATE_ICON,
  goWord,
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

/**
 * Where the status is rendered. On the channel's `board` the people who act are mentioned (`<@U…>`); in an
 * ephemeral `reply` to `/cutover status` they are named by their role's title, without a ping.
 */
export type StatusAudience = 'board' | 'reply';

const roleHolder = (c: Cutover, roleId: string) => c.roles.find((r) => r.id === roleId)?.assignee ?? null;
const roleTitle = (c: Cutover, roleId: string) =>
  esc(clip(plainLine(c.roles.find((r) => r.id === roleId)?.title ?? roleId), 60));

/** A role's holder: mentioned on the board; on a reply, the role's title (who holds it is on the board). */
const holder = (c: Cutover, roleId: string, audience: StatusAudience) => {
  const userId = roleHolder(c, roleId);
  if (audience === 'board') return mention(userId);
  return userId ? roleTitle(c, roleId) : `${roleTitle(c, roleId)} _(unassigned)_`;
};
const owner = (c: Cutover, roleId: string, audience: StatusAudience = 'board') =>
  `${holder(c, roleId, audience)} (${esc(roleId)})`;

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

export function blockerLines(
  c: Cutover,
  phaseId: string,
  r: ReadinessReport = readiness(c),
  audience: StatusAudience = 'board',
): string[] {
  return blockersBefore(c, r, phaseId).map(({ b, s }) => {
    const icon = s.status === 'open' ? ':red_circle:' : ':white_check_mark:';
    const kind = b.derived ? ' _(derived)_' : '';
    const items = b.items.map((i) => `\n      ◦ ${esc(clip(i, 200))}`).join('');
    const ev = b.evidenceUrl ? ` · ${link(b.evidenceUrl, 'evidence')}` : '';
    const reopened =
      s.status === 'open' && b.reopenReason ? ` · reopened: ${esc(clip(b.reopenReason, 200))}` : '';
    return `${icon} \`${esc(b.id)}\` ${esc(clip(b.title, 200))}${kind} — ${owner(c, b.owner, audience)}${ev}${reopened}${items}`;
  });
}

/** Which commit a gate result was measured on, as a person reads it. */
const resultOn = (r: { sha: string | null; tag?: string | undefined }) =>
  `on ${commitLabel(r) ?? 'an unknown commit'}`;

export function gateLines(
  c: Cutover,
  report: ReadinessReport = readiness(c),
  audience: StatusAudience = 'board',
): string[] {
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
    return `${GATE_ICON[s]} \`${esc(g.id)}\` ${esc(clip(g.title, 160))}: *${s}*${kind} — ${owner(c, g.owner, audience)}${ev}${run}${old}`;
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

export function signoffLines(c: Cutover, audience: StatusAudience = 'board'): string[] {
  const lines: string[] = [];
  for (const side of c.sides) {
    if (!signoffFor(c, side.id))
      lines.push(`• ${esc(side.name)}: _not signed_ — ${owner(c, side.commanderRole, audience)}`);
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
  /**
   * Where it is rendered: `'board'` (the channel's live status board, the default: who acts next is mentioned) or
   * `'reply'` (the ephemeral answer to `/cutover status`: who acts next is named by role title, nobody is pinged).
   */
  audience?: StatusAudience;
}

/**
 * The status of one committed state is the same every time it is asked for: a change makes a new cutover
 * object, so the rendering is kept per object and `/cutover status` between changes costs no rendering.
 */
const rendered = new WeakMap<Cutover, Map<string, KnownBlock[]>>();

export function statusBlocks(c: Cutover, options: StatusOptions = {}): KnownBlock[] {
  const actions = options.actions !== false;
  const audience = options.audience ?? 'board';
  const key = `${actions}:${audience}`;
  const known = rendered.get(c) ?? new Map<string, KnownBlock[]>();
  rendered.set(c, known);
  const cached = known.get(key);
  if (cached) return cached;
  const blocks = renderStatus(c, actions, audience);
  known.set(key, blocks);
  return blocks;
}

/**
 * The state at a glance, section by section: the body of the status message and of App Home. Every verdict in it
 * (blocker and gate states, whether a phase may start, whether the window is approved) is the readiness report's.
 */
export function stateSections(
  c: Cutover,
  r: ReadinessReport = readiness(c),
  audience: StatusAudience = 'board',
): KnownBlock[] {
  const phase = nextPhase(c);
  const before = phase ? blockersBefore(c, r, phase.id) : [];
  const open = before.filter(({ s }) => s.status === 'open').length;
  return [
    titled('Decisions', decisionLines(c)),
    titled('Phases', phaseLines(c, r)),
    titled(
      phase ? `Blockers before phase ${esc(phase.id)} — ${open} of ${before.length} open` : 'Blockers',
      phase ? blockerLines(c, phase.id, r, audience) : [],
    ),
    titled('Gates', gateLines(c, r, audience)),
    titled('Release target and evidence', targetLines(c)),
    titled('Sign-offs', signoffLines(c, audience)),
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

/** Who acts next, each person (or unassigned role) once, in the order their items come in the readiness report. */
function nextActors(c: Cutover, r: ReadinessReport, audience: StatusAudience): string[] {
  const roles = [...new Set(r.next.flatMap((n) => n.roles))];
  const named = roles.map((id) => {
    const userId = roleHolder(c, id);
    if (audience === 'board' && userId) return mention(userId);
    const title = esc(clip(plainLine(c.roles.find((x) => x.id === id)?.title ?? id), 40));
    return userId ? title : `${title} _(unassigned)_`;
  });
  const adminOnly = r.next.some((n) => n.roles.length === 0);
  return [...new Set(named), ...(adminOnly ? ['an admin'] : [])];
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
export function statusSummary(
  c: Cutover,
  r: ReadinessReport = readiness(c),
  audience: StatusAudience = 'board',
): string {
  const window = windowSummary(r);
  const actors = nextActors(c, r, audience);
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

function renderStatus(c: Cutover, actions: boolean, audience: StatusAudience): KnownBlock[] {
  const r = readiness(c);
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(plainLine(c.title), 150), emoji: true } },
    section(statusSummary(c, r, audience)),
    { type: 'divider' },
    ...stateSections(c, r, audience),
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: c.updated ? `updated ${slackDate(c.updated)}` : 'no changes yet' }],
    },
  ];
  if (actions) {
    const buttons = statusButtons(c, r);
    if (buttons.length) blocks.push({ type: 'actions', elements: uniqueActionIds(buttons) });
  }
  return blocks;
}

/**
 * The buttons of the status message: only those that can succeed for someone now — sign off while a side has no
 * standing sign-off on the current target and the last phase has not started, update a blocker while one is manual,
 * approve the target waiting for it (the button carries its SHA: what was shown is what is approved), start the
 * next phase once it may, close the one started. Each carries the program.
 */
function statusButtons(c: Cutover, r: ReadinessReport): types.Button[] {
  const button = (text: string, actionId: string, item?: string, primary = false): types.Button => ({
    type: 'button',
    text: { type: 'plain_text', text: clip(plainLine(text), 75) },
    action_id: actionId,
    value: actionValue(c.id, item),
    ...(primary ? { style: 'primary' as const } : {}),
  });
  const out: types.Button[] = [];
  const target = currentTarget(c);
  const last = c.phases.at(-1);
  const unsigned = c.sides.some((s) => {
    const so = signoffFor(c, s.id);
    return !so || so.voided !== undefined || so.target?.sha !== target?.sha;
  });
  if (target && unsigned && last?.status === 'not-started')
    out.push(button('Sign off', ACTIONS.openSignoff, undefined, true));
  if (c.blockers.some((b) => !b.derived)) out.push(button('Update a blocker', ACTIONS.openBlocker));
  if (!target) out.push(button('Publish a target', ACTIONS.openTarget));
  if (target && !target.approved)
    out.push(button(`Approve ${target.tag}`, ACTIONS.approveTarget, target.sha));
  if (target && c.evidence.some((e) => !currentEvidence(c, e)))
    out.push(button('Log evidence', ACTIONS.openEvidence));
  const ready = r.decisions.find((d) => d.status === 'no-go' && d.mayBeGo);
  if (ready) out.push(button(`Decide ${ready.id}`, ACTIONS.openDecide, ready.id, true));
  if (!c.window && last?.status === 'not-started') out.push(button('Set the window', ACTIONS.openWindow));
  const next = nextPhase(c);
  if (next && r.phases.find((p) => p.id === next.id)?.mayStart)
    out.push(button(`Start phase ${next.id}`, ACTIONS.startPhase, next.id, true));
  for (const p of c.phases.filter((x) => x.status === 'started'))
    out.push(button(`Close phase ${p.id}`, ACTIONS.closePhase, p.id));
  return out.slice(0, 25);
}

/** The notification text of the status message: one line, the titles escaped like every typed text. */
export function statusText(c: Cutover): string {
  const line = (s: string) => esc(plainLine(s));
  return clip(
    `${line(c.title)}: ${c.decisions.map((d) => `${line(d.title)} ${goWord(d.status)}`).join(', ')}`,
    3000,
  );
}
