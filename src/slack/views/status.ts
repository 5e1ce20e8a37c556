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
import { ACTIONS } from '../ids.js';
import {
  clip,
  commitLabel,
  esc,
  GATE_ICON,
  goWord,
  link,
  mention,
  plainLine,
  slackDate,
  titled,
  who,
  yesOrUnmet,
} from './text.js';

type KnownBlock = types.KnownBlock;

const PHASE_WORD = { 'not-started': 'Not started', started: '*Started*', closed: 'Closed' } as const;

const roleHolder = (c: Cutover, roleId: string) => c.roles.find((r) => r.id === roleId)?.assignee ?? null;
const owner = (c: Cutover, roleId: string) => `${mention(roleHolder(c, roleId))} (${esc(roleId)})`;

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

interface StatusOptions {
  /** Show the action buttons (not on read-only copies). */
  actions?: boolean;
}

/**
 * The status of one committed state is the same every time it is asked for: a change makes a new cutover
 * object, so the rendering is kept per object and `/cutover status` between changes costs no rendering.
 */
const rendered = new WeakMap<Cutover, Map<boolean, KnownBlock[]>>();

export function statusBlocks(c: Cutover, options: StatusOptions = {}): KnownBlock[] {
  const actions = options.actions !== false;
  const known = rendered.get(c) ?? new Map<boolean, KnownBlock[]>();
  rendered.set(c, known);
  const cached = known.get(actions);
  if (cached) return cached;
  const blocks = renderStatus(c, actions);
  known.set(actions, blocks);
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

/** "runtime-cutover may be GO: no, 5 unmet" for each decision with GO requirements that is not GO yet. */
const mayBeGoParts = (c: Cutover, r: ReadinessReport) =>
  r.decisions.flatMap((d) =>
    c.decisions.find((x) => x.id === d.id)?.goRequires && d.status !== 'go'
      ? [`${esc(d.id)} may be GO: ${yesOrUnmet(d.mayBeGo, d.unmet)}`]
      : [],
  );

function renderStatus(c: Cutover, actions: boolean): KnownBlock[] {
  const r = readiness(c);
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(plainLine(c.title), 150), emoji: true } },
    ...stateSections(c, r),
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: clip(
            [...mayBeGoParts(c, r), c.updated ? `updated ${slackDate(c.updated)}` : 'no changes yet'].join(
              ' · ',
            ),
            3000,
          ),
        },
      ],
    },
  ];
  if (actions)
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Sign off' },
          action_id: ACTIONS.openSignoff,
          style: 'primary',
        },
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Update a blocker' },
          action_id: ACTIONS.openBlocker,
        },
      ],
    });
  return blocks;
}

/** The notification text of the status message: one line, the titles escaped like every typed text. */
export function statusText(c: Cutover): string {
  const line = (s: string) => esc(plainLine(s));
  return clip(
    `${line(c.title)}: ${c.decisions.map((d) => `${line(d.title)} ${goWord(d.status)}`).join(', ')}`,
    3000,
  );
}
