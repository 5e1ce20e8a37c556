/**
 * `/cutover status`: the whole state in one message, within Slack's limits however large the program —
 * a fixed number of blocks, each section folded to 3000 characters.
 */
import type { types } from '@slack/bolt';
import {
  blockerState,
  blockersOf,
  currentEvidence,
  currentTarget,
  gateState,
  mayDecideGo,
  mayStartPhase,
  nextPhase,
  sideName,
  signoffFor,
  staleEvidence,
  targetLabel,
} from '../../core/readiness.js';
import type { Cutover, GateStatus, Signoff } from '../../core/schema.js';
import { ACTIONS } from '../ids.js';
import { clip, esc, fold, link, mention, plainLine, slackDate, who } from './text.js';

type KnownBlock = types.KnownBlock;

const GATE_ICON: Record<GateStatus, string> = {
  green: ':large_green_circle:',
  red: ':red_circle:',
  pending: ':white_circle:',
};
const PHASE_WORD = { 'not-started': 'Not started', started: '*Started*', closed: 'Closed' } as const;

const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
const titled = (title: string, lines: string[]) => section(fold([`*${title}*`, ...lines]));

export const roleHolder = (c: Cutover, roleId: string) =>
  c.roles.find((r) => r.id === roleId)?.assignee ?? null;
const owner = (c: Cutover, roleId: string) => `${mention(roleHolder(c, roleId))} (${esc(roleId)})`;

export function decisionLines(c: Cutover): string[] {
  return c.decisions.map((d) => {
    const why = d.rationale ? ` — ${esc(clip(d.rationale, 300))}` : '';
    return `• ${esc(d.title)} (\`${esc(d.id)}\`): *${d.status === 'go' ? 'GO' : 'NO-GO'}*${why}`;
  });
}

export function phaseLines(c: Cutover): string[] {
  return c.phases.map((p) => {
    const gate = p.status === 'not-started' ? mayStartPhase(c, p.id) : undefined;
    const wait = gate && !gate.ok ? ` — ${gate.unmet.length} unmet` : '';
    return `• Phase ${esc(p.id)} — ${esc(clip(p.title, 120))}: ${PHASE_WORD[p.status]}${wait}`;
  });
}

export function blockerLines(c: Cutover, phaseId: string): string[] {
  return blockersOf(c, phaseId).map((b) => {
    const s = blockerState(c, b);
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
export const resultOn = (r: { sha: string | null; tag?: string | undefined }) =>
  r.sha
    ? `on ${r.tag ? targetLabel({ tag: r.tag, sha: r.sha }) : r.sha.slice(0, 12)}`
    : 'on an unknown commit';

export function gateLines(c: Cutover): string[] {
  return c.gates.map((g) => {
    const view = gateState(c, g);
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
  const body = `${s.decision === 'go' ? 'GO' : 'NO-GO'} by ${who(s.by)}${admin}${on}, ${slackDate(s.at)}`;
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

export function windowLine(c: Cutover): string {
  return c.window ? `${slackDate(c.window.start)} – ${slackDate(c.window.end)}` : '_Not set._';
}

export interface StatusOptions {
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

/** The state at a glance, section by section: the body of the status message and of App Home. */
export function stateSections(c: Cutover): KnownBlock[] {
  const phase = nextPhase(c);
  const open = phase ? blockersOf(c, phase.id).filter((b) => blockerState(c, b).status === 'open').length : 0;
  const total = phase ? blockersOf(c, phase.id).length : 0;
  return [
    titled('Decisions', decisionLines(c)),
    titled('Phases', phaseLines(c)),
    titled(
      phase ? `Blockers before phase ${esc(phase.id)} — ${open} of ${total} open` : 'Blockers',
      phase ? blockerLines(c, phase.id) : [],
    ),
    titled('Gates', gateLines(c)),
    titled('Release target and evidence', targetLines(c)),
    titled('Sign-offs', signoffLines(c)),
    titled('Cutover window', [windowLine(c)]),
  ];
}

function renderStatus(c: Cutover, actions: boolean): KnownBlock[] {
  const goDecisions = c.decisions.filter((d) => d.goRequires && d.status !== 'go');
  const readiness = goDecisions.map((d) => {
    const v = mayDecideGo(c, d.id);
    return `${esc(d.id)} may be GO: ${v.ok ? '*yes*' : `no, ${v.unmet.length} unmet`}`;
  });
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(plainLine(c.title), 150), emoji: true } },
    ...stateSections(c),
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: clip(
            [...readiness, c.updated ? `updated ${slackDate(c.updated)}` : 'no changes yet'].join(' · '),
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
    `${line(c.title)}: ${c.decisions.map((d) => `${line(d.title)} ${d.status === 'go' ? 'GO' : 'NO-GO'}`).join(', ')}`,
    3000,
  );
}
