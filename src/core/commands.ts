/**
 * The transitions: (cutover, command, actor, now) -> the next cutover with its events and history lines,
 * or a refusal that says why. Pure: no clock, no I/O; the input is never mutated. Each command's handler lives
 * with its family in ./commands/; the table below has one per command type, checked by the compiler.
 */
import { authorize } from './authorize.js';
import { archiveHandlers } from './commands/archive.js';
import { blockersHandlers } from './commands/blockers.js';
import {
  actorName,
  BOT,
  Change,
  type Handler,
  type NewHistory,
  type StepContext,
} from './commands/change.js';
import { decisionsHandlers } from './commands/decisions.js';
import { evidenceHandlers } from './commands/evidence.js';
import { gatesHandlers } from './commands/gates.js';
import { notesHandlers } from './commands/notes.js';
import { phasesHandlers } from './commands/phases.js';
import { recordsHandlers } from './commands/records.js';
import { rolesHandlers } from './commands/roles.js';
import { shapeHandlers } from './commands/shape.js';
import { signoffsHandlers } from './commands/signoffs.js';
import { targetsHandlers } from './commands/targets.js';
import { windowHandlers } from './commands/window.js';
import { draftOf, own } from './copy.js';
import { type DomainError, fromZod, invalid, needsConfirmation, refused } from './errors.js';
import { judgedAt } from './membership.js';
import { blockerState, currentTarget, derivedSnapshot, mayDecideGo } from './readiness.js';
import {
  type Actor,
  Command,
  type CommandType,
  Cutover,
  type DomainEvent,
  type PermissionAction,
} from './schema.js';
import { unmetWords } from './unmet.js';

export { authorize } from './authorize.js';
export { actorName, BOT, type NewHistory } from './commands/change.js';

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

/** Every command type to its handler: a missing one is a compile error. */
const HANDLERS: { [K in CommandType]: Handler<K> } = {
  ...rolesHandlers,
  ...blockersHandlers,
  ...gatesHandlers,
  ...targetsHandlers,
  ...evidenceHandlers,
  ...signoffsHandlers,
  ...decisionsHandlers,
  ...phasesHandlers,
  ...windowHandlers,
  ...shapeHandlers,
  ...archiveHandlers,
  ...notesHandlers,
  ...recordsHandlers,
};

/** Applies one parsed command to `c` (a private copy two levels deep: copy.ts `draftOf`) through its handler. */
function step(c: Cutover, cmd: Command, actor: Actor, at: string) {
  const ctx: StepContext = {
    c,
    actor,
    at,
    begin(action: PermissionAction, item?: { owner?: string; side?: string }) {
      const auth = authorize(c, actor, action, item);
      return auth.ok ? { ch: new Change(c, actor, at, auth.asAdmin) } : { error: auth.error };
    },
  };
  const handler = HANDLERS[cmd.type] as (ctx: StepContext, cmd: Command) => ReturnType<Handler<CommandType>>;
  return handler(ctx, cmd);
}

/** Field names as a person knows them, for messages. */
const FIELD_NAMES: Record<string, string> = {
  sha: 'commit SHA',
  evidenceUrl: 'evidence link',
  runUrl: 'run link',
};

/** The phases that a GO of `decision` allows (their start requires it) and that are running in `c`. */
export function runningOn(c: Cutover, decision: string): string[] {
  return c.phases
    .filter((p) => p.status === 'started' && p.startRequires?.decisionsGo.includes(decision))
    .map((p) => p.id);
}

/** What a change that took a GO did, in plain words: the first thing it changed (a gate result, evidence). */
function causeWords(ch: Change): string {
  const e = ch.entries[0]?.event;
  if (e?.type === 'gate.changed') return `gate ${e.gate} turned ${e.after}`;
  if (e?.type === 'evidence.logged') return `evidence ${e.evidence} logged`;
  return 'a change';
}

