/**
 * The transitions: (cutover, command, actor, now) -> the next cutover with its events and history lines,
 * or a refusal that says why. Pure: no clock, no I/O; the input is never mutated.
 */
import {
  type DomainError,
  forbidden,
  fromZod,
  invalid,
  refused,
  stale,
  unchanged,
  unknown,
} from './errors.js';
import {
  approvedTarget,
  blockerState,
  currentTarget,
  derivedSnapshot,
  gateState,
  mayDecideGo,
  mayStartPhase,
  nextPhase,
  rolesFor,
  sameTarget,
  shortSha,
  signoffFor,
  targetLabel,
  unmetLine,
} from './readiness.js';
import {
  type Actor,
  Command,
  type Cutover,
  type DomainEvent,
  type GateResult,
  type GateStatus,
  type HistoryEntry,
  type PermissionAction,
  type TargetRef,
} from './schema.js';

export type NewHistory = Omit<HistoryEntry, 'seq'>;

export type Outcome =
  | {
      ok: true;
      cutover: Cutover;
      events: DomainEvent[];
      history: NewHistory[];
      message: string;
      /** Set when this is the answer to a request applied before (same key): nothing was written this time. */
      replayed?: boolean;
    }
  | { ok: false; error: DomainError };

export const BOT = 'cutover-bot';

/** How an actor is written in history: a Slack user id, "CI: <name>", or the bot. */
export function actorName(actor: Actor): string {
  if (actor.kind === 'user') return actor.userId;
  if (actor.kind === 'ci') return `CI: ${actor.name}`;
  return BOT;
}

const ACTION_WORDS: Record<PermissionAction, string> = {
  'role.assign': 'assign roles',
  'blocker.add': 'add blockers',
  'blocker.clear': 'clear this blocker',
  'blocker.reopen': 'reopen this blocker',
  'gate.set': 'set this gate',
  'target.publish': 'publish a release target',
  'target.approve': 'approve the release target',
  'evidence.log': 'log this evidence',
  decide: 'record decisions',
  phase: 'start or close phases',
  window: 'set the cutover window',
};

type Auth = { ok: true; asAdmin: boolean } | { ok: false; error: DomainError };

function holders(c: Cutover, roleIds: string[]): string {
  return roleIds
    .map((id) => {
      const r = c.roles.find((x) => x.id === id);
      return `${id} (${r?.assignee ? `<@${r.assignee}>` : 'unassigned'})`;
    })
    .join(', ');
}

/** The program's permission table, with admins allowed anything (marked) and CI only gates and evidence. */
export function authorize(
  c: Cutover,
  actor: Actor,
  action: PermissionAction,
  item: { owner?: string; side?: string } = {},
): Auth {
  if (actor.kind === 'system') return { ok: true, asAdmin: false };
  if (actor.kind === 'ci') {
    return action === 'gate.set' || action === 'evidence.log'
      ? { ok: true, asAdmin: false }
      : {
          ok: false,
          error: forbidden(`CI may only set gates and log evidence, not ${ACTION_WORDS[action]}.`),
        };
  }
  const allowed = rolesFor(c, action, item);
  const held = c.roles.filter((r) => r.assignee === actor.userId).map((r) => r.id);
  if (held.some((r) => allowed.includes(r))) return { ok: true, asAdmin: false };
  if (actor.isAdmin) return { ok: true, asAdmin: true };
  const who = allowed.length ? `Only ${holders(c, allowed)} or an admin may` : 'Only an admin may';
  const yours = held.length ? `You hold ${held.join(', ')}.` : 'You hold no role in this cutover.';
  return { ok: false, error: forbidden(`${who} ${ACTION_WORDS[action]}. ${yours}`) };
}

const slug = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '') || 'blocker';

