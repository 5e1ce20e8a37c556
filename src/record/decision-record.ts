/**
 * The decision record: the store document as the Markdown the teams used to write by hand
 * (`../shared/seeds/`). Pure: `(document, now) -> Markdown`; people are named by the display names cached in
 * `doc.users`, never by Slack mention syntax, and every typed text is escaped for Markdown.
 */
import {
  currentEvidence,
  currentTarget,
  nextPhase,
  type ReadinessReport,
  readiness,
  rolesFor,
  sameTarget,
  sideName,
  signoffFor,
  staleEvidence,
} from '../core/readiness.js';
import type {
  Blocker,
  Cutover,
  EvidenceEntry,
  Gate,
  Link,
  PhaseStatus,
  Signoff,
  Stamp,
  Target,
  TargetRef,
} from '../core/schema.js';
import { isZone } from '../core/time.js';
import { type Unmet, unmetWords } from '../core/unmet.js';
import { commitLabel, utcStamp } from '../format/words.js';
import type { StoreDocument } from '../service/document.js';
import { mdCode, mdLines, mdLink, mdText, utcDay, zonedStamp } from './markdown.js';
import { timelineDiagram, timelineEntries } from './timeline.js';

const RECORD_TITLE = 'Runtime Cutover Decision Record';
/** How many history entries the record lists, newest first, unless told otherwise. */
export const RECORD_HISTORY = 25;

export interface RecordOptions {
  /** How many history entries to list, newest first, or `'all'` that the document holds (default 25). */
  history?: number | 'all';
}

/** The history entries the record lists, oldest first, and how many changes it leaves out. */
function historyShown(doc: StoreDocument, opts: RecordOptions) {
  const limit = opts.history ?? RECORD_HISTORY;
  const shown = limit === 'all' ? doc.history : doc.history.slice(-Math.max(0, limit));
  // Entries are numbered from 1 as they are appended: the newest one's number counts every change ever made,
  // also those the document no longer holds (the store keeps the whole log beside it).
  const total = Math.max(doc.history.at(-1)?.seq ?? 0, doc.history.length);
  return { shown, leftOut: total - shown.length };
}

const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;
/** The reason the core gives a sign-off voided by the side's next one (commands/signoffs.ts). */
const REPLACED = 'replaced by a newer sign-off';

/** Every Slack user id the record names: role holders and whoever signed, published, set or logged. */
export function referencedUsers(doc: StoreDocument, opts: RecordOptions = {}): string[] {
  const c = doc.cutover;
  const ids = new Set<string>();
  const add = (v: string | null | undefined) => {
    if (v && SLACK_USER.test(v)) ids.add(v);
  };
  for (const r of c.roles) add(r.assignee);
  for (const d of c.decisions) add(d.by);
  for (const b of c.blockers) add(b.updated?.by);
  for (const g of c.gates) for (const r of g.results) add(r.by);
  for (const t of c.targets) {
    add(t.published.by);
    add(t.approved?.by);
  }
  for (const e of c.evidence) for (const x of e.entries) add(x.by);
  for (const s of c.signoffs) add(s.by);
  add(c.window?.set.by);
  add(c.scope?.set.by);
  add(c.windowNotes?.set.by);
  for (const p of c.positions) add(p.set.by);
  for (const h of historyShown(doc, opts).shown) add(h.by);
  // The timeline names who decided, from history.
  for (const h of doc.history) if (h.action === 'decide') add(h.by);
  return [...ids].sort();
}

/**
 * The decision record of `doc` as Markdown. `now` dates a record of a program nobody has changed yet; `opts.history`
 * says how much of the history to list (the record says how many changes it leaves out, and where they are).
 */
