/** `views.open` with a trigger, right after the ack; a failure is told to the person. */
import type { Logger, RespondFn, types, webApi } from '@slack/bolt';

type View = types.View;

export async function openView(
  io: { client: webApi.WebClient; respond: RespondFn; logger: Logger },
  triggerId: string,
  view: View,
): Promise<void> {
  try {
    await io.client.views.open({ trigger_id: triggerId, view });
  } catch (e) {
    io.logger.warn(`views.open failed: ${(e as Error).message}`);
    await io.respond({
      response_type: 'ephemeral',
      replace_original: false,
      text: ':warning: Slack did not open the form (the trigger may have expired). Try again.',
    });
  }
}
