/**
 * Delivers the outbox, after the ack and never before it: woken when a change is committed (and by its own
 * timers), it posts each channel's items in order, at most one message per `paceMs` per channel, folding what is
 * due together into one message. A post that fails stays in the outbox with a `notBefore`: exponential backoff
 * for network errors and 5xx, `Retry-After` for a 429. After a post succeeds the items move to `delivered` in one
 * store write. Pending items live in the store file, so a restart delivers them.
 *
 * Exactly once: an item leaves the outbox in the same write that records its message ts; until that write lands
 * the ts is also kept in memory, so a failed write never causes a second post. Each message carries its item ids
 * in `metadata`; after an attempt that may have reached Slack (connection lost, 5xx), and for items queued before
 * this process started (the last one may have posted them and stopped before recording it), the channel's recent
 * messages are searched for those ids before posting. See README "Alerts" for what remains.
 *
 * A payload Slack refuses (`invalid_blocks`, `msg_too_long`…) is never dropped: a folded message is split into its
 * items, and an item refused alone goes again as plain text without blocks, then as cut text (refused.ts), once
 * each; every refusal is logged with the payload's shape and kept for admins' App Home (`doc.refused`). An item
 * leaves the outbox only in the write that records it delivered, or, when Slack refused every form of it, in the
 * write that tells admins so.
 *
 * A channel the bot cannot post in (`not_in_channel`, `channel_not_found`) is an outage (channel-problem.ts): the
 * items wait with backoff, each person whose change waits is told once by direct message, and the outage ends
 * with the next post there that succeeds.
 */
import type { types } from '@slack/bolt';
import { type Clock, MAX_TIMER_MS } from '../runtime/clock.js';
import { createWorker, type Worker } from '../runtime/worker.js';
import type { CutoverService } from '../service/cutover-service.js';
import type { OutboxItem, StoreDocument } from '../service/document.js';
import { nextLedger } from './asked.js';
import { backoffMs, byChannel, foldTexts, messageBlocks, planChannel } from './batch.js';
import { type ChannelProblem, endProblem, noteProblem, problemMessage } from './channel-problem.js';
import type { Lease } from './lease.js';
import {
  nextForm,
  noteRefusal,
  payloadShape,
  plainAlertText,
  settleRefusals,
  shortAlertText,
} from './refused.js';
import { createRenderer, type Rendered } from './render.js';
import { type AlertSlack, classify, DeliveryError, type Failure } from './slack-port.js';
import { untold } from './tally.js';

const ALERT_EVENT = 'cutover_alert';

export interface Logger {
  info(...msg: unknown[]): void;
  warn(...msg: unknown[]): void;
  error(...msg: unknown[]): void;
}

/** When each channel was last posted to: shared by the alerts and the status board, so both keep the pace. */
export interface Pacer {
  last(channel: string): number | undefined;
  mark(channel: string, at: number): void;
}

export function createPacer(): Pacer {
  const last = new Map<string, number>();
  return { last: (c) => last.get(c), mark: (c, at) => last.set(c, at) };
}

export interface DeliveryOptions {
  /** At most one message per channel per this many ms (Slack: about one per second). */
  paceMs?: number;
  /** Backoff after network errors and 5xx: base, doubled per attempt, capped. */
  backoff?: { baseMs: number; maxMs: number };
  /** How many delivered ids the store keeps. */
  deliveredLimit?: number;
}

interface DispatcherDeps extends DeliveryOptions {
  service: CutoverService;
  /** Whether this replica delivers this program's alerts now (alerts/lease.ts). */
  lease: Lease;
  slack: AlertSlack;
  clock: Clock;
  pacer: Pacer;
  logger: Logger;
  /** Hears when an outage of a channel begins (the problem) or ends (`undefined`): App Home shows it to admins. */
  onChannelProblem?: (problem: ChannelProblem | undefined) => void;
  /** Hears when Slack refused an alert, or a refused one was delivered after: App Home shows them to admins. */
  onRefused?: () => void;
}

/** The line logged when a failure puts items off for more than an hour (once per failure, not per timer). */
function longWaitLine(ids: string[], until: Date, failure: Failure): string {
  const why =
    failure.kind === 'rate-limited'
      ? `Retry-After ${Math.round(failure.retryAfterMs / 1000)} s`
      : failure.message;
  const what = ids.length === 1 ? `item ${ids[0]} waits` : `items ${ids.join(', ')} wait`;
  return `alerts: ${what} until ${until.toISOString()} (${why})`;
}

