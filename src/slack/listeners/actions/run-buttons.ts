/**
 * Buttons that are a change in themselves, with nothing to fill in: "Approve <tag>" (the value carries the SHA the
 * person was shown, so a target published since is not approved by mistake), "Start phase" / "Close phase" and
 * "Archive"; and "Post the decision record", which is `/cutover record` (postRecord) for the program named. Each
 * acks, runs the change once (keyed by the click's trigger_id) on the program the button names, and tells the person
 * the outcome: ephemerally under the message, or by direct message from App Home. Members of another organisation
 * in a shared channel, who cannot use slash commands, act through these.
 */
import { mayPostRecord } from '../../../core/stake.js';
import { actionPattern } from '../../block-ids.js';
import { ACTIONS, valueOfAction } from '../../ids.js';
import { outcomeText, refusalText } from '../../views/answers.js';
import { postRecord } from '../commands/record.js';
import { actorOf, type ListenerDeps, runSafely, withProgram } from '../deps.js';
import { NO_SUCH_PROGRAM, programOpenedBy } from '../program-of.js';
import type { Listeners } from '../router.js';
import { tell } from '../tell.js';

const CHANGES: Record<string, (item: string) => Record<string, unknown>> = {
  [ACTIONS.approveTarget]: (sha) => ({ type: 'target.approve', target: sha }),
  [ACTIONS.startPhase]: (phase) => ({ type: 'phase', phase, action: 'start' }),
  [ACTIONS.closePhase]: (phase) => ({ type: 'phase', phase, action: 'close' }),
  // Offered once the last phase is closed: an unfinished program is archived by an admin, with a reason, typed.
  [ACTIONS.archive]: () => ({ type: 'archive' }),
};
/** The changes that need no item beyond the program. */
const WHOLE_PROGRAM = new Set<string>([ACTIONS.archive]);

export function registerRunButtons(app: Listeners, deps: ListenerDeps) {
  for (const [actionId, input] of Object.entries(CHANGES))
    app.action(actionPattern(actionId), async ({ ack, body, client, respond, logger }) => {
      await ack();
      if (body.type !== 'block_actions') return;
      const userId = body.user.id;
      const action = body.actions[0];
      const value = valueOfAction(action);
      const io = { client, respond: body.response_url ? respond : undefined, logger };
      const opened = programOpenedBy(deps, { program: value.program, channel: body.channel?.id }, userId);
      if (!('service' in opened)) return tell(io, userId, opened.refusal);
      const service = opened.service;
      if (!value.item && !WHOLE_PROGRAM.has(actionId)) return tell(io, userId, NO_SUCH_PROGRAM);
      const outcome = await runSafely(
        withProgram(deps, service),
        input(value.item ?? ''),
        actorOf(deps, userId),
        logger,
        {
          requestKey: `slack:${body.trigger_id}`,
        },
      );
      await tell(
        io,
        userId,
        outcome.ok ? outcomeText(outcome) : refusalText(outcome.error, '/cutover status', service.cutover()),
      );
    });
}

/** "Post the decision record": the same as `/cutover record`, for the program the button names. */
export function registerRecordButton(app: Listeners, deps: ListenerDeps) {
  app.action(actionPattern(ACTIONS.postRecord), async ({ ack, body, client, respond, logger }) => {
    await ack();
    if (body.type !== 'block_actions') return;
    const userId = body.user.id;
    const action = body.actions[0];
    const value = valueOfAction(action);
    const io = { client, respond: body.response_url ? respond : undefined, logger };
    const opened = programOpenedBy(deps, { program: value.program, channel: body.channel?.id }, userId);
    if (!('service' in opened)) return tell(io, userId, opened.refusal);
    const service = opened.service;
    const c = service.cutover();
    const post = mayPostRecord(c, actorOf(deps, userId), deps.clock.now(), { channel: body.channel?.id });
    if (!post.ok) return tell(io, userId, refusalText(post.error, undefined, c));
    await postRecord({ ...io, deps: withProgram(deps, service) }, userId);
  });
}
