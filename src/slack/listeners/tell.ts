/**
 * Telling one person something after the ack. Actions in messages carry a response_url: the answer goes there,
 * ephemerally. Actions in App Home or a modal carry none, and an ephemeral message needs a channel the person is
 * in: the answer then goes as a direct message from the bot (chat.postMessage to the user id opens the DM).
 */
import type { Logger, RespondFn, webApi } from '@slack/bolt';

export async function tell(
  io: { client: webApi.WebClient; respond?: RespondFn | undefined; logger: Logger },
  userId: string,
  text: string,
): Promise<void> {
  try {
    if (io.respond) await io.respond({ response_type: 'ephemeral', replace_original: false, text });
    else await io.client.chat.postMessage({ channel: userId, text });
  } catch (e) {
    io.logger.warn(`could not tell ${userId}: ${(e as Error).message}`);
  }
}
