/**
 * Who owes what now: the one answer. Every surface that asks someone to act — the alert's "Next:", the status
 * summary and its buttons, App Home's "waiting on you", the reminders — renders this list and decides nothing of its
 * own. An obligation names the role that must act, who holds it, the one action and the item; it is listed only when
 * the action can be taken now (no "publish the target first": that is the publisher's obligation, not the signer's),
 * and only for a holder the rules let take it (`may`: nobody approves a target they published).
 */
import { z } from 'zod';
import { may } from './authorize.js';
import {
  approvedTarget,
  currentEvidence,
  currentTarget,
  nextPhase,
  type ReadinessReport,
  readiness,
  rolesFor,
  sameTarget,
  signoffFor,
} from './readiness.js';
import { type Actor, type Cutover, GateStatus, Id, isGroup, TargetRef } from './schema.js';

export const ObligationAction = z.enum([
  'role.assign',
  'target.publish',
  'target.approve',
  'evidence.log',
  'gate.set',
  'blocker.clear',
  'signoff',
  'decide',
  'window',
  'phase.start',
  'phase.close',
]);
export type ObligationAction = z.infer<typeof ObligationAction>;

export const Obligation = z.object({
  /** The role that must act; null when no role may (only an admin can). */
  role: Id.nullable(),
  /** Who holds that role now: a person or a user group; empty while it is unassigned. */
  holders: z.array(z.string()),
  action: ObligationAction,
  /** What it is done to: the role to assign, the side to sign for, the gate, evidence, blocker, decision or phase. */
  item: z.string().optional(),
  /** The release target it binds to (approve, sign, log evidence, set a per-commit gate). */
  target: TargetRef.optional(),
  /** A gate's status now: a gate owed a result is owed again, louder, when it turns red. */
  status: GateStatus.optional(),
});
export type Obligation = z.infer<typeof Obligation>;

const ref = (t: TargetRef): TargetRef => ({ tag: t.tag, sha: t.sha });

/** The holder of a role as the actor the rules check: a person, or a group (any member acts for it). */
function holderActor(holder: string): Actor {
  return { kind: 'user', userId: holder, isAdmin: false, ...(isGroup(holder) ? { groups: [holder] } : {}) };
}

const holdersOf = (c: Cutover, role: string) => {
  const a = c.roles.find((r) => r.id === role)?.assignee;
  return a ? [a] : [];
};

/**
 * The roles an item's action falls on. An item with an owner (a blocker, a gate) is the owner's to move, though
 * the table may let others act too; otherwise every role the permissions name. None: only an admin.
 */
function rolesOwing(
  c: Cutover,
  action: Parameters<typeof rolesFor>[1],
  item: { owner?: string; side?: string } = {},
) {
  const roles = rolesFor(c, action, item);
  if (item.owner && roles.includes(item.owner)) return [item.owner];
  return roles;
}