export function decisionRecord(doc: StoreDocument, now: Date, opts: RecordOptions = {}): string {
  const c = doc.cutover;
  const plainName = (by: string) => (SLACK_USER.test(by) ? (doc.users[by]?.name ?? by) : by);
  const name = (by: string | null | undefined) => (by ? mdText(plainName(by)) : '_unassigned_');
  const stamp = (s: Stamp | undefined) => (s ? `${name(s.by)}, ${utcStamp(s.at)}` : '—');
  const role = (roleId: string) => {
    const r = c.roles.find((x) => x.id === roleId);
    return r ? `${mdText(r.title)} (${name(r.assignee)})` : mdCode(roleId);
  };
  const target = (t: TargetRef) => `${mdCode(t.tag)} @ ${mdCode(t.sha)}`;
  const r = readiness(c);

  const out: string[] = [];
  const section = (title: string, lines: string[]) => out.push('', `## ${title}`, ...lines);

  out.push(
    `# ${RECORD_TITLE}`,
    '',
    `Updated: ${utcDay(c.updated ?? now.toISOString())}  `,
    ...(c.scope ? [`Scope: ${mdText(c.scope.text)}  `] : []),
    `Program: ${mdText(c.title)} (${mdCode(c.id)}), release ${mdCode(c.release)}  `,
    `Owner: ${c.sides.map((s) => mdText(s.name)).join(' + ')} (${c.sides.length === 2 ? 'bilateral' : 'joint'})`,
  );

  section('Decision Status', [...decisionLines(c, r, name), ...waitingLines(c, r, role)]);
  section('Decision Record Links', linkLines(c.links, 'decision-record'));
  if (c.links.some((l) => l.group === 'decision-input'))
    section('Decision Inputs', linkLines(c.links, 'decision-input'));
  section('Runtime Command Ownership', ownershipLines(c, name));
  section('Runtime Cutover Window', windowLines(c, r, { stamp, role }));

  const phase = nextPhase(c);
  if (phase) {
    const started = phase.status !== 'not-started';
    section(
      `${started ? 'Blockers' : 'Remaining Blockers'} Before Phase ${mdText(phase.id)} Start`,
      blockerLines(c, r, phase.id, started, { role, stamp }),
    );
  }
  section('Stated Positions', positionLines(c, stamp));
  section('Required Gates', gateLines(c, r, { role, stamp }));
  section('Sign-offs', signoffLines(c, { role, name, stamp, target }));
  section('Release Target', targetLines(c, { stamp, name, target }));
  section('Phase Status Mapping', phaseLines(c, r));
  section('Cutover Timeline', timelineLines(doc, plainName));
  section('Latest Rollback Readiness Evidence', rollbackLines(c, { name, target }));
  section(
    'History',
    historyLines(doc, opts, name, (text) => mdText(namesIn(doc, text))),
  );
  out.push(
    '',
    '---',
    '',
    '_Generated by cutover-bot from its store. The state lives in the cutover bot in Slack: change it there, not in this file._',
    '',
  );
  return out.join('\n');
}

type Name = (by: string | null | undefined) => string;
type Stamper = (s: Stamp | undefined) => string;

const GO = (status: 'go' | 'no-go') => (status === 'go' ? '**GO**' : '**NO-GO**');

function decisionLines(c: Cutover, r: ReadinessReport, name: Name): string[] {
  if (!c.decisions.length) return ['No decisions are defined in the program.'];
  return c.decisions.flatMap((d, i) => {
    const lines = [`${i + 1}. ${mdText(d.title)}: ${GO(d.status)}`];
    if (d.rationale) lines.push(`   - Rationale: ${mdLines(d.rationale, 5)}`);
    if (d.by && d.at) lines.push(`   - Recorded by ${name(d.by)}, ${utcStamp(d.at)}`);
    const v = r.decisions.find((x) => x.id === d.id);
    if (d.goRequires && d.status !== 'go' && v) {
      lines.push(
        v.mayBeGo
          ? '   - Every requirement for GO holds; the decision itself is still NO-GO.'
          : `   - GO is not possible yet: ${v.unmet.length} requirement${v.unmet.length === 1 ? '' : 's'} unmet (see the blockers, gates and sign-offs below).`,
      );
    }
    return lines;
  });
}

function linkLines(links: Link[], group: Link['group']): string[] {
  const mine = links.filter((l) => l.group === group);
  if (!mine.length) return ['None listed in the program.'];
  return mine.flatMap((l, i) => [`${i + 1}. ${mdText(l.title)}:`, `   - ${mdLink(l.href)}`]);
}

