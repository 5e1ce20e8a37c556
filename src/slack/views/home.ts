/**
 * App Home: one person's view of the cutover — their roles, what waits on them, the state at a glance, and
 * buttons to act. Pure: (document, viewer, isAdmin) -> home view, within 100 blocks however large the program
 * (waiting items beyond `MAX_WAITING` fold into one section; every section folds to 3000 characters).
 * Across programs (`homeAcross`): every program where the person holds a role, each with what waits on them and
 * the state at a glance, its buttons acting on that program; one program alone shows in full.
 */
import type { types } from '@slack/bolt';
import { problemCause } from '../../alerts/channel-problem.js';
import { holds, may } from '../../core/authorize.js';
import {
  blockersOf,
  currentEvidence,
  currentTarget,
  nextPhase,
  type ReadinessReport,
  readiness,
  targetLabel,
} from '../../core/readiness.js';
import type { Cutover } from '../../core/schema.js';
import { ACTIONS, actionValue } from '../ids.js';
import { settableGates } from './gate-modal.js';
import { asActor } from './modals.js';
import { shapeOffers } from './shape-modal.js';
import { stateSections } from './status.js';
import { clip, esc, fold, plainLine, section, slackDate, titled } from './text.js';
import { unmetLines } from './unmet.js';

type KnownBlock = types.KnownBlock;
type Button = types.Button;
type HomeView = types.HomeView;

/** Waiting items shown one per section (with a button); the rest are folded into one section. */
export const MAX_WAITING = 30;

/**
 * Readiness by cutover object. A Home is rendered from the store's snapshots, which are never changed in place (a
 * change commits a new document): after a change, the Homes of everyone concerned are rendered again, and a Home of
 * many programs then recomputes the report of the program that changed only, not of every program shown.
 */
const reports = new WeakMap<Cutover, ReadinessReport>();
function readinessOf(c: Cutover): ReadinessReport {
  let report = reports.get(c);
  if (!report) {
    report = readiness(c);
    reports.set(c, report);
  }
  return report;
}

/** One item of text, cut to fit a section. */
const item = (text: string, accessory?: Button) => section(fold([text]), accessory);
const button = (text: string, actionId: string, value?: string, primary = false): Button => ({
  type: 'button',
  text: { type: 'plain_text', text: clip(text, 75) },
  action_id: actionId,
  ...(value ? { value: clip(value, 2000) } : {}),
  ...(primary ? { style: 'primary' as const } : {}),
});

interface WaitingItem {
  text: string;
  button?: Button;
}

/**
 * What waits on this person, most urgent first: sign-offs, blockers, gates, evidence, a target to approve. It is
 * what their roles owe: an admin may act for anyone, but nothing waits on them for being one.
 */