/** A list as a sentence: "a", "a and b", "a, b and c". */
const and = (xs: string[]) =>
  xs.length < 2 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`;

/**
 * The refusal of a change that would take the GO from under a running phase: what it would do, in words and as
 * data: "This voids both GO sign-offs and sets Runtime cutover execution (runtime-cutover) to NO-GO while phase 8
 * (Runtime cutover) is running."
 */
function goAtStake(
  before: Cutover,
  ch: { events: DomainEvent[] },
  atStake: { d: { id: string; title: string }; phases: string[] }[],
): DomainError {
  const voided = ch.events.flatMap((e) =>
    e.type === 'signoff.voided' &&
    before.signoffs.some((s) => s.side === e.side && !s.voided && s.decision === 'go')
      ? [e.side]
      : [],
  );
  const goSides = before.sides.length;
  const voids =
    voided.length === 0
      ? ''
      : voided.length === goSides && goSides === 2
        ? 'voids both GO sign-offs and '
        : voided.length === goSides && goSides > 2
          ? `voids all ${goSides} GO sign-offs and `
          : `voids the GO sign-off${voided.length > 1 ? 's' : ''} of ${and(voided.map((id) => before.sides.find((s) => s.id === id)?.name ?? id))} and `;
  const decisions = and(atStake.map(({ d }) => `${d.title} (${d.id})`));
  const phases = [...new Set(atStake.flatMap((a) => a.phases))];
  const phaseWords = and(
    phases.map((id) => `${id} (${before.phases.find((p) => p.id === id)?.title ?? id})`),
  );
  const sentence = `This ${voids}sets ${decisions} to NO-GO while phase ${phaseWords} ${phases.length > 1 ? 'are' : 'is'} running.`;
  return needsConfirmation(
    `${sentence} To go ahead anyway, send it again with a confirmation and the reason.`,
    {
      decisions: atStake.map(({ d }) => d.id),
      phases,
      signoffs: voided,
      sentence,
    },
  );
}

/**
 * Applies a command. `input` is parsed here, so CI, Slack and tests share one validation. Derived blockers
 * and gates that the change moved are told as events and history; a GO decision whose requirements no longer
 * hold falls back to NO-GO, said so.
 */
export function execute(cutover: Cutover, input: unknown, given: Actor, now: Date): Outcome {
  // A user-group membership counts only as fresh as Slack last confirmed it (core/membership.ts).
  const actor = judgedAt(given, now);
  const parsed = Command.safeParse(input);
  if (!parsed.success) return { ok: false, error: fromZod(parsed.error, FIELD_NAMES) };
  const cmd = parsed.data;
  const at = now.toISOString();
  if (cutover.archived)
    return {
      ok: false,
      error: refused(
        `${cutover.title} was archived at ${cutover.archived.at}${cutover.archived.reason ? ` (${cutover.archived.reason})` : ''}: it is read-only. Start a new program for the next cutover.`,
      ),
    };
  const c = draftOf(cutover);
  const before = derivedSnapshot(cutover);
  const { step: result, ch } = step(c, cmd, actor, at);
  if (!result.ok || !ch) return { ok: false, error: result.ok ? refused('Nothing to do.') : result.error };

  const after = derivedSnapshot(c);
  for (const b of c.blockers) {
    const was = before.blockers.get(b.id);
    const now_ = after.blockers.get(b.id);
    if (!b.derived || !was || was === now_) continue;
    if (now_ === 'cleared')
      ch.emit({ type: 'blocker.cleared', blocker: b.id, derived: true, title: b.title }, BOT);
    else
      ch.emit(
        {
          type: 'blocker.reopened',
          blocker: b.id,
          derived: true,
          reason: blockerState(c, b).unmet.map(unmetWords).join('; '),
          title: b.title,
        },
        BOT,
      );
  }
  const target = currentTarget(c);
  for (const g of c.gates) {
    const was = before.gates.get(g.id);
    const now_ = after.gates.get(g.id);
    if (!was || !now_ || was === now_) continue;
    if (g.derived) {
      ch.emit(
        { type: 'gate.changed', gate: g.id, before: was, after: now_, derived: true, title: g.title },
        BOT,
      );
    } else if (!(cmd.type === 'gate.set' && cmd.gate === g.id)) {
      // A per-commit gate reads the new target's result: its earlier one is kept, shown as stale.
      const on = target ? { tag: target.tag, sha: target.sha } : undefined;
      ch.emit(
        {
          type: 'gate.changed',
          gate: g.id,
          before: was,
          after: now_,
          derived: false,
          ...(on ? { target: on } : {}),
          title: g.title,
        },
        BOT,
      );
    }
  }
  // A GO whose requirements no longer hold falls back to NO-GO; under a running phase only when confirmed.
  const losing = c.decisions.flatMap((d) => {
    if (d.status !== 'go' || cmd.type === 'decide') return [];
    const v = mayDecideGo(c, d.id);
    return v.ok ? [] : [{ d, unmet: v.unmet, phases: runningOn(cutover, d.id) }];
  });
  const atStake = losing.filter((l) => l.phases.length > 0);
  if (atStake.length && actor.kind === 'user' && !cmd.confirm)
    return { ok: false, error: goAtStake(cutover, ch, atStake) };
  for (const { d, unmet, phases } of losing) {
    const rationale = `automatic: requirements no longer hold (${unmet.map(unmetWords).join('; ')})`;
    Object.assign(own(c.decisions, d), { status: 'no-go', rationale, by: BOT, at });
    ch.emit(
      {
        type: 'decision.changed',
        decision: d.id,
        before: 'go',
        after: 'no-go',
        title: d.title,
        automatic: true,
      },
      BOT,
    );
    if (!phases.length) continue;
    if (cmd.confirm)
      ch.emitFirst({ type: 'go.lost', decision: d.id, phases, how: 'confirmed', reason: cmd.confirm.reason });
    // CI cannot confirm: a result it reports is a fact, so it is recorded, and the channel told loudly.
    else
      ch.emitFirst(
        {
          type: 'go.lost',
          decision: d.id,
          phases,
          how: 'ci',
          reason: `${causeWords(ch)} (${actorName(actor)})`,
        },
        BOT,
      );
  }
  // An explicit NO-GO under a running phase is the person's own decision: told as loudly.
  if (
    cmd.type === 'decide' &&
    cmd.status === 'no-go' &&
    cutover.decisions.find((d) => d.id === cmd.decision)?.status === 'go'
  ) {
    const phases = runningOn(cutover, cmd.decision);
    if (phases.length)
      ch.emitFirst({
        type: 'go.lost',
        decision: cmd.decision,
        phases,
        how: 'decided',
        ...(cmd.rationale ? { reason: cmd.rationale } : {}),
      });
  }
  c.updated = at;
  // A change to the program's shape leaves a valid program, checked as a program file is (its refusal names the
  // field). Other changes are typed transitions: the store validates what each changed before it writes it.
  const valid = Object.hasOwn(shapeHandlers, cmd.type) ? Cutover.safeParse(c) : { success: true as const };
  if (!valid.success) {
    const issue = valid.error.issues[0];
    return {
      ok: false,
      error: invalid(
        String(issue?.path[0] ?? 'program'),
        `That change would leave the program invalid (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'see the program schema'}); nothing was changed.`,
      ),
    };
  }
  return { ok: true, cutover: c, events: ch.events, history: ch.history, message: result.message };
}