function uniqueId(base: string, taken: Set<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

const upper = (s: string) => s.toUpperCase();

/** Collects the changes of one transition. */
class Change {
  events: DomainEvent[] = [];
  history: NewHistory[] = [];
  constructor(
    readonly c: Cutover,
    readonly actor: Actor,
    readonly at: string,
    readonly asAdmin: boolean,
  ) {}
  log(
    action: string,
    subject: string,
    before: string,
    after: string,
    note?: string,
    by = actorName(this.actor),
  ) {
    const entry: NewHistory = {
      at: this.at,
      by,
      asAdmin: by === BOT ? false : this.asAdmin,
      action,
      subject,
      before,
      after,
    };
    if (note) entry.note = note;
    this.history.push(entry);
  }
  emit(e: DomainEvent) {
    this.events.push(e);
  }
  stamp() {
    return { by: actorName(this.actor), at: this.at };
  }
  /** Voids every sign-off in force, telling why. */
  voidSignoffs(reason: string) {
    for (const s of this.c.signoffs) {
      if (s.voided) continue;
      s.voided = { at: this.at, reason };
      this.emit({ type: 'signoff.voided', side: s.side, reason });
      this.log(
        'signoff.voided',
        `sign-off ${s.side}`,
        `${upper(s.decision)} by ${s.by}`,
        'voided',
        reason,
        BOT,
      );
    }
  }
}

/** How many commits a per-commit gate keeps a result for (the newest). */
export const GATE_RESULTS_KEPT = 20;

/** A commit as a person knows it: the target label when it was a target, else its short SHA. */
function commitLabel(c: Cutover, sha: string): string {
  const t = c.targets.findLast((x) => x.sha === sha);
  return t ? targetLabel(t) : `commit ${shortSha(sha)}`;
}

/** Targets a person named by tag, full SHA or a hex prefix of 7 or more. */
function namedTargets(c: Cutover, name: string) {
  const byTag = c.targets.filter((t) => t.tag === name);
  if (byTag.length) return byTag;
  if (!/^[0-9a-f]{7,40}$/i.test(name)) return [];
  const prefix = name.toLowerCase();
  return c.targets.filter((t) => t.sha.startsWith(prefix));
}

/**
 * What a person was shown (`seen`: a target, or null for "none yet") against the target in force now. Undefined
 * `seen` makes no claim (typed commands, CI). A mismatch is refused, naming the target now.
 */
function staleSeen(seen: { tag: string; sha: string } | null | undefined, now: TargetRef | undefined) {
  if (seen === undefined) return undefined;
  if (seen === null ? !now : sameTarget(seen, now)) return undefined;
  const was = seen ? targetLabel(seen) : 'no release target';
  const is = now ? targetLabel(now) : 'no release target';
  return stale(
    'target',
    `The release target changed while you had this open: you were shown ${was}, and it is now ${is}. Nothing was recorded. Review ${now ? 'the new target' : 'the state'} (/cutover status), then try again.`,
  );
}

type Step = { ok: true; message: string } | { ok: false; error: DomainError };
const done = (message: string): Step => ({ ok: true, message });
const fail = (error: DomainError): Step => ({ ok: false, error });

function find<T extends { id: string }>(list: T[], id: string, field: string, kind: string) {
  const item = list.find((x) => x.id === id);
  return item
    ? { item }
    : {
        error: unknown(
          field,
          kind,
          id,
          list.map((x) => x.id),
        ),
      };
}

/** Applies one parsed command to `c` (a private copy) through `ch`. */
function step(c: Cutover, cmd: Command, actor: Actor, at: string): { step: Step; ch?: Change } {
  const begin = (action: PermissionAction, item?: { owner?: string; side?: string }) => {
    const auth = authorize(c, actor, action, item);
    return auth.ok ? { ch: new Change(c, actor, at, auth.asAdmin) } : { error: auth.error };
  };

  switch (cmd.type) {
    case 'role.assign': {
      const f = find(c.roles, cmd.role, 'role', 'role');
      if (f.error) return { step: fail(f.error) };
      const a = begin('role.assign');
      if (a.error) return { step: fail(a.error) };
      const role = f.item;
      if (role.assignee === cmd.user)
        return {
          step: fail(unchanged(`${role.id} is already ${cmd.user ? `<@${cmd.user}>` : 'unassigned'}.`)),
        };
      const before = role.assignee;
      role.assignee = cmd.user;
      a.ch.emit({ type: 'role.assigned', role: role.id, before, after: cmd.user });
      a.ch.log('role.assign', `role ${role.id}`, before ?? 'unassigned', cmd.user ?? 'unassigned');
      return {
        ch: a.ch,
        step: done(`${role.title} (${role.id}) is now ${cmd.user ? `<@${cmd.user}>` : 'unassigned'}.`),
      };
    }

    case 'blocker.add': {
      if (!c.roles.some((r) => r.id === cmd.owner))
        return {
          step: fail(
            unknown(
              'owner',
              'role',
              cmd.owner,
              c.roles.map((r) => r.id),
            ),
          ),
        };
      const a = begin('blocker.add');
      if (a.error) return { step: fail(a.error) };
      const phase = nextPhase(c);
      if (!phase) return { step: fail(refused('The program has no phase to block.')) };
      const id = uniqueId(slug(cmd.title), new Set(c.blockers.map((b) => b.id)));
      c.blockers.push({
        id,
        title: cmd.title,
        owner: cmd.owner,
        phase: phase.id,
        items: [],
        status: 'open',
        updated: a.ch.stamp(),
      });
      a.ch.emit({ type: 'blocker.added', blocker: id });
      a.ch.log('blocker.add', `blocker ${id}`, '—', 'open', cmd.title);
      return { ch: a.ch, step: done(`Blocker ${id} added before phase ${phase.id}, owned by ${cmd.owner}.`) };
    }

    case 'blocker.clear':
    case 'blocker.reopen': {
      const f = find(c.blockers, cmd.blocker, 'blocker', 'blocker');
      if (f.error) return { step: fail(f.error) };
      const b = f.item;
      const clearing = cmd.type === 'blocker.clear';
      if (b.derived) {
        const s = blockerState(c, b);
        return {
          step: fail(
            clearing
              ? refused(
                  s.status === 'cleared'
                    ? `Blocker ${b.id} is derived and already clear; it reopens by itself if its facts change.`
                    : `Blocker ${b.id} is derived: it clears itself when its facts hold, not by hand. Still unmet:`,
                  s.status === 'cleared' ? undefined : s.unmet,
                )
              : s.status === 'open'
                ? refused(
                    `Blocker ${b.id} is derived and already open: it clears itself when its facts hold, not by hand. Still unmet:`,
                    s.unmet,
                  )
                : refused(
                    `Blocker ${b.id} is derived: it reopens by itself when its facts change, not by hand.`,
                  ),
          ),
        };
      }
      const a = begin(clearing ? 'blocker.clear' : 'blocker.reopen', { owner: b.owner });
      if (a.error) return { step: fail(a.error) };
      if (clearing && b.status === 'cleared')
        return { step: fail(unchanged(`Blocker ${b.id} is already cleared.`)) };
      if (!clearing && b.status === 'open')
        return { step: fail(unchanged(`Blocker ${b.id} is already open.`)) };
      b.status = clearing ? 'cleared' : 'open';
      b.updated = a.ch.stamp();
      if (cmd.type === 'blocker.clear') {
        if (cmd.evidenceUrl) b.evidenceUrl = cmd.evidenceUrl;
        delete b.reopenReason;
        a.ch.emit({ type: 'blocker.cleared', blocker: b.id, derived: false });
        a.ch.log('blocker.clear', `blocker ${b.id}`, 'open', 'cleared', cmd.evidenceUrl);
        return { ch: a.ch, step: done(`Blocker ${b.id} cleared.`) };
      }
      b.reopenReason = cmd.reason;
      a.ch.emit({ type: 'blocker.reopened', blocker: b.id, derived: false, reason: cmd.reason });
      a.ch.log('blocker.reopen', `blocker ${b.id}`, 'cleared', 'open', cmd.reason);
      return { ch: a.ch, step: done(`Blocker ${b.id} reopened.`) };
    }

    case 'gate.set': {
      const f = find(c.gates, cmd.gate, 'gate', 'gate');
      if (f.error) return { step: fail(f.error) };
      const g = f.item;
      if (g.derived) {
        const s = gateState(c, g);
        return {
          step: fail(
            refused(
              `Gate ${g.id} is derived: it turns green by itself when its facts hold${s.unmet.length ? '. Still unmet:' : ', and it is green now.'}`,
              s.unmet.length ? s.unmet.map(unmetLine) : undefined,
            ),
          ),
        };
      }
      const a = begin('gate.set', { owner: g.owner });
      if (a.error) return { step: fail(a.error) };
      const cur = currentTarget(c);
      const moved = staleSeen(cmd.seen, cur);
      if (moved) return { step: fail(moved) };
      const sha = g.perTarget ? (cmd.sha ?? cur?.sha ?? null) : null;
      if (g.perTarget && !sha)
        return {
          step: fail(
            refused(
              `Gate ${g.id} verifies a commit, and no release target is published yet: publish the target first, or report the result with the commit it verified.`,
            ),
          ),
        };
      const counts = !g.perTarget || (!!cur && sha === cur.sha);
      const label = sha ? commitLabel(c, sha) : undefined;
      const prev = g.perTarget ? g.results.findLast((r) => r.sha === sha) : g.results.at(-1);
      const sameStatus = (prev?.status ?? 'pending') === cmd.status;
      const evidenceUrl = cmd.evidenceUrl ?? (sameStatus ? prev?.evidenceUrl : undefined);
      const runUrl = cmd.runUrl ?? (sameStatus ? prev?.runUrl : undefined);
      if (sameStatus && evidenceUrl === prev?.evidenceUrl && runUrl === prev?.runUrl)
        return {
          step: fail(unchanged(`Gate ${g.id} is already ${cmd.status}${label ? ` for ${label}` : ''}.`)),
        };
      const before = gateState(c, g).status;
      const tag = sha ? c.targets.findLast((t) => t.sha === sha)?.tag : undefined;
      const result: GateResult = {
        sha,
        ...(tag ? { tag } : {}),
        status: cmd.status,
        ...(evidenceUrl ? { evidenceUrl } : {}),
        ...(runUrl ? { runUrl } : {}),
        ...a.ch.stamp(),
      };
      // The latest result per commit (a gate not tied to a commit keeps one), the newest commits only.
      const kept = g.perTarget ? g.results.filter((r) => r.sha !== sha) : [];
      g.results = [...kept.slice(-(GATE_RESULTS_KEPT - 1)), result];
      a.ch.log(
        'gate.set',
        `gate ${g.id}`,
        prev?.status ?? 'pending',
        cmd.status,
        [
          label ? `for ${label}${counts ? '' : ' (not the current target)'}` : undefined,
          cmd.evidenceUrl ?? cmd.runUrl,
        ]
          .filter(Boolean)
          .join(': ') || undefined,
      );
      if (!counts) {
        const now = cur ? `the current target is ${targetLabel(cur)}` : 'no target is published';
        return {
          ch: a.ch,
          step: done(`Gate ${g.id}: ${cmd.status} recorded for ${label}, but ${now}, so it does not count.`),
        };
      }
      if (before === cmd.status)
        return {
          ch: a.ch,
          step: done(
            `Gate ${g.id} stays ${cmd.status}${label ? ` for ${label}` : ''}; its links are updated.`,
          ),
        };
      a.ch.emit({
        type: 'gate.changed',
        gate: g.id,
        before,
        after: cmd.status,
        derived: false,
        ...(cur && g.perTarget ? { target: { tag: cur.tag, sha: cur.sha } } : {}),
      });
      if (cmd.status === 'red' && before !== 'red') a.ch.voidSignoffs(`gate ${g.id} turned red`);
      return {
        ch: a.ch,
        step: done(`Gate ${g.id}: ${before} → ${cmd.status}${label ? ` for ${label}` : ''}.`),
      };
    }

    case 'target.publish': {
      const a = begin('target.publish');
      if (a.error) return { step: fail(a.error) };
      if (cmd.tag.toLowerCase() === 'approve')
        return {
          step: fail(
            invalid(
              'tag',
              '"approve" is a reserved word, not a release tag: give the release tag you publish.',
            ),
          ),
        };
      const cur = currentTarget(c);
      if (cur && sameTarget(cur, cmd))
        return { step: fail(unchanged(`${targetLabel(cur)} is already the current target.`)) };
      const moved = c.targets.find((t) => t.tag === cmd.tag && t.sha !== cmd.sha);
      if (moved)
        return {
          step: fail(
            invalid(
              'tag',
              `Tag ${cmd.tag} was published before at ${moved.sha}; a release tag is immutable. Publish a new tag for ${cmd.sha}.`,
            ),
          ),
        };
      if (cur) cur.superseded = a.ch.stamp();
      c.targets.push({ tag: cmd.tag, sha: cmd.sha, published: a.ch.stamp() });
      const label = targetLabel(cmd);
      a.ch.emit({ type: 'target.published', tag: cmd.tag, sha: cmd.sha });
      a.ch.log('target.publish', 'release target', cur ? targetLabel(cur) : 'none', `${label} (published)`);
      a.ch.voidSignoffs(`release target changed from ${cur ? targetLabel(cur) : 'none'} to ${label}`);
      return { ch: a.ch, step: done(`Release target ${label} published; it waits for approval.`) };
    }

    case 'target.approve': {
      const cur = currentTarget(c);
      if (!cur)
        return {
          step: fail(
            refused('There is no release target to approve. Publish one first: /cutover target <tag> <sha>.'),
          ),
        };
      const a = begin('target.approve');
      if (a.error) return { step: fail(a.error) };
      const named = namedTargets(c, cmd.target);
      if (new Set(named.map((t) => t.sha)).size > 1)
        return {
          step: fail(
            invalid(
              'target',
              `${cmd.target} matches more than one target (${named.map(targetLabel).join(', ')}): give the tag or more of the SHA.`,
            ),
          ),
        };
      if (!named.some((t) => t === cur)) {
        const other = named[0];
        return {
          step: fail(
            refused(
              `You named ${other ? `${targetLabel(other)}, which is no longer the current target` : `"${cmd.target}", which is no target`}; the target waiting for approval is ${targetLabel(cur)}. Review it, then approve it by name: /cutover target approve ${cur.tag}.`,
            ),
          ),
        };
      }
      if (cur.approved) return { step: fail(unchanged(`${targetLabel(cur)} is already approved.`)) };
      if (actor.kind === 'user' && cur.published.by === actor.userId)
        return {
          step: fail(refused(`You published ${targetLabel(cur)}; a different person must approve it.`)),
        };
      cur.approved = a.ch.stamp();
      a.ch.emit({ type: 'target.approved', tag: cur.tag, sha: cur.sha });
      a.ch.log(
        'target.approve',
        'release target',
        `${targetLabel(cur)} (published)`,
        `${targetLabel(cur)} (approved)`,
      );
      return { ch: a.ch, step: done(`Release target ${targetLabel(cur)} approved; it is now immutable.`) };
    }

    case 'evidence.log': {
      const f = find(c.evidence, cmd.evidence, 'evidence', 'evidence');
      if (f.error) return { step: fail(f.error) };
      const e = f.item;
      const a = begin('evidence.log', { side: e.side });
      if (a.error) return { step: fail(a.error) };
      const cur = currentTarget(c);
      if (!cur)
        return {
          step: fail(
            refused(
              'Evidence is logged against the release target, and none is published yet: /cutover target <tag> <sha>.',
            ),
          ),
        };
      if (cmd.sha && cmd.sha !== cur.sha)
        return {
          step: fail(
            stale(
              'sha',
              `That evidence is for ${commitLabel(c, cmd.sha)}, but the current target is ${targetLabel(cur)}: log evidence for the current target.`,
            ),
          ),
        };
      if (e.entries.some((x) => x.url === cmd.url && sameTarget(x.target, cur)))
        return { step: fail(unchanged(`That link is already logged as ${e.id} for ${targetLabel(cur)}.`)) };
      e.entries.push({ url: cmd.url, target: { tag: cur.tag, sha: cur.sha }, ...a.ch.stamp() });
      a.ch.emit({ type: 'evidence.logged', evidence: e.id, url: cmd.url });
      a.ch.log('evidence.log', `evidence ${e.id}`, '—', cmd.url, `for ${targetLabel(cur)}`);
      return { ch: a.ch, step: done(`Evidence ${e.id} logged for ${targetLabel(cur)}.`) };
    }

    case 'signoff': {
      const f = find(c.sides, cmd.side, 'side', 'side');
      if (f.error) return { step: fail(f.error) };
      const side = f.item;
      if (actor.kind !== 'user') return { step: fail(forbidden('Only a person signs off.')) };
      const commander = c.roles.find((r) => r.id === side.commanderRole);
      const holds = commander?.assignee === actor.userId;
      if (!holds && !actor.isAdmin)
        return {
          step: fail(
            forbidden(
              `Only ${holders(c, [side.commanderRole])} signs off for ${side.name}. ${
                c.sides.some((s) => c.roles.find((r) => r.id === s.commanderRole)?.assignee === actor.userId)
                  ? 'Each commander signs only for their own side.'
                  : 'You hold no commander role.'
              }`,
            ),
          ),
        };
      const other = c.signoffs.find((s) => !s.voided && s.side !== side.id && s.by === actor.userId);
      if (other)
        return {
          step: fail(
            refused(
              `You already signed for ${other.side}; two different people must sign. ${side.name}'s sign-off needs another person.`,
            ),
          ),
        };
      if (cmd.decision === 'no-go' && !cmd.rationale)
        return {
          step: fail(invalid('rationale', 'A NO-GO sign-off needs a rationale: say what must change.')),
        };
      const target = cmd.decision === 'go' ? approvedTarget(c) : currentTarget(c);
      const moved = staleSeen(cmd.seen, target ?? currentTarget(c));
      if (moved) return { step: fail(moved) };
      if (cmd.decision === 'go' && !target) {
        const cur = currentTarget(c);
        return {
          step: fail(
            refused(
              cur
                ? `A GO sign-off binds to an approved target, and ${targetLabel(cur)} is not approved yet.`
                : 'A GO sign-off binds to an approved release target, and none is published yet.',
            ),
          ),
        };
      }
      const ch = new Change(c, actor, at, !holds);
      const prev = signoffFor(c, side.id);
      if (prev) {
        prev.voided = { at, reason: 'replaced by a newer sign-off' };
        ch.log(
          'signoff.voided',
          `sign-off ${side.id}`,
          `${upper(prev.decision)} by ${prev.by}`,
          'voided',
          'replaced by a newer sign-off',
          BOT,
        );
      }
      const gates: Record<string, GateStatus> = {};
      for (const g of c.gates) gates[g.id] = gateState(c, g).status;
      c.signoffs.push({
        side: side.id,
        decision: cmd.decision,
        by: actor.userId,
        at,
        ...(target ? { target: { tag: target.tag, sha: target.sha } } : {}),
        gates,
        ...(cmd.rationale ? { rationale: cmd.rationale } : {}),
        ...(cmd.evidenceUrl ? { evidenceUrl: cmd.evidenceUrl } : {}),
        asAdmin: !holds,
      });
      ch.emit({ type: 'signoff.given', side: side.id, decision: cmd.decision });
      ch.log(
        'signoff',
        `sign-off ${side.id}`,
        prev ? upper(prev.decision) : 'none',
        upper(cmd.decision),
        [target ? `on ${targetLabel(target)}` : 'no target yet', cmd.rationale].filter(Boolean).join(': '),
      );
      return {
        ch,
        step: done(
          `${side.name} signed ${upper(cmd.decision)}${target ? ` on ${targetLabel(target)}` : ''}.`,
        ),
      };
    }

    case 'decide': {
      const f = find(c.decisions, cmd.decision, 'decision', 'decision');
      if (f.error) return { step: fail(f.error) };
      const d = f.item;
      const a = begin('decide');
      if (a.error) return { step: fail(a.error) };
      // Restating a decision as it stands is no change. NO-GO is always allowed: restated with a new rationale,
      // the rationale is updated in history, quietly (nothing changed that the channel must hear of).
      if (d.status === cmd.status && (cmd.status === 'go' || d.rationale === cmd.rationale))
        return { step: fail(unchanged(`${d.title} (${d.id}) is already ${upper(cmd.status)}.`)) };
      if (d.status === cmd.status) {
        Object.assign(d, { rationale: cmd.rationale, ...a.ch.stamp() });
        a.ch.log('decide', `decision ${d.id}`, upper(d.status), upper(d.status), cmd.rationale);
        return { ch: a.ch, step: done(`${d.title} stays ${upper(d.status)}; its rationale is updated.`) };
      }
      if (cmd.status === 'go') {
        const v = mayDecideGo(c, d.id);
        if (!v.ok) return { step: fail(refused(`${d.title} (${d.id}) cannot be GO yet. Unmet:`, v.unmet)) };
      }
      const before = d.status;
      Object.assign(d, { status: cmd.status, rationale: cmd.rationale, ...a.ch.stamp() });
      a.ch.emit({ type: 'decision.changed', decision: d.id, before, after: cmd.status });
      a.ch.log('decide', `decision ${d.id}`, upper(before), upper(cmd.status), cmd.rationale);
      return { ch: a.ch, step: done(`${d.title}: ${upper(before)} → ${upper(cmd.status)}.`) };
    }

    case 'phase': {
      const f = find(c.phases, cmd.phase, 'phase', 'phase');
      if (f.error) return { step: fail(f.error) };
      const p = f.item;
      const a = begin('phase');
      if (a.error) return { step: fail(a.error) };
      const before = p.status;
      if (cmd.action === 'start') {
        if (p.status !== 'not-started')
          return { step: fail(unchanged(`Phase ${p.id} is already ${p.status}.`)) };
        const v = mayStartPhase(c, p.id);
        if (!v.ok) return { step: fail(refused(`Phase ${p.id} cannot start yet. Unmet:`, v.unmet)) };
        p.status = 'started';
      } else {
        if (p.status === 'closed') return { step: fail(unchanged(`Phase ${p.id} is already closed.`)) };
        if (p.status === 'not-started')
          return { step: fail(refused(`Phase ${p.id} has not started; start it before closing it.`)) };
        p.status = 'closed';
      }
      a.ch.emit({ type: 'phase.changed', phase: p.id, before, after: p.status });
      a.ch.log('phase', `phase ${p.id}`, before, p.status);
      return { ch: a.ch, step: done(`Phase ${p.id} (${p.title}): ${before} → ${p.status}.`) };
    }

    case 'window': {
      const a = begin('window');
      if (a.error) return { step: fail(a.error) };
      if (Date.parse(cmd.end) <= Date.parse(cmd.start))
        return { step: fail(invalid('end', 'The window must end after it starts.')) };
      if (Date.parse(cmd.end) <= Date.parse(at))
        return {
          step: fail(invalid('end', 'That window is already over; give one that ends in the future.')),
        };
      if (c.window && c.window.start === cmd.start && c.window.end === cmd.end)
        return { step: fail(unchanged(`The cutover window is already ${cmd.start} – ${cmd.end} (UTC).`)) };
      const before = c.window ? `${c.window.start} – ${c.window.end}` : 'none';
      c.window = { start: cmd.start, end: cmd.end, set: a.ch.stamp() };
      a.ch.emit({ type: 'window.set', start: cmd.start, end: cmd.end });
      a.ch.log('window', 'cutover window', before, `${cmd.start} – ${cmd.end}`);
      return { ch: a.ch, step: done(`Cutover window set: ${cmd.start} – ${cmd.end} (UTC).`) };
    }
  }
}

/** Field names as a person knows them, for messages. */
const FIELD_NAMES: Record<string, string> = {
  sha: 'commit SHA',
  evidenceUrl: 'evidence link',
  runUrl: 'run link',
};

/**
 * Applies a command. `input` is parsed here, so CI, Slack and tests share one validation. Derived blockers
 * and gates that the change moved are told as events and history; a GO decision whose requirements no longer
 * hold falls back to NO-GO, said so.
 */
export function execute(cutover: Cutover, input: unknown, actor: Actor, now: Date): Outcome {
  const parsed = Command.safeParse(input);
  if (!parsed.success) return { ok: false, error: fromZod(parsed.error, FIELD_NAMES) };
  const cmd = parsed.data;
  const at = now.toISOString();
  const c = structuredClone(cutover);
  const before = derivedSnapshot(cutover);
  const { step: result, ch } = step(c, cmd, actor, at);
  if (!result.ok || !ch) return { ok: false, error: result.ok ? refused('Nothing to do.') : result.error };

  const cause = ch.history[0] ? `${ch.history[0].action} ${ch.history[0].subject}` : cmd.type;
  const after = derivedSnapshot(c);
  for (const b of c.blockers) {
    const was = before.blockers[b.id];
    const now_ = after.blockers[b.id];
    if (!b.derived || !was || was === now_) continue;
    if (now_ === 'cleared') ch.emit({ type: 'blocker.cleared', blocker: b.id, derived: true });
    else
      ch.emit({
        type: 'blocker.reopened',
        blocker: b.id,
        derived: true,
        reason: blockerState(c, b).unmet.join('; '),
      });
    ch.log('blocker.derived', `blocker ${b.id}`, was, now_ ?? 'open', `after ${cause}`, BOT);
  }
  const target = currentTarget(c);
  for (const g of c.gates) {
    const was = before.gates[g.id];
    const now_ = after.gates[g.id];
    if (!was || !now_ || was === now_) continue;
    if (g.derived) {
      ch.emit({ type: 'gate.changed', gate: g.id, before: was, after: now_, derived: true });
      ch.log('gate.derived', `gate ${g.id}`, was, now_, `after ${cause}`, BOT);
    } else if (!(cmd.type === 'gate.set' && cmd.gate === g.id)) {
      // A per-commit gate reads the new target's result: its earlier one is kept, shown as stale.
      const on = target ? { tag: target.tag, sha: target.sha } : undefined;
      ch.emit({
        type: 'gate.changed',
        gate: g.id,
        before: was,
        after: now_,
        derived: false,
        ...(on ? { target: on } : {}),
      });
      ch.log(
        'gate.target',
        `gate ${g.id}`,
        was,
        now_,
        on ? `no result for ${targetLabel(on)} yet` : `after ${cause}`,
        BOT,
      );
    }
  }
  for (const d of c.decisions) {
    if (d.status !== 'go' || cmd.type === 'decide') continue;
    const v = mayDecideGo(c, d.id);
    if (v.ok) continue;
    const rationale = `automatic: requirements no longer hold (${v.unmet.join('; ')})`;
    Object.assign(d, { status: 'no-go', rationale, by: BOT, at });
    ch.emit({ type: 'decision.changed', decision: d.id, before: 'go', after: 'no-go' });
    ch.log('decide', `decision ${d.id}`, 'GO', 'NO-GO', rationale, BOT);
  }
  c.updated = at;
  return { ok: true, cutover: c, events: ch.events, history: ch.history, message: result.message };
}
