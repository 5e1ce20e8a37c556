/** The blocker modal, submitted: clear or reopen through the core, a fault shown under its field. */
import type { App } from '@slack/bolt';
import { describeError } from '../../../core/errors.js';
import { INPUTS, VIEWS } from '../../ids.js';
import { outcomeText } from '../../views/answers.js';
import { actorOf, type ListenerDeps, runSafely } from '../deps.js';
import { inlineErrors, readMetadata, readValues } from './view-input.js';

const BLOCK_OF: Record<string, string> = {
  blocker: INPUTS.blocker.blocker,
  evidenceUrl: INPUTS.blocker.evidenceUrl,
  reason: INPUTS.blocker.reason,
};

export function registerBlockerSubmit(app: App, deps: ListenerDeps) {
  app.view(VIEWS.blocker, async ({ ack, body, view, client, logger }) => {
    const meta = readMetadata(view.private_metadata);
    const values = readValues(view.state.values);
    const blocker = values[INPUTS.blocker.blocker];
    const action = values[INPUTS.blocker.action];
    if (!blocker) return ack(inlineErrors(INPUTS.blocker.blocker, 'Choose a blocker.'));
    if (action !== 'clear' && action !== 'reopen')
      return ack(inlineErrors(INPUTS.blocker.action, 'Choose whether to clear or reopen it.'));
    const reason = values[INPUTS.blocker.reason];
    if (action === 'reopen' && !reason)
      return ack(inlineErrors(INPUTS.blocker.reason, 'Say why the blocker is open again.'));
    const input =
      action === 'clear'
        ? { type: 'blocker.clear', blocker, evidenceUrl: values[INPUTS.blocker.evidenceUrl] }
        : { type: 'blocker.reopen', blocker, reason };
    const outcome = await runSafely(deps, input, actorOf(deps, body.user.id), logger);
    if (!outcome.ok)
      return ack(
        inlineErrors(
          (outcome.error.field && BLOCK_OF[outcome.error.field]) || INPUTS.blocker.action,
          describeError(outcome.error),
        ),
      );
    await ack();
    if (meta.channel)
      await client.chat
        .postEphemeral({ channel: meta.channel, user: body.user.id, text: outcomeText(outcome) })
        .catch((e: Error) => logger.warn(`could not confirm the blocker update: ${e.message}`));
  });
}