/** Woken by every committed change (and by reminders), on start, and by its own timers. */
export type Dispatcher = Worker;

export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const { service, slack, clock, pacer, logger } = deps;
  const paceMs = deps.paceMs ?? 1000;
  const backoff = deps.backoff ?? { baseMs: 2000, maxMs: 5 * 60_000 };
  const limit = deps.deliveredLimit ?? 500;
  /** Posted, but the store write that records it has not landed yet. */
  const sent = new Map<string, string>();
  /** What each item about to be posted, or posted and not recorded yet, marks asked (asked.ts). */
  const asks = new Map<string, string[]>();
  /** Items Slack refused as part of a folded message: each goes alone next, to find the one at fault. */
  const solo = new Set<string>();
  /** Items queued before this process started may have been posted just before the last one stopped. */
  let startedAt = clock.now().getTime();
  const lookedUp = new Set<string>();

  /**
   * Records posted items; `channel` when a post there just succeeded, which ends its outage (if any). What their
   * alerts asked joins the ledger in the same write (asked.ts), which keeps only what is still `owed` (when known).
   */
  async function record(entries: { id: string; ts: string }[], channel?: string, owed?: ReadonlySet<string>) {
    const at = clock.now().toISOString();
    const ended = channel !== undefined && service.document().channelProblem?.channel === channel;
    const ids = new Set(entries.map((e) => e.id));
    const wasRefused = service.document().refused.some((r) => ids.has(r.id));
    await service.update((doc) => {
      const known = new Set(doc.delivered.map((d) => d.id));
      const added = entries.filter((e) => !known.has(e.id)).map((e) => ({ ...e, at }));
      const delivered = [...doc.delivered, ...added].slice(-limit);
      // An alert Slack refused, now delivered: in the form it went out in.
      const marks = added.flatMap((e) => asks.get(e.id) ?? []);
      const asked = marks.length || owed ? nextLedger(doc.asked ?? [], marks, owed, at) : doc.asked;
      let next = {
        ...doc,
        outbox: doc.outbox.filter((i) => !ids.has(i.id)),
        delivered,
        ...(asked ? { asked } : {}),
      };
      for (const form of ['text', 'short'] as const) {
        const settled = new Set(
          doc.outbox.filter((i) => ids.has(i.id) && i.degraded === form).map((i) => i.id),
        );
        next = settleRefusals(next, settled, form);
      }
      return { next: channel === undefined ? next : endProblem(next, channel), result: undefined };
    });
    if (wasRefused) deps.onRefused?.();
    for (const e of entries) {
      sent.delete(e.id);
      asks.delete(e.id);
      solo.delete(e.id);
    }
    if (ended) {
      logger.info(`alerts: posting in ${channel} works again; the waiting alerts go out`);
      deps.onChannelProblem?.(undefined);
    }
  }

  async function failed(
    items: OutboxItem[],
    failure: Failure,
    now: number,
    also: (doc: StoreDocument) => StoreDocument = (doc) => doc,
  ) {
    const ids = new Set(items.map((i) => i.id));
    const waits: number[] = [];
    await service.update((doc) => ({
      next: also({
        ...doc,
        outbox: doc.outbox.map((i) => {
          if (!ids.has(i.id)) return i;
          const attempts = i.attempts + 1;
          const wait =
            failure.kind === 'rate-limited'
              ? failure.retryAfterMs
              : backoffMs(attempts, backoff.baseMs, backoff.maxMs);
          waits.push(wait);
          return {
            ...i,
            attempts,
            notBefore: new Date(now + wait).toISOString(),
            lastError: failure.message,
            ...(failure.kind === 'transient' && failure.maybeDelivered ? { maybePosted: true } : {}),
          };
        }),
      }),
      result: undefined,
    }));
    // Timers are at most an hour long (clock.ts); say once why these items sit so much longer.
    const longest = Math.max(0, ...waits);
    if (longest > MAX_TIMER_MS) logger.warn(longWaitLine([...ids], new Date(now + longest), failure));
  }

  /**
   * The bot cannot post in `channel`: the items wait with backoff, the outage is kept in the store, and each person
   * whose change waits and who was not told yet in this outage gets a direct message (the Messages tab).
   */
  async function blocked(channel: string, items: OutboxItem[], failure: Failure, now: number) {
    const problem = service.document().channelProblem;
    const begins = problem?.channel !== channel;
    const already = new Set(begins ? [] : problem.told);
    const toTell = [...new Set(items.flatMap((i) => (i.actor && !already.has(i.actor) ? [i.actor] : [])))];
    if (begins)
      logger.warn(
        `alerts: the bot cannot post in ${channel} (${failure.message}); the alerts wait in the outbox until someone runs /invite @cutover-bot there`,
      );
    const told: string[] = [];
    for (const user of toTell)
      try {
        await slack.post({ channel: user, text: problemMessage(channel, failure.message) });
        told.push(user);
      } catch (e) {
        logger.warn(
          `alerts: could not tell ${user} that ${channel} is out of reach (${(e as Error).message})`,
        );
      }
    await failed(items, failure, now, (doc) =>
      noteProblem(doc, channel, failure.message, new Date(now), told),
    );
    if (begins) deps.onChannelProblem?.(service.document().channelProblem);
  }

  /** Ids of `items` that an earlier, unanswered attempt did post, with the message ts. */
  async function alreadyPosted(channel: string, items: OutboxItem[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const unsure = (i: OutboxItem) =>
      i.maybePosted || (Date.parse(i.createdAt) < startedAt && !lookedUp.has(i.id));
    if (!items.some(unsure)) return found;
    for (const i of items) lookedUp.add(i.id);
    const oldest = Math.min(...items.map((i) => Date.parse(i.createdAt))) - 60_000;
    const messages = await slack.recent(channel, new Date(oldest));
    for (const m of messages ?? []) {
      if (m.metadata?.event_type !== ALERT_EVENT) continue;
      for (const id of String(m.metadata.event_payload.ids ?? '').split(','))
        if (items.some((i) => i.id === id)) found.set(id, m.ts);
    }
    return found;
  }

  /**
   * Slack refused `item` as sent (`text`, `blocks`): it goes again in the next form Slack takes (plain text, then
   * cut text), once each, or, when none is left, leaves the outbox; either way the refusal is logged with the
   * payload's shape and kept for admins' App Home.
   */
  async function refusedOne(
    channel: string,
    item: OutboxItem,
    failure: Failure,
    sent: { text: string; blocks: types.KnownBlock[] | undefined },
    now: number,
  ) {
    const form = nextForm(item, sent.blocks !== undefined);
    const shape = payloadShape(sent.text, sent.blocks);
    const then =
      form === 'text'
        ? 'it goes again as plain text, without blocks'
        : form === 'short'
          ? 'it goes again as cut text, without blocks or metadata'
          : 'Slack refused every form of it: it is not delivered, and admins see why on App Home';
    const line = `alerts: Slack refused alert ${item.id} in ${channel} (${failure.message}; ${shape}); ${then}`;
    if (form) logger.warn(line);
    else logger.error(line);
    const at = new Date(now).toISOString();
    await service.update((doc) => {
      const earlier = doc.refused.find((r) => r.id === item.id);
      const entry = {
        id: item.id,
        channel,
        // The first refusal says what was wrong with the alert as built; later ones are only added.
        error: earlier ? `${earlier.error}, then ${failure.message}` : failure.message,
        at: earlier?.at ?? at,
        shape: earlier?.shape ?? shape,
        outcome: form ? ('resending' as const) : ('undelivered' as const),
      };
      const outbox = form
        ? doc.outbox.map((i) => (i.id === item.id ? { ...i, degraded: form, lastError: failure.message } : i))
        : doc.outbox.filter((i) => i.id !== item.id);
      return { next: noteRefusal({ ...doc, outbox }, entry), result: undefined };
    });
    deps.onRefused?.();
  }

  /**
   * Before a tally is posted, it stops counting (tally.ts): it is stored as rendered, marked as maybe posted (so a
   * replica that takes over looks for it before posting it again), and what it counted since it was rendered
   * becomes a tally of its own. So what the post tells is what leaves the outbox when it is recorded.
   */
  async function claimTallies(items: OutboxItem[]) {
    const claimed = new Map(items.flatMap((i) => (i.kind === 'tally' && !i.maybePosted ? [[i.id, i]] : [])));
    if (!claimed.size) return;
    await service.update((doc) => ({
      next: {
        ...doc,
        outbox: doc.outbox.flatMap((i) => {
          const rendered = claimed.get(i.id);
          if (!rendered) return [i];
          const rest = untold(i, rendered);
          return [{ ...rendered, maybePosted: true }, ...(rest ? [rest] : [])];
        }),
      },
      result: undefined,
    }));
  }

  async function send(channel: string, rendered: Rendered[], now: number, owed?: ReadonlySet<string>) {
    const items = rendered.map((r) => r.item);
    for (const r of rendered) if (r.asks.length) asks.set(r.item.id, r.asks);
    const posted = await alreadyPosted(channel, items);
    if (posted.size) {
      logger.info(
        `alerts: ${posted.size} item(s) were already posted by an unanswered attempt; not posting again`,
      );
      await record(
        [...posted].map(([id, ts]) => ({ id, ts })),
        undefined,
        owed,
      );
      return;
    }
    pacer.mark(channel, now);
    await claimTallies(items);
    // An item Slack refused goes alone, in the form it was degraded to: plain text, then cut text.
    const [first] = rendered;
    const head = first?.item;
    const form = items.length === 1 ? head?.degraded : undefined;
    const text =
      first && form === 'text'
        ? plainAlertText(first)
        : first && form === 'short'
          ? shortAlertText(first)
          : foldTexts(rendered);
    const blocks = form ? undefined : messageBlocks(rendered, text);
    try {
      const { ts } = await slack.post({
        channel,
        text,
        ...(blocks ? { blocks } : {}),
        ...(form === 'short'
          ? {}
          : {
              metadata: { event_type: ALERT_EVENT, event_payload: { ids: items.map((i) => i.id).join(',') } },
            }),
      });
      for (const i of items) sent.set(i.id, ts);
    } catch (e) {
      const failure = e instanceof DeliveryError ? e.failure : classify(e);
      if (failure.kind === 'refused' && items.length > 1) {
        logger.warn(
          `alerts: Slack refused a folded message of ${items.length} items in ${channel} (${failure.message}; ${payloadShape(text, blocks)}); sending its items one by one`,
        );
        for (const i of items) solo.add(i.id);
        return;
      }
      if (failure.kind === 'refused' && head) {
        await refusedOne(channel, head, failure, { text, blocks }, now);
        return;
      }
      if (failure.kind === 'not-in-channel') {
        await blocked(channel, items, failure, now);
        return;
      }
      logger.warn(`alerts: posting to ${channel} failed (${failure.message}); it stays in the outbox`);
      await failed(items, failure, now);
      return;
    }
    await record(
      items.map((i) => ({ id: i.id, ts: sent.get(i.id) ?? '' })),
      channel,
      owed,
    );
  }

  async function pass(): Promise<number | undefined> {
    try {
      if (service.document().outbox.length === 0) return undefined;
      // Another replica delivers this program's alerts: look again when its lease runs out (or when woken).
      const lease = await deps.lease.hold();
      if (!lease.held) return Math.max(0, lease.until - clock.now().getTime()) + 1;
      // Taken over from a replica that stopped: what it may have posted without recording is looked for first.
      if (lease.takenOver) {
        startedAt = clock.now().getTime();
        lookedUp.clear();
      }
      const doc = service.document();
      // Posted before, but not yet recorded (a store write failed): record, never post again.
      const delivered = new Map(doc.delivered.map((d) => [d.id, d.ts]));
      const known = doc.outbox.flatMap((i) => {
        const ts = sent.get(i.id) ?? delivered.get(i.id);
        return ts === undefined ? [] : [{ id: i.id, ts }];
      });
      if (known.length) await record(known);
      const now = clock.now().getTime();
      let next: number | undefined;
      // The text is composed now, from the program as it stands: its readiness worked out once for the pass.
      const current = service.document();
      const renderer = createRenderer(current, (msg, e) => logger.error(msg, e));
      for (const [channel, items] of byChannel(current.outbox)) {
        const plan = planChannel(
          items,
          now,
          {
            lastPostAt: pacer.last(channel),
            paceMs,
            ...(items[0] && (solo.has(items[0].id) || items[0].degraded) ? { maxItems: 1 } : {}),
          },
          (i) => renderer.render(i).text,
        );
        if (plan.kind === 'idle') continue;
        if (plan.kind === 'wait') {
          next = Math.min(next ?? Number.POSITIVE_INFINITY, plan.until - now);
          continue;
        }
        await send(
          channel,
          plan.items.map((i) => renderer.render(i)),
          now,
          renderer.owed(),
        );
        next = 0; // look again: what is left waits for the pace
      }
      return next;
    } catch (e) {
      logger.error('alerts: delivery pass failed', e);
      return backoff.baseMs;
    }
  }

  return createWorker({
    clock,
    pass,
    onError: (e) => logger.error('alerts: delivery failed', e),
    wakeOn: (wake) => service.onChanged(wake),
  });
}