/** "Rollback owner" of `producer-rollback-owner` on side `producer`: a role's kind, read from its id. */
function kindFromId(id: string, side: string | undefined): string {
  let words = id;
  if (side && words.startsWith(`${side}-`)) words = words.slice(side.length + 1);
  else if (side && words.endsWith(`-${side}`)) words = words.slice(0, -side.length - 1);
  const text = words.replace(/[-_.]+/g, ' ').trim() || id;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The kind of a role as the seeds write it: "Incident commander (producer)", "Rollback owner (consumer)", "Joint
 * decision log owner". A side's commander and the log owner are known from the program; any other role's kind is
 * read from its id, less the side.
 */
export function roleKind(c: Cutover, roleId: string): string {
  const r = c.roles.find((x) => x.id === roleId);
  const commanderOf = c.sides.find((s) => s.commanderRole === roleId);
  if (commanderOf) return `Incident commander (${commanderOf.id})`;
  if (roleId === c.logOwnerRole) return 'Joint decision log owner';
  const kind = kindFromId(roleId, r?.side);
  return r?.side ? `${kind} (${r.side})` : `${kind} (joint)`;
}

/** "1. Rollback owner (producer): MemoryKernel Release Owner, held by Robin Release (`producer-rollback-owner`)". */
function ownershipLines(c: Cutover, name: Name): string[] {
  return c.roles.map(
    (r, i) =>
      `${i + 1}. ${mdText(roleKind(c, r.id))}: ${mdText(r.title)}, ${r.assignee ? `held by ${name(r.assignee)}` : '_unassigned_'} (${mdCode(r.id)})`,
  );
}

/** Roles as a person reads them: "Integration Program Owner (Logan Log) or …", or "an admin". */
function rolesWho(roles: string[], role: (id: string) => string): string {
  return roles.length ? roles.map(role).join(' or ') : 'an admin';
}

/**
 * The window's status is the readiness report's: **Approved** only when it says a GO was given with the window
 * standing, **Proposed** when one is set but not approved, **Not approved** when none is set. What it waits on is
 * said in plain words; the notes people wrote follow.
 */
function windowLines(
  c: Cutover,
  r: ReadinessReport,
  f: { stamp: Stamper; role: (id: string) => string },
): string[] {
  const status = r.window.approved ? 'Approved' : r.window.set ? 'Proposed' : 'Not approved';
  const lines = [`- Status: **${status}**`];
  const why: string[] = [];
  if (!c.window) why.push(`a window to be set, by ${rolesWho(rolesFor(c, 'window'), f.role)}`);
  for (const d of r.window.awaiting)
    why.push(
      d.before
        ? `${mdText(d.title)} to be decided GO again: it went GO before this window was set, so its GO does not cover it`
        : `${mdText(d.title)} to be decided GO`,
    );
  if (why.length) lines.push(`- Waiting on: ${why.join('; ')}.`);
  if (c.windowNotes) lines.push(`- Notes (${f.stamp(c.windowNotes.set)}): ${mdLines(c.windowNotes.text, 2)}`);
  if (c.window) {
    const w = c.window;
    lines.push(`- UTC: ${utcStamp(w.start)} – ${utcStamp(w.end)}`);
    for (const s of c.sides)
      if (s.zone && isZone(s.zone))
        lines.push(
          `- ${mdText(s.name)} (${mdText(s.zone)}): ${zonedStamp(w.start, s.zone)} – ${zonedStamp(w.end, s.zone)}`,
        );
    lines.push(`- Set by ${f.stamp(w.set)}`);
  }
  return lines;
}

/** Each side's stated position, as the seeds' "Additional Pre-Cutover Evidence (Producer Position)". */
function positionLines(c: Cutover, stamp: Stamper): string[] {
  return c.sides.flatMap((side, i) => {
    const p = c.positions.find((x) => x.side === side.id);
    const head = `${i + 1}. ${mdText(side.name)} (${mdText(side.id)}) position: `;
    return p ? [`${head}${mdLines(p.text, 3)}`, `   - Stated by ${stamp(p.set)}`] : [`${head}_none stated_`];
  });
}

/** One unmet item in the record's words: what it waits for, without who (`waitingLines` says who). */
function waitingWhat(c: Cutover, u: Unmet): string {
  const t = (x: TargetRef) => `${mdCode(x.tag)} @ ${mdCode(x.sha.slice(0, 12))}`;
  switch (u.kind) {
    case 'target-missing':
      return 'a release target to be published';
    case 'target-unapproved':
      return `approval of release target ${t(u.target)}`;
    case 'signoff-missing':
      return `${mdText(u.sideName)}'s GO sign-off on the approved release target`;
    case 'signoff-same-person':
      return `a second person to sign for ${mdText(u.sideName)}: one person signed for two sides`;
    case 'evidence-missing':
      return u.target
        ? `${mdText(u.title)} to be logged for ${t(u.target)}${u.stale ? ' (what was logged is for an earlier target)' : ''}`
        : `${mdText(u.title)}, once a release target is published`;
    case 'blocker-open':
      return `blocker "${mdText(u.title)}" to clear`;
    case 'gate-not-green': {
      const g = c.gates.find((x) => x.id === u.gate);
      return `gate "${mdText(g?.title ?? u.gate)}" to be green${u.target ? ` on ${t(u.target)}` : ''} (it is ${u.status}${u.stale ? ', set for another commit' : ''})`;
    }
    case 'decision-not-go':
      return `${mdText(u.title)} to be decided GO`;
    default:
      return mdText(unmetWords(u));
  }
}

/** What the next NO-GO decision and the next phase wait on, each with who may act, in plain words. */
function waitingLines(c: Cutover, r: ReadinessReport, role: (id: string) => string): string[] {
  if (!r.next.length) return [];
  return [
    '',
    'Waiting on:',
    ...r.next.map(({ roles, unmet }) => `- ${waitingWhat(c, unmet)}, from ${rolesWho(roles, role)}`),
  ];
}

function evidenceLinks(c: Cutover, b: Blocker): string[] {
  const lines: string[] = [];
  if (b.evidenceUrl) lines.push(`   - Evidence: ${mdLink(b.evidenceUrl)}`);
  for (const cond of b.derived ?? [])
    if (cond.kind === 'evidence')
      for (const id of cond.evidence) {
        const e = c.evidence.find((x) => x.id === id);
        const cur = e && currentEvidence(c, e);
        lines.push(
          `   - Evidence ${mdCode(id)}${e ? ` (${mdText(e.title)})` : ''}: ${cur ? mdLink(cur.url) : 'not logged for the current target'}`,
        );
      }
  return lines;
}

function blockerLines(
  c: Cutover,
  r: ReadinessReport,
  phaseId: string,
  started: boolean,
  f: { role: (id: string) => string; stamp: Stamper },
): string[] {
  const list = c.blockers.flatMap((b) => {
    const s = r.blockers.find((x) => x.id === b.id);
    return b.phase === phaseId && s ? [{ b, s }] : [];
  });
  if (!list.length) return [`No blockers are recorded before phase ${mdText(phaseId)}.`];
  const open = list.filter(({ s }) => s.status === 'open').length;
  const lines = [
    started
      ? `Phase ${mdText(phaseId)} has started; ${open} of ${list.length} blockers are open.`
      : `${open} of ${list.length} open.`,
    '',
  ];
  list.forEach(({ b, s }, i) => {
    lines.push(`${i + 1}. ${mdText(b.title)}: **${s.status === 'open' ? 'Open' : 'Cleared'}**`);
    for (const item of b.items) lines.push(`   - ${mdLines(item, 5)}`);
    lines.push(
      `   - Id ${mdCode(b.id)}; owner: ${f.role(b.owner)}${b.derived ? '; derived: it clears itself when its facts hold' : ''}`,
    );
    lines.push(...evidenceLinks(c, b));
    if (b.derived) for (const u of s.unmet) lines.push(`   - Unmet: ${mdText(unmetWords(u))}`);
    if (s.status === 'open' && b.reopenReason) lines.push(`   - Reopened: ${mdLines(b.reopenReason, 5)}`);
    if (b.updated) lines.push(`   - Last changed by ${f.stamp(b.updated)}`);
  });
  return lines;
}

function gateLines(
  c: Cutover,
  report: ReadinessReport,
  f: { role: (id: string) => string; stamp: Stamper },
): string[] {
  if (!c.gates.length) return ['No gates are defined in the program.'];
  return c.gates.flatMap((g: Gate, i) => {
    const s = report.gates.find((x) => x.id === g.id);
    if (!s) return [];
    const lines = [
      `${i + 1}. ${mdText(g.title)}: **${s.status}**`,
      `   - Id ${mdCode(g.id)}; owner: ${f.role(g.owner)}${g.derived ? '; derived: green when its facts hold' : ''}`,
    ];
    const r = s.result;
    const on = r && commitLabel(r);
    if (on) lines.push(`   - Verified on ${mdCode(on)}`);
    if (r?.evidenceUrl) lines.push(`   - Evidence: ${mdLink(r.evidenceUrl)}`);
    if (r?.runUrl) lines.push(`   - Run: ${mdLink(r.runUrl)}`);
    for (const u of s.unmet) lines.push(`   - Unmet: ${mdText(unmetWords(u))}`);
    if (r) lines.push(`   - Set by ${f.stamp(r)}`);
    if (s.stale && s.latest) {
      const l = s.latest;
      lines.push(
        `   - Stale: ${l.status} on ${mdCode(commitLabel(l) ?? 'an unknown commit')}, not the current target (set by ${f.stamp(l)})`,
      );
    }
    return lines;
  });
}

function signoffBody(s: Signoff, f: { name: Name; target: (t: TargetRef) => string }): string {
  const on = s.target ? `on ${f.target(s.target)}` : 'before any release target';
  // Signed through a user group: which, and when Slack confirmed the membership.
  const member = s.membership
    ? ` (a member of ${mdCode(s.membership.group)}, confirmed ${utcStamp(s.membership.confirmedAt)})`
    : '';
  return `${GO(s.decision)} by ${f.name(s.by)}${s.asAdmin ? ' (as admin)' : ''}${member} ${on}, ${utcStamp(s.at)}`;
}

/**
 * What superseded a voided sign-off: the side's next sign-off when it was replaced, else the release target
 * published after the one it was given on (the first target, for a NO-GO given before any).
 */
function supersededBy(
  c: Cutover,
  s: Signoff,
  f: { name: Name; stamp: Stamper; target: (t: TargetRef) => string },
): string {
  const later = c.signoffs.slice(c.signoffs.indexOf(s) + 1);
  const next = later.find((x) => x.side === s.side);
  if (next && s.voided?.reason === REPLACED)
    return `superseded by the ${GO(next.decision)} of ${f.name(next.by)}, ${utcStamp(next.at)}`;
  const on = s.target ? c.targets.findIndex((t) => sameTarget(t, s.target)) : -1;
  const t = c.targets[on + 1];
  if (t && (on >= 0 || !s.target))
    return `superseded by release target ${f.target(t)}, published by ${f.stamp(t.published)}`;
  return `voided ${utcStamp(s.voided?.at ?? s.at)}`;
}

function signoffLines(
  c: Cutover,
  f: { role: (id: string) => string; name: Name; stamp: Stamper; target: (t: TargetRef) => string },
): string[] {
  return c.sides.flatMap((side, i) => {
    const current = signoffFor(c, side.id);
    const head = `${i + 1}. ${mdText(side.name)} (${mdCode(side.id)}): `;
    const lines = current
      ? [`${head}${signoffBody(current, f)}`]
      : [`${head}**Not signed**; owed by ${f.role(side.commanderRole)}`];
    if (current) {
      if (current.rationale) lines.push(`   - Rationale: ${mdLines(current.rationale, 5)}`);
      if (current.evidenceUrl) lines.push(`   - Evidence: ${mdLink(current.evidenceUrl)}`);
      const gates = Object.entries(current.gates)
        .map(([id, st]) => `${mdCode(id)} ${st}`)
        .join(', ');
      if (gates) lines.push(`   - Gates at signing: ${gates}`);
    }
    const voided = c.signoffs.filter((s) => s.side === side.id && s.voided).reverse();
    for (const s of voided)
      lines.push(
        `   - Voided: ~~${signoffBody(s, f)}~~; ${supersededBy(c, s, f)} (${mdLines(s.voided?.reason ?? '', 5)})`,
      );
    return lines;
  });
}

function entryLine(e: EvidenceEntry, f: { name: Name; target: (t: TargetRef) => string }): string {
  return `${mdLink(e.url)}, logged by ${f.name(e.by)}, ${utcStamp(e.at)}, for ${f.target(e.target)}`;
}

function targetLines(
  c: Cutover,
  f: { stamp: Stamper; name: Name; target: (t: TargetRef) => string },
): string[] {
  const t = currentTarget(c);
  const lines = t
    ? [
        `- Tag: ${mdCode(t.tag)}`,
        `- Commit: ${mdCode(t.sha)}`,
        `- Published: by ${f.stamp(t.published)}`,
        `- Approved: ${t.approved ? `by ${f.stamp(t.approved)}` : '**Not approved**'}`,
      ]
    : ['- **No release target is published yet.**'];
  const earlier = c.targets.filter((x) => x.superseded);
  if (earlier.length) {
    lines.push('- Superseded targets:');
    for (const x of earlier) {
      const by: Target | undefined = c.targets[c.targets.indexOf(x) + 1];
      const what = by ? ` by ${f.target(by)}` : '';
      lines.push(
        `  - ${f.target(x)}: published by ${f.stamp(x.published)}; superseded${what} (${f.stamp(x.superseded)})`,
      );
    }
  }
  if (c.evidence.length) {
    lines.push(`- Evidence${t ? ` for ${f.target(t)}` : ''}:`);
    for (const e of c.evidence) {
      const cur = currentEvidence(c, e);
      const stale = staleEvidence(c, e).length;
      const state = cur ? entryLine(cur, f) : 'missing';
      const note = stale ? ` (${stale} entr${stale === 1 ? 'y' : 'ies'} for an earlier target)` : '';
      lines.push(`  - ${mdText(e.title)} (${mdCode(e.id)}, ${mdText(sideName(c, e.side))}): ${state}${note}`);
    }
  }
  return lines;
}

const PHASE_WORD: Record<PhaseStatus, string> = {
  'not-started': 'Not Started',
  started: 'Started',
  closed: 'Closed',
};

function phaseLines(c: Cutover, r: ReadinessReport): string[] {
  return c.phases.map((p) => {
    const v = p.status === 'not-started' ? r.phases.find((x) => x.id === p.id) : undefined;
    const blocked = v && !v.mayStart ? `; blocked: ${v.unmet.length} unmet` : v ? '; may start' : '';
    return `- Phase ${mdText(p.id)}: **${PHASE_WORD[p.status]}** (${mdText(p.title)}${blocked})`;
  });
}

function rollbackLines(c: Cutover, f: { name: Name; target: (t: TargetRef) => string }): string[] {
  const lines: string[] = [];
  const target = currentTarget(c);
  for (const id of c.rollbackEvidence) {
    const e = c.evidence.find((x) => x.id === id);
    if (!e) continue;
    const latest = e.entries.at(-1);
    const earlier = latest && !sameTarget(latest.target, target) ? ' (an earlier target)' : '';
    lines.push(
      `- ${mdText(e.title)} (${mdCode(e.id)}, ${mdText(sideName(c, e.side))}): ${latest ? `${entryLine(latest, f)}${earlier}` : 'not logged yet'}`,
    );
  }
  for (const l of c.links.filter((x) => x.group === 'rollback-readiness'))
    lines.push(`- ${mdText(l.title)}:`, `  - ${mdLink(l.href)}`);
  return lines.length ? lines : ['No rollback-readiness evidence is logged or linked.'];
}

/** History texts carry user ids ("GO by U123"): the cached display names replace them. */
const namesIn = (doc: StoreDocument, text: string) =>
  text.replace(/\b[UW][A-Z0-9]{2,}\b/g, (id) => doc.users[id]?.name ?? id);

/** The cutover's moments as a Mermaid timeline (GitHub renders it), the newest when there are many. */
function timelineLines(doc: StoreDocument, name: (by: string) => string): string[] {
  const entries = timelineEntries(doc, name);
  if (!entries.length) return ['Nothing has happened on this cutover yet.'];
  const diagram = timelineDiagram(doc.cutover.title, entries);
  const left = entries.length - diagram.shown;
  return [
    ...(left > 0
      ? [
          `The newest ${diagram.shown} moments; ${left} earlier ${left === 1 ? 'one is' : 'ones are'} in the sections and the history below.`,
          '',
        ]
      : []),
    '```mermaid',
    diagram.text,
    '```',
  ];
}

/** Where the history the record leaves out is kept, and how to list it all. */
const HISTORY_ELSEWHERE =
  "The whole history is in the store's history log (the `.history.jsonl` file beside the store file); `npm run record -- --db <store-file> --history all` writes a record that lists every change.";

function historyLines(
  doc: StoreDocument,
  opts: RecordOptions,
  name: Name,
  text: (s: string) => string,
): string[] {
  const { shown: oldestFirst, leftOut } = historyShown(doc, opts);
  if (!oldestFirst.length && !leftOut) return ['No changes are recorded yet.'];
  const shown = [...oldestFirst].reverse();
  const count = (n: number) => (n === 1 ? '1 change' : `${n} changes`);
  const head = leftOut
    ? [
        `The last ${count(shown.length)}, newest first; ${leftOut === 1 ? '1 earlier change is' : `${leftOut} earlier changes are`} left out.`,
        HISTORY_ELSEWHERE,
      ]
    : [shown.length === 1 ? 'The one change, newest first.' : `All ${shown.length} changes, newest first.`];
  return [
    ...head,
    '',
    ...shown.map((h, i) => {
      const admin = h.asAdmin ? ' (as admin)' : '';
      // A note (a rationale, a reason) keeps its lines, quoted under the entry.
      const note = h.note ? `: ${mdLines(namesIn(doc, h.note), `${i + 1}. `.length)}` : '';
      return `${i + 1}. ${utcStamp(h.at)}, ${name(h.by)}${admin}: ${mdText(h.action)} ${text(h.subject)}, ${text(h.before)} → ${text(h.after)}${note}`;
    }),
  ];
}