function waitingOn(
  c: Cutover,
  userId: string,
  report: ReadinessReport = readinessOf(c),
  groups: string[] = [],
): WaitingItem[] {
  const asHolder = asActor({ userId, isAdmin: false, groups });
  const held = c.roles.filter((r) => holds(r, asHolder));
  const heldIds = new Set(held.map((r) => r.id));
  const items: WaitingItem[] = [];

  for (const side of c.sides) {
    if (!heldIds.has(side.commanderRole)) continue;
    if (c.signoffs.some((s) => s.side === side.id && !s.voided)) continue;
    const voided = c.signoffs.findLast((s) => s.side === side.id && s.voided);
    const why = voided?.voided ? ` Your last one was voided: ${esc(clip(voided.voided.reason, 300))}.` : '';
    items.push({
      text: `:writing_hand: *Sign off for ${esc(side.name)}*: not signed.${why}`,
      button: button('Sign off', ACTIONS.openSignoff, actionValue(c.id, side.id), true),
    });
  }

  const phase = nextPhase(c);
  for (const b of phase ? blockersOf(c, phase.id) : []) {
    const s = report.blockers.find((x) => x.id === b.id);
    if (!heldIds.has(b.owner) || s?.status !== 'open') continue;
    const head = `:red_circle: *Blocker* \`${esc(b.id)}\` ${esc(clip(b.title, 300))}`;
    if (b.derived)
      items.push({
        text: `${head} _(derived: clears itself)_\n${unmetLines(s.unmet)
          .map((u) => `• ${esc(clip(u, 300))}`)
          .join('\n')}`,
      });
    else
      items.push({
        text: head,
        button: button('Clear or reopen', ACTIONS.openBlocker, actionValue(c.id, b.id)),
      });
  }

  for (const g of c.gates) {
    const status = report.gates.find((x) => x.id === g.id)?.status;
    if (g.derived || !status || status === 'green' || !heldIds.has(g.owner)) continue;
    items.push({
      text: `:vertical_traffic_light: *Gate* \`${esc(g.id)}\` ${esc(clip(g.title, 300))} is *${status}*.`,
      button: button('Set gate', ACTIONS.openGate, actionValue(c.id, g.id)),
    });
  }

  const target = currentTarget(c);
  const sides = new Set(held.flatMap((r) => (r.side ? [r.side] : [])));
  if (target)
    for (const e of c.evidence) {
      if (!sides.has(e.side) || currentEvidence(c, e)) continue;
      items.push({
        text: `:paperclip: *Evidence* \`${esc(e.id)}\` ${esc(clip(e.title, 300))} is owed for ${esc(
          targetLabel(target),
        )}: \`/cutover evidence ${esc(e.id)} &lt;url&gt;\``,
        button: button('Log evidence', ACTIONS.openEvidence, actionValue(c.id, e.id)),
      });
    }

  // Nobody approves a target they published: `may` says so, as the command will.
  if (target && !target.approved && may(c, asHolder, 'target.approve'))
    items.push({
      text: `:white_check_mark: *Approve the release target* \`${esc(target.tag)}\` @ \`${esc(
        target.sha,
      )}\`: \`/cutover target approve ${esc(target.tag)}\``,
      // The button carries the SHA shown: what the person saw is what is approved.
      button: button(`Approve ${target.tag}`, ACTIONS.approveTarget, actionValue(c.id, target.sha), true),
    });
  return items;
}

/**
 * What App Home shows, handed in by its caller (the store's document fits it): the view reads no store, so it stays a
 * pure function of this state and the viewer.
 */
interface HomeState {
  cutover: Cutover;
  /** Outbox items, for how many alerts wait on a channel the bot cannot post in. */
  outbox: { channel: string }[];
  /** Set while the bot cannot post in a program's channel. */
  channelProblem?: { channel: string; error: string; since: string } | undefined;
}

/**
 * For admins, while the bot cannot post in the alert channel (`doc.channelProblem`): what is wrong, since when, how
 * much waits, and the fix. Empty otherwise.
 */
function channelNotice(doc: HomeState, isAdmin: boolean): KnownBlock[] {
  const p = doc.channelProblem;
  if (!isAdmin || !p) return [];
  const waiting = doc.outbox.filter((i) => i.channel === p.channel).length;
  return [
    item(
      [
        `:warning: *Alerts cannot be posted in <#${p.channel}>* since ${slackDate(p.since)}: ${waiting} alert${
          waiting === 1 ? '' : 's'
        } waiting.`,
        problemCause(p.channel, p.error),
        '_The alerts are posted once the bot can post there; this notice then goes away._',
      ].join('\n'),
    ),
    { type: 'divider' },
  ];
}

