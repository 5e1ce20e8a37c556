/**
 * When Bolt received a request, on the bot's clock: Slack's 3 seconds run from then, not from when a listener got to
 * run (under load a request waits for its body, its signature check and the event loop). The receiver stamps it as
 * the request arrives (HTTP: the server's request event, or the second Slack signed it in when that is earlier;
 * Socket Mode: the envelope's dispatch) and hands it to every listener's `context` as `receivedAt`; a change's
 * deadline is counted from it (listeners/deps.ts).
 */
import type { HTTPReceiver } from '@slack/bolt';
import type { Clock } from '../runtime/clock.js';

/** The `context` property a listener finds the receipt time in (epoch ms on the bot's clock). */
export const RECEIVED_AT = 'receivedAt';

/** Stamps each request as the HTTP server hands it to the receiver; the stamp is read back by `extractor`. */
export function stampHttpReceipts(clock: Clock): {
  /** Wraps the receiver's request listener (call once the receiver is made). */
  install(receiver: HTTPReceiver): void;
  /** For the receiver's `customPropertiesExtractor`. */
  extractor(req: object): Record<string, number>;
} {
  const arrived = new WeakMap<object, number>();
  return {
    install(receiver) {
      const listen = receiver.requestListener;
      receiver.requestListener = (req, res) => {
        arrived.set(req, clock.now().getTime());
        return listen(req, res);
      };
    },
    extractor: (req) => {
      const at = arrived.get(req) ?? clock.now().getTime();
      return { [RECEIVED_AT]: Math.min(at, sentBy(req, at)) };
    },
  };
}

/** How far Slack's clock may be from the bot's for its request timestamp to be believed (else it is not used). */
const SKEW_MS = 10_000;

/**
 * The latest instant the request can have been sent at by its signed `X-Slack-Request-Timestamp` (whole seconds):
 * a request that waited in the kernel while the event loop was busy arrives late, and Bolt cannot see how long,
 * but Slack's timestamp bounds it to within a second. Ignored when the clocks are further apart than `SKEW_MS`.
 */
function sentBy(req: object, arrived: number): number {
  const header = (req as { headers?: Record<string, unknown> }).headers?.['x-slack-request-timestamp'];
  const seconds = typeof header === 'string' ? Number(header) : Number.NaN;
  if (!Number.isInteger(seconds)) return arrived;
  const latest = seconds * 1000 + 999;
  return Math.abs(arrived - latest) <= SKEW_MS ? latest : arrived;
}

/** The receipt time of the request a listener runs for (its `context`), if the receiver stamped one. */
export function receivedAtOf(context: Record<string, unknown> | undefined): number | undefined {
  const at = context?.[RECEIVED_AT];
  return typeof at === 'number' && Number.isFinite(at) ? at : undefined;
}