/** Everything someone must do now, in the order a release engineer would do it; each (role, action, item) once. */
export function obligations(c: Cutover, r: ReadinessReport = readiness(c)): Obligation[] {
  if (c.archived) return [];
  const out: Obligation[] = [];
  const seen = new Set<string>();
  const add = (
    roles: string[],
    action: ObligationAction,
    extra: { item?: string; target?: TargetRef; status?: GateStatus } = {},
    allowed: (holder: string) => boolean = () => true,
  ) => {
    const list = roles.length ? roles : [null];
    for (const role of list) {
      const holders = role ? holdersOf(c, role) : [];
      // A holder the rules refuse this action (the publisher, for the approval) is not asked: nobody is, for it.
      if (holders.length && !holders.every(allowed)) continue;
      const key = `${role}|${action}|${extra.item ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ role, holders, action, ...extra });
    }
  };

  // Roles nobody holds: whoever may assign roles owes the assignment.
  for (const role of c.roles)
    if (!role.assignee) add(rolesFor(c, 'role.assign'), 'role.assign', { item: role.id });

  // Once the last phase has started, the cutover is under way: nothing before it is owed any more.
  const running = c.phases.at(-1)?.status !== 'not-started';
  const target = currentTarget(c);
  if (!target && !running) add(rolesFor(c, 'target.publish'), 'target.publish');
  if (target && !target.approved)
    add(rolesFor(c, 'target.approve'), 'target.approve', { target: ref(target) }, (h) =>
      may(c, holderActor(h), 'target.approve'),
    );

  // Each side owes a GO on the approved target until it gives one: a NO-GO, or one given before the approval, is
  // asked again (the decision waits on it, as the readiness report says).
  const approved = approvedTarget(c);
  if (approved && !running)
    for (const side of c.sides) {
      const s = signoffFor(c, side.id);
      if (s?.decision === 'go' && sameTarget(s.target, approved)) continue;
      // Two different people sign: a holder who signed for another side cannot sign for this one.
      const signedOther = (h: string) =>
        c.signoffs.some((x) => !x.voided && x.side !== side.id && x.by === h);
      add(
        [side.commanderRole],
        'signoff',
        { item: side.id, target: ref(approved) },
        (h) => may(c, holderActor(h), 'signoff', { side: side.id }) && !signedOther(h),
      );
    }

  // Evidence is owed for the approved target: the one the teams sign.
  if (approved && !running)
    for (const e of c.evidence)
      if (!currentEvidence(c, e))
        add(rolesOwing(c, 'evidence.log', { side: e.side }), 'evidence.log', {
          item: e.id,
          target: ref(approved),
        });

  if (!running)
    for (const g of r.gates) {
      if (g.derived || g.status === 'green') continue;
      const gate = c.gates.find((x) => x.id === g.id);
      if (gate?.perTarget && !target) continue;
      add(rolesOwing(c, 'gate.set', { owner: g.owner }), 'gate.set', {
        item: g.id,
        ...(gate?.perTarget && target ? { target: ref(target) } : {}),
        status: g.status,
      });
    }

  for (const b of r.blockers) {
    if (b.derived || b.status !== 'open') continue;
    if (c.phases.find((p) => p.id === b.phase)?.status !== 'not-started') continue;
    add(rolesOwing(c, 'blocker.clear', { owner: b.owner }), 'blocker.clear', { item: b.id });
  }

  for (const d of r.decisions)
    if (d.status === 'no-go' && d.mayBeGo && c.decisions.find((x) => x.id === d.id)?.goRequires)
      add(rolesFor(c, 'decide'), 'decide', { item: d.id });

  if (!c.window && !running) add(rolesFor(c, 'window'), 'window');

  const phase = nextPhase(c);
  if (phase && r.phases.find((p) => p.id === phase.id)?.mayStart)
    add(rolesFor(c, 'phase'), 'phase.start', { item: phase.id });
  for (const p of c.phases)
    if (p.status === 'started') add(rolesFor(c, 'phase'), 'phase.close', { item: p.id });
  return out;
}

/** Whether this person (with their user groups) holds the role an obligation falls on. */
export function owes(o: Obligation, userId: string, groups: readonly string[] = []): boolean {
  return o.holders.some((h) => h === userId || (isGroup(h) && groups.includes(h)));
}

/** The obligations that fall on this person: those of the roles they hold, and, for an admin, those no role may take. */
export function obligationsOf(
  list: readonly Obligation[],
  userId: string,
  groups: readonly string[] = [],
  isAdmin = false,
): Obligation[] {
  return list.filter((o) => owes(o, userId, groups) || (isAdmin && o.role === null));
}

/** A stable key for (role, action, item): what the surfaces are checked to agree on. */
export const obligationKey = (o: Pick<Obligation, 'role' | 'action' | 'item'>) =>
  `${o.role ?? '(admin)'} ${o.action} ${o.item ?? ''}`;

/**
 * Who must act when a running cutover loses its GO (the `go.lost` event): the rollback owners (the roles whose id or
 * title names a rollback: the program file has no other mark of them) to roll back or hold, then each side's
 * incident commander to restore the GO or record the NO-GO. Each surface says it in its own words.
 */
export function lostGoResponders(c: Cutover): { rollback: Cutover['roles']; commanders: Cutover['roles'] } {
  return {
    rollback: c.roles.filter((r) => /rollback/i.test(`${r.id} ${r.title}`)),
    commanders: c.sides.flatMap((side) => c.roles.filter((r) => r.id === side.commanderRole)),
  };
}