export function homeView(
  doc: HomeState,
  viewerUserId: string,
  isAdmin: boolean,
  groups: string[] = [],
): HomeView {
  const c = doc.cutover;
  const held = c.roles.filter((r) => holds(r, asActor({ userId: viewerUserId, isAdmin: false, groups })));
  const roleLines = held.map((r) => {
    const side = r.side ? esc(c.sides.find((s) => s.id === r.side)?.name ?? r.side) : 'joint';
    return `• *${esc(r.title)}* (\`${esc(r.id)}\` · ${side})`;
  });
  if (!held.length)
    roleLines.push(
      '_You hold no role in this cutover._ An admin assigns roles: `/cutover role &lt;role-id&gt; @you`.',
    );
  if (isAdmin) roleLines.push('_You are an admin: you may act for any role, and history marks it._');

  const report = readinessOf(c);
  const viewer = { userId: viewerUserId, isAdmin, groups };
  const waiting = waitingOn(c, viewerUserId, report, groups);
  const shown = waiting.slice(0, MAX_WAITING);
  const rest = waiting.slice(MAX_WAITING);
  const actions: Button[] = [];
  if (c.sides.some((s) => may(c, asActor(viewer), 'signoff', { side: s.id })))
    actions.push(button('Sign off', ACTIONS.openSignoff, actionValue(c.id), true));
  if (c.blockers.some((b) => !b.derived))
    actions.push(button('Update a blocker', ACTIONS.openBlocker, actionValue(c.id)));
  if (settableGates(c, viewer).length)
    actions.push(button('Set a gate', ACTIONS.openGate, actionValue(c.id)));
  if (may(c, asActor(viewer), 'role.assign'))
    actions.push(button('Assign a role', ACTIONS.openRole, actionValue(c.id)));
  if (may(c, asActor(viewer), 'target.publish'))
    actions.push(button('Publish a target', ACTIONS.openTarget, actionValue(c.id)));
  if (may(c, asActor(viewer), 'window'))
    actions.push(button('Set the window', ACTIONS.openWindow, actionValue(c.id)));
  if (c.phases.at(-1)?.status === 'closed' && may(c, asActor(viewer), 'program.archive'))
    actions.push(button('Archive', ACTIONS.archive, actionValue(c.id)));
  if (shapeOffers(c, viewer).length)
    actions.push(button('Shape the program', ACTIONS.openShape, actionValue(c.id)));
  // The decision-log owner and admins make and revoke the program's CI tokens (core/tokens.ts).
  if (isAdmin || held.some((r) => r.id === c.logOwnerRole))
    actions.push(button('CI tokens', ACTIONS.openTokens, actionValue(c.id)));
  // Those with a stake in the program may post its record, as `/cutover record` does.
  if (held.length || isAdmin)
    actions.push(button('Post the decision record', ACTIONS.postRecord, actionValue(c.id)));

  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(plainLine(c.title), 150), emoji: true } },
    ...channelNotice(doc, isAdmin),
    titled('Your roles', roleLines),
    { type: 'divider' },
    item(
      waiting.length
        ? `*Waiting on you* — ${waiting.length} item${waiting.length === 1 ? '' : 's'}`
        : '*Waiting on you*\nNothing is waiting on you. :tada:',
    ),
    ...shown.map((w) => item(w.text, w.button)),
    ...(rest.length
      ? [
          titled(
            `…and ${rest.length} more`,
            rest.map((w) => w.text.split('\n')[0] ?? ''),
          ),
        ]
      : []),
    { type: 'divider' },
    ...stateSections(c, report),
    ...(actions.length ? [{ type: 'actions' as const, elements: actions }] : []),
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `${c.updated ? `Updated ${slackDate(c.updated)}` : 'No changes yet'} · \`/cutover help\` lists every command`,
        },
      ],
    },
  ];
  return { type: 'home', blocks };
}

/** Waiting items shown with a button per program on a Home of many programs; the rest are counted. */
const WAITING_PER_PROGRAM = 2;
/** Blocks kept for the Home's own header and footer. */
const ACROSS_FRAME = 4;
const HOME_BLOCKS = 100;

/** Where a program stands, in a line: its next phase, its decisions, its window. */
function glance(c: Cutover, report: ReadinessReport): string {
  const phase = c.phases.find((p) => p.status === 'started') ?? nextPhase(c);
  const where = phase
    ? `phase ${esc(phase.id)} ${phase.status === 'started' ? 'started' : 'next'}`
    : 'every phase closed';
  const decisions = c.decisions.map((d) => {
    const r = report.decisions.find((x) => x.id === d.id);
    const unmet = d.status === 'no-go' && r && !r.mayBeGo ? ` (${r.unmet.length} unmet)` : '';
    return `${esc(d.id)} *${d.status === 'go' ? 'GO' : 'NO-GO'}*${unmet}`;
  });
  const window = c.window ? ` · window ${slackDate(c.window.start)}` : '';
  return `${where} · ${decisions.join(', ') || 'no decisions'}${window}`;
}

