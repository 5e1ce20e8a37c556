/**
 * What every command handler shares: the record of one transition (`Change`: its events and history lines), the
 * step results, and small helpers. Pure: no clock, no I/O.
 */
import { own } from '../copy.js';
import { type DomainError, stale, unknown } from '../errors.js';
import { sameTarget, shortSha, targetLabel } from '../readiness.js';
import type {
  Actor,
  Command,
  Cutover,
  DomainEvent,
  HistoryEntry,
  PermissionAction,
  TargetRef,
  VoidCause,
} from '../schema.js';

/** A history entry as a change yields it (the store numbers it): who, when, as admin, and the typed event. */
export type NewHistory = Omit<HistoryEntry, 'seq'> & { event: DomainEvent };

export const BOT = 'cutover-bot';

/** How an actor is written in history: a Slack user id, "CI: <name>", or the bot. */
export function actorName(actor: Actor): string {
  if (actor.kind === 'user') return actor.userId;
  if (actor.kind === 'ci') return `CI: ${actor.name}${actor.token ? ` (token ${actor.token})` : ''}`;
  return BOT;
}

export const slug = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '') || 'blocker';

export function uniqueId(base: string, taken: Set<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

export const upper = (s: string) => s.toUpperCase();

/** Why sign-offs were voided, in the core's words (the event and the sign-off keep `cause` as data). */
export function voidReason(cause: VoidCause): string {
  switch (cause.kind) {
    case 'replaced':
      return 'replaced by a newer sign-off';
    case 'target':
      return `release target changed from ${cause.from ? targetLabel(cause.from) : 'none'} to ${targetLabel(cause.to)}`;
    case 'gate-red':
      return `gate ${cause.gate} turned red`;
    case 'gates':
      return `the gate set changed: gate ${cause.gate} ${cause.change}`;
  }
}

/**
 * Collects the changes of one transition: one list of typed events, each with who made it. History is that list;
 * the events the channel is told are those not kept `quiet` (a detail only history holds, such as a rationale
 * restated or a gate result for a commit that is not the target).
 */
export class Change {
  readonly entries: { event: DomainEvent; by: string; quiet: boolean }[] = [];
  constructor(
    readonly c: Cutover,
    readonly actor: Actor,
    readonly at: string,
    readonly asAdmin: boolean,
  ) {}
  /** What the channel is told, in order. */
  get events(): DomainEvent[] {
    return this.entries.filter((e) => !e.quiet).map((e) => e.event);
  }
  /** What history keeps, in order: every event, with who made it (the bot for what followed by itself). */
  get history(): NewHistory[] {
    return this.entries.map(({ event, by }) => ({
      at: this.at,
      by,
      asAdmin: by === BOT ? false : this.asAdmin,
      event,
    }));
  }
  /** An event the channel is told and history keeps; `by` the bot for what followed by itself. */
  emit(e: DomainEvent, by = actorName(this.actor)) {
    this.entries.push({ event: e, by, quiet: false });
  }
  /** An event history keeps and the channel need not hear of. */
  note(e: DomainEvent, by = actorName(this.actor)) {
    this.entries.push({ event: e, by, quiet: true });
  }
  /** An event told first (the running cutover lost its GO). */
  emitFirst(e: DomainEvent, by = actorName(this.actor)) {
    this.entries.unshift({ event: e, by, quiet: false });
  }
  stamp() {
    return { by: actorName(this.actor), at: this.at };
  }
  /** Voids every sign-off in force, telling why. */
  voidSignoffs(cause: VoidCause) {
    const reason = voidReason(cause);
    for (const given of this.c.signoffs) {
      if (given.voided) continue;
      const s = own(this.c.signoffs, given);
      s.voided = { at: this.at, reason, cause };
      this.emit(
        { type: 'signoff.voided', side: s.side, reason, cause, decision: s.decision, signer: s.by },
        BOT,
      );
    }
  }
}

/** How many commits a per-commit gate keeps a result for (the newest). */
export const GATE_RESULTS_KEPT = 20;

/** A commit as a person knows it: the target label when it was a target, else its short SHA. */
export function commitLabel(c: Cutover, sha: string): string {
  const t = c.targets.findLast((x) => x.sha === sha);
  return t ? targetLabel(t) : `commit ${shortSha(sha)}`;
}

/** Targets a person named by tag, full SHA or a hex prefix of 7 or more. */
export function namedTargets(c: Cutover, name: string) {
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
export function staleSeen(seen: { tag: string; sha: string } | null | undefined, now: TargetRef | undefined) {
  if (seen === undefined) return undefined;
  if (seen === null ? !now : sameTarget(seen, now)) return undefined;
  const was = seen ? targetLabel(seen) : 'no release target';
  const is = now ? targetLabel(now) : 'no release target';
  return stale(
    'target',
    `The release target changed while you had this open: you were shown ${was}, and it is now ${is}. Nothing was recorded. Review ${now ? 'the new target' : 'the state'}, then try again.`,
  );
}

export type Step = { ok: true; message: string } | { ok: false; error: DomainError };
export const done = (message: string): Step => ({ ok: true, message });
export const fail = (error: DomainError): Step => ({ ok: false, error });

/** The item with this id, or the unknown-id refusal naming the known ids (and the nearest, as `didYouMean`). */
export function find<T extends { id: string }>(list: T[], id: string, field: string, kind: string) {
  const found = list.find((x) => x.id === id);
  // The transition's own copy, to change as it needs (copy.ts `own`).
  const item = found && own(list, found);
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

/**
 * What a handler is given: the private copy it changes (its top level, lists and their elements are copies; anything
 * deeper is replaced, never changed in place: copy.ts `draftOf`), who acts, when, and `begin` (permission, then a Change).
 */
export interface StepContext {
  c: Cutover;
  actor: Actor;
  at: string;
  begin(
    action: PermissionAction,
    item?: { owner?: string; side?: string },
  ): { ch: Change; error?: undefined } | { error: DomainError; ch?: undefined };
}

export type StepResult = { step: Step; ch?: Change };

/** One command's handler: applies `cmd` to `ctx.c` (a private copy) through a Change, or refuses. */
export type Handler<K extends Command['type']> = (
  ctx: StepContext,
  cmd: Extract<Command, { type: K }>,
) => StepResult;

/** A family's handlers, keyed by command type. */
export type Handlers<K extends Command['type']> = { [P in K]: Handler<P> };
