/**
 * Who an alert asks, decided at delivery: what the core says is owed now (`obligations`) that no alert has asked of
 * the same holder yet, never what falls on the actor of the change alone (they have just acted, and know it).
 *
 * The document keeps a ledger of what was asked (`doc.asked`, keyed by `askedKey`): written in the same bookkeeping
 * write that records the alert delivered, with what fell on the actor marked known too. An entry no longer owed is
 * dropped in that write, so a thing owed again is asked again. An alert delivered late (after an outage) asks what is
 * owed when it goes out, not what was owed when the change was made and has been done since.
 *
 * Pure.
 */
import { type Obligation, obligationKey, obligations } from '../core/obligations.js';
import type { Actor, Cutover } from '../core/schema.js';
import type { AskedEntry } from '../service/document.js';

/**
 * One obligation as asked of its holders: the same action on the same item by the same holders, on the same target,
 * and (for a gate) at the same status, since a gate owed a result is owed again, louder, when it turns red.
 */
export const askedKey = (o: Obligation) =>
  `${obligationKey(o)} ${o.status ?? ''} ${o.target?.sha ?? ''} ${o.holders.join(',')}`;

/** The Slack user of an actor (none for CI or the bot: their changes fall on nobody). */
export const actorId = (actor: Actor): string | undefined =>
  actor.kind === 'user' ? actor.userId : undefined;

/** Whether `o` falls on the actor alone: they are its one holder. */
export const fallsOn = (o: Obligation, actor: string | undefined): boolean =>
  !!actor && o.holders.length === 1 && o.holders[0] === actor;

/**
 * The ledger of a program that has none yet (a new program, or a store written before the ledger): everything owed
 * in the state before its first alerted change counts as asked, so that change's alert asks what it made owed.
 * Computed once per program, in the write of that first change.
 */
export const seedLedger = (before: Cutover, at: string): AskedEntry[] =>
  obligations(before).map((o) => ({ key: askedKey(o), at }));

/**
 * What an alert by `actor` asks now: `owed` minus what was already asked (`already`, by key), minus what falls on
 * the actor alone (`fallsOn`). `known` is every key to mark asked once it is delivered: the asked ones and the actor's.
 */
export function askNow(
  owed: readonly Obligation[],
  already: ReadonlySet<string>,
  actor: string | undefined,
): { asked: Obligation[]; known: string[] } {
  const asked: Obligation[] = [];
  const known: string[] = [];
  for (const o of owed) {
    const key = askedKey(o);
    if (already.has(key) || known.includes(key)) continue;
    known.push(key);
    if (!fallsOn(o, actor)) asked.push(o);
  }
  return { asked, known };
}

/**
 * The ledger after a delivery: the entries still owed (`owed`, by key; every entry kept when it is not known), then
 * the keys `marked` by what was delivered, each once.
 */
export function nextLedger(
  ledger: readonly AskedEntry[],
  marked: readonly string[],
  owed: ReadonlySet<string> | undefined,
  at: string,
): AskedEntry[] {
  const kept = ledger.filter((e) => (owed ? owed.has(e.key) : true) && !marked.includes(e.key));
  return [...kept, ...[...new Set(marked)].map((key) => ({ key, at }))];
}