/**
 * One program's part of a Home across programs, remembered by document and viewer: it is a pure function of both,
 * and a document is never changed in place, so after a change only the part of the program that changed is rendered
 * again.
 */
const parts = new WeakMap<HomeState, Map<string, KnownBlock[]>>();
function partOf(doc: HomeState, viewerUserId: string, isAdmin: boolean, groups: string[]): KnownBlock[] {
  const key = `${viewerUserId} ${isAdmin} ${groups.join(',')}`;
  let byViewer = parts.get(doc);
  if (!byViewer) {
    byViewer = new Map();
    parts.set(doc, byViewer);
  }
  let part = byViewer.get(key);
  if (!part) {
    part = renderPart(doc, viewerUserId, isAdmin, groups);
    byViewer.set(key, part);
  }
  return part;
}

function renderPart(doc: HomeState, viewerUserId: string, isAdmin: boolean, groups: string[]): KnownBlock[] {
  const c = doc.cutover;
  const report = readinessOf(c);
  const waiting = waitingOn(c, viewerUserId, report, groups);
  const actor = asActor({ userId: viewerUserId, isAdmin: false, groups });
  const held = c.roles.filter((r) => holds(r, actor)).map((r) => esc(r.title));
  return [
    { type: 'divider' },
    item(
      [
        `*${esc(clip(c.title, 150))}* \`${esc(c.id)}\` in ${c.channel ? `<#${c.channel}>` : '_no channel_'}`,
        glance(c, report),
        held.length ? `You: ${held.join(', ')}` : '_You hold no role here._',
        waiting.length
          ? `*${waiting.length} waiting on you*${waiting.length > WAITING_PER_PROGRAM ? ` (the first ${WAITING_PER_PROGRAM} below)` : ''}`
          : 'Nothing waits on you.',
      ].join('\n'),
    ),
    ...channelNotice(doc, isAdmin).slice(0, 1),
    ...waiting.slice(0, WAITING_PER_PROGRAM).map((w) => item(w.text, w.button)),
  ];
}

/**
 * App Home for a person across programs: `docs` are the programs to show (those where they hold a role, and for an
 * admin those whose channel the bot cannot post in), most recently changed first as the caller orders them.
 */
export function homeAcross(
  docs: readonly HomeState[],
  viewerUserId: string,
  isAdmin: boolean,
  total: number,
  groups: string[] = [],
): HomeView {
  const [only] = docs;
  if (only && docs.length === 1) return homeView(only, viewerUserId, isAdmin, groups);
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Your cutovers', emoji: true } },
  ];
  if (docs.length === 0) {
    blocks.push(
      item(
        total
          ? `_You hold no role in any of the ${total} program${total === 1 ? '' : 's'} the bot holds._ An admin assigns roles in a program's channel: \`/cutover role &lt;role-id&gt; @you\`; \`/cutover list\` shows every program.`
          : '_The bot holds no program yet._ Start one in its channel with `/cutover new`.',
      ),
    );
    return { type: 'home', blocks };
  }
  let shown = 0;
  for (const doc of docs) {
    const part = partOf(doc, viewerUserId, isAdmin, groups);
    if (blocks.length + part.length > HOME_BLOCKS - ACROSS_FRAME) break;
    blocks.push(...part);
    shown++;
  }
  const left = docs.length - shown;
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `${docs.length} program${docs.length === 1 ? '' : 's'} with a role of yours${left ? `; ${left} more not shown (\`/cutover list\`)` : ''} · \`/cutover help\` lists every command`,
      },
    ],
  });
  return { type: 'home', blocks };
}
