/** `views.open` with a trigger, right after the ack; a failure is told to the person (see tell.ts). */
import type { Logger, RespondFn, types, webApi } from '@slack/bolt';
import { tell } from './tell.js';

export async function openView(
  io: { client: webApi.WebClient; respond?: RespondFn | undefined; logger: Logger },
  userId: string,
  triggerId: string,
  view: types.View,
): Promise<void> {
  try {
    await io.client.views.open({ trigger_id: triggerId, view });
  } catch (e) {
    io.logger.warn(`views.open failed: ${(e as Error).message}`);
    await tell(
      io,
      userId,
      ':warning: Slack did not open the form (the trigger may have expired). Try again.',
    );
  }
}
