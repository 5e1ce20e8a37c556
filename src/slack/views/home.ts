/**
 * App Home: one person's view of the cutover — their roles, what waits on them, the state at a glance, and
 * buttons to act. Pure: (document, viewer, isAdmin) -> home view, within 100 blocks however large the program
 * (waiting items beyond `MAX_WAITING` fold into one section; every section folds to 3000 characters).
 * Across programs (`homeAcross`): every program where the person holds a role, each with what waits on them and
 * the state at a glance, its buttons acting on that program; one program alone shows in full.
 */
import type { types } from '@slack/bolt';
import { holds, may } from '../../core/authorize.js';
import { type Obligation, obligations, obligationsOf } from '../../core/obligations.js';
import { nextPhase, type ReadinessReport, readiness } from '../../core/readiness.js';
import type { Cutover } from '../../core/schema.js';
import { goWord } from '../../format/words.js';
import { ACTIONS, actionValue } from '../ids.js';
import { problemCause } from './channel-problem.js';
import { settableGates } from './gate-modal.js';
import { asActor } from './modals.js';
import { obligationButton, obligationWords, roleTitle } from './obligations.js';
import { type RefusedAlert, refusedNotice } from './refused.js';
import { shapeOffers } from './shape-modal.js';
import { stateSections } from './status.js';
import { clip, esc, fold, plainLine, section, slackDate, titled } from './text.js';

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
 * What waits on this person: what the core says their roles (held in person or through a user group) owe now, and
 * for an admin what no role may do. An admin may act for anyone, but nothing else waits on them for being one.
 */
function waitingOn(
  c: Cutover,
  userId: string,
  report: ReadinessReport = readinessOf(c),
  groups: string[] = [],
  isAdmin = false,
): WaitingItem[] {
  return obligationsOf(obligations(c, report), userId, groups, isAdmin).map((o) => {
    const b = obligationButton(c, o);
    const role = o.role ? ` (as ${roleTitle(c, o.role)})` : ' (only an admin may)';
    const title = titleOf(c, o);
    const head = `${ICON[o.action]} *${capital(obligationWords(c, o))}*${role}${title ? `: ${title}` : ''}`;
    return {
      text: `${head}${detail(c, o, report)}`,
      button: button(b.text, b.actionId, actionValue(c.id, b.item), b.primary),
    };
  });
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The title of the item an obligation names, as typed (escaped): what a person recognises it by. */
function titleOf(c: Cutover, o: Obligation): string {
  const title =
    o.action === 'blocker.clear'
      ? c.blockers.find((b) => b.id === o.item)?.title
      : o.action === 'gate.set'
        ? c.gates.find((g) => g.id === o.item)?.title
        : o.action === 'evidence.log'
          ? c.evidence.find((e) => e.id === o.item)?.title
          : undefined;
  return title ? esc(clip(title, 300)) : '';
}

const ICON: Record<Obligation['action'], string> = {
  'role.assign': ':bust_in_silhouette:',
  'target.publish': ':package:',
  'target.approve': ':white_check_mark:',
  'evidence.log': ':paperclip:',
  'gate.set': ':vertical_traffic_light:',
  'blocker.clear': ':red_circle:',
  signoff: ':writing_hand:',
  decide: ':scales:',
  window: ':calendar:',
  'phase.start': ':triangular_flag_on_post:',
  'phase.close': ':checkered_flag:',
};

/** What a person should know before acting: a voided sign-off's reason, the command to type. */
function detail(c: Cutover, o: Obligation, report: ReadinessReport): string {
  switch (o.action) {
    case 'signoff': {
      const voided = c.signoffs.findLast((s) => s.side === o.item && s.voided);
      return voided?.voided && !c.signoffs.some((s) => s.side === o.item && !s.voided)
        ? `\nYour last one was voided: ${esc(clip(voided.voided.reason, 300))}.`
        : '';
    }
    case 'evidence.log':
      return `\n\`/cutover evidence ${esc(o.item ?? '')} &lt;url&gt;\``;
    case 'target.approve':
      return o.target ? `\n\`/cutover target approve ${esc(o.target.tag)}\`` : '';
    case 'decide': {
      const d = report.decisions.find((x) => x.id === o.item);
      return d ? `\nEvery GO requirement of ${esc(clip(d.title, 200))} holds.` : '';
    }
    default:
      return '';
  }
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
  /** Alerts Slack refused, and how each went out after (alerts/refused.ts). */
  refused?: RefusedAlert[];
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
  const waiting = waitingOn(c, viewerUserId, report, groups, isAdmin);
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
  if (may(c, asActor(viewer), 'tokens.manage'))
    actions.push(button('CI tokens', ACTIONS.openTokens, actionValue(c.id)));
  // Those with a stake in the program may post its record from here (core/stake.ts `mayPostRecord`).
  if (may(c, asActor(viewer), 'record.post'))
    actions.push(button('Post the decision record', ACTIONS.postRecord, actionValue(c.id)));

  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(plainLine(c.title), 150), emoji: true } },
    ...channelNotice(doc, isAdmin),
    ...refusedNotice(doc.refused, isAdmin),
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
    return `${esc(d.id)} *${goWord(d.status)}*${unmet}`;
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
  const waiting = waitingOn(c, viewerUserId, report, groups, isAdmin);
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
    ...refusedNotice(doc.refused, isAdmin).slice(0, 1),
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
