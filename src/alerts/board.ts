/**
 * The live status board: one bot message in the program's channel, posted once (its ts kept in the store as
 * `board`) and updated in place with `chat.update` after every change, so the channel always shows the current
 * state. Updates are coalesced and paced (the latest state is rendered when the update goes out); a failed update is
 * retried with backoff. On start the board is refreshed; if its message is gone (`message_not_found`), or the board
 * is in another channel than the program's, a new one is posted.
 */
import { type Clock, MAX_TIMER_MS } from '../runtime/clock.js';
import { createWorker, type Worker } from '../runtime/worker.js';
import type { CutoverService } from '../service/cutover-service.js';
import { statusBlocks, statusText } from '../slack/views/status.js';
import { backoffMs } from './batch.js';
import { type ChannelProblem, endProblem, noteProblem } from './channel-problem.js';
import type { Logger, Pacer } from './dispatcher.js';
import type { Lease } from './lease.js';
import { payloadShape } from './refused.js';
import { type AlertSlack, classify, DeliveryError } from './slack-port.js';

const BOARD_EVENT = 'cutover_board';

interface BoardDeps {
  service: CutoverService;
  /** Whether this replica keeps this program's board now (alerts/lease.ts). */
  lease: Lease;
  slack: AlertSlack;
  clock: Clock;
  pacer: Pacer;
  logger: Logger;
  paceMs?: number;
  backoff?: { baseMs: number; maxMs: number };
  /** Hears when the bot finds it cannot post in the channel, or can again (see channel-problem.ts). */
  onChannelProblem?: (problem: ChannelProblem | undefined) => void;
}

/** Refreshed on start and after every committed change. */
export type Board = Worker;

export function createBoard(deps: BoardDeps): Board {
  const { service, slack, clock, pacer, logger } = deps;
  const paceMs = deps.paceMs ?? 1000;
  const backoff = deps.backoff ?? { baseMs: 2000, maxMs: 5 * 60_000 };
  /** The board shows an older state than the store's: the first pass (on start) refreshes it. */
  let dirty = true;
  let lastAt: number | undefined;
  let notBefore = 0;
  let failures = 0;

  /** Set when a post failed in a way that may still have reached Slack: look for that message first. */
  let maybePosted: number | undefined;

  async function post(
    channel: string,
    text: string,
    blocks: ReturnType<typeof statusBlocks> | undefined,
    now: number,
  ) {
    const program = service.cutover().id;
    const earlier =
      maybePosted === undefined
        ? undefined
        : (await slack.recent(channel, new Date(maybePosted - 60_000)))?.find(
            (m) => m.metadata?.event_type === BOARD_EVENT && m.metadata.event_payload.program === program,
          );
    let ts = earlier?.ts;
    if (ts) await slack.update({ channel, ts, text, blocks });
    else {
      pacer.mark(channel, now);
      try {
        ({ ts } = await slack.post({
          channel,
          text,
          ...(blocks ? { blocks } : {}),
          metadata: { event_type: BOARD_EVENT, event_payload: { program } },
        }));
      } catch (e) {
        if (e instanceof DeliveryError && e.failure.kind === 'transient' && e.failure.maybeDelivered)
          maybePosted ??= now;
        throw e;
      }
    }
    maybePosted = undefined;
    const board = { channel, ts };
    await service.update((doc) => ({ next: { ...doc, board }, result: undefined }));
  }

  async function pass(): Promise<number | undefined> {
    const channel = service.cutover().channel;
    if (!dirty || !channel) return undefined;
    const now = clock.now().getTime();
    const postPace = (pacer.last(channel) ?? Number.NEGATIVE_INFINITY) + paceMs;
    const ready = Math.max(notBefore, lastAt === undefined ? 0 : lastAt + paceMs);
    const board = service.document().board;
    const posting = !board || board.channel !== channel;
    const at = posting ? Math.max(ready, postPace) : ready;
    if (at > now) return at - now;
    // Another replica keeps the board: look again when its lease runs out (a change wakes this one too).
    const lease = await deps.lease.hold();
    if (!lease.held) return Math.max(0, lease.until - now) + 1;
    // Taken over: the last holder may have posted a board it did not record.
    if (lease.takenOver && posting) maybePosted = now - 60_000;
    dirty = false;
    lastAt = now;
    const c = service.cutover();
    const blocks = statusBlocks(c, { actions: true });
    const text = statusText(c);
    const show = async (shown: typeof blocks | undefined) => {
      if (posting || !board) await post(channel, text, shown, now);
      else
        try {
          await slack.update({ channel, ts: board.ts, text, ...(shown ? { blocks: shown } : {}) });
        } catch (e) {
          if (!(e instanceof DeliveryError && e.failure.kind === 'gone')) throw e;
          logger.info(`board: its message is gone (${e.failure.message}); posting a new one`);
          await post(channel, text, shown, now);
        }
    };
    try {
      try {
        await show(blocks);
      } catch (e) {
        // Slack refuses these blocks, and would every time: the board shows its text until the next change.
        if (!(e instanceof DeliveryError && e.failure.kind === 'refused')) throw e;
        logger.warn(
          `board: Slack refused the status board (${e.failure.message}; ${payloadShape(text, blocks)}); it shows as text`,
        );
        await show(undefined);
      }
      failures = 0;
      await problem(channel, undefined);
      return undefined;
    } catch (e) {
      const failure = e instanceof DeliveryError ? e.failure : classify(e);
      failures += 1;
      dirty = true;
      const wait =
        failure.kind === 'rate-limited'
          ? failure.retryAfterMs
          : backoffMs(failures, backoff.baseMs, backoff.maxMs);
      notBefore = now + wait;
      logger.warn(`board: updating the status board failed (${failure.message}); retrying`);
      // Timers are at most an hour long (clock.ts); say once why the board sits so much longer.
      if (wait > MAX_TIMER_MS)
        logger.warn(
          `board: the status board waits until ${new Date(notBefore).toISOString()} (${
            failure.kind === 'rate-limited' ? `Retry-After ${Math.round(wait / 1000)} s` : failure.message
          })`,
        );
      if (failure.kind === 'not-in-channel') await problem(channel, failure.message, now);
      return wait;
    }
  }

  /** The board, too, finds the channel out of reach (`error`), or reachable again (`undefined`). */
  async function problem(channel: string, error: string | undefined, now = clock.now().getTime()) {
    const current = service.document().channelProblem;
    if (error === undefined ? current?.channel !== channel : current?.channel === channel) return;
    try {
      await service.update((doc) => ({
        next:
          error === undefined ? endProblem(doc, channel) : noteProblem(doc, channel, error, new Date(now)),
        result: undefined,
      }));
    } catch (e) {
      logger.warn(`board: could not record the state of ${channel} (${(e as Error).message})`);
      return;
    }
    deps.onChannelProblem?.(service.document().channelProblem);
  }

  return createWorker({
    clock,
    pass,
    onError: (e) => logger.error('board: failed', e),
    wakeOn: (wake) =>
      service.onChanged(() => {
        dirty = true;
        wake();
      }),
  });
}
