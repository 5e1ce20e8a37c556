/**
 * When Bolt received a request, on the bot's clock: Slack's 3 seconds run from then, not from when a listener got to
 * run (under load a request waits for its body, its signature check and the event loop). The receiver stamps it as
 * the request arrives (HTTP: the server's request event; Socket Mode: the envelope's dispatch) and hands it to
 * every listener's `context` as `receivedAt`; a change's deadline is counted from it (listeners/deps.ts).
 */
import type { HTTPReceiver } from '@slack/bolt';
import type { Clock } from '../clock.js';

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
    extractor: (req) => ({ [RECEIVED_AT]: arrived.get(req) ?? clock.now().getTime() }),
  };
}

/** The receipt time of the request a listener runs for (its `context`), if the receiver stamped one. */
export function receivedAtOf(context: Record<string, unknown> | undefined): number | undefined {
  const at = context?.[RECEIVED_AT];
  return typeof at === 'number' && Number.isFinite(at) ? at : undefined;
}
