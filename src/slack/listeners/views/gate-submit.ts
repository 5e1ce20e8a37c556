/** The gate modal, submitted: `gate.set` through the service, a fault shown under its field. */
import type { App } from '@slack/bolt';
import { describeError } from '../../../core/errors.js';
import { INPUTS, VIEWS } from '../../ids.js';
import { outcomeText } from '../../views/answers.js';
import { actorOf, type ListenerDeps, runSafely } from '../deps.js';
import { inlineErrors, readMetadata, readValues } from './view-input.js';

const BLOCK_OF: Record<string, string> = {
  gate: INPUTS.gate.gate,
  status: INPUTS.gate.status,
  evidenceUrl: INPUTS.gate.evidenceUrl,
  runUrl: INPUTS.gate.runUrl,
};

export function registerGateSubmit(app: App, deps: ListenerDeps) {
  app.view(VIEWS.gate, async ({ ack, body, view, client, logger }) => {
    const meta = readMetadata(view.private_metadata);
    const values = readValues(view.state.values);
    const gate = values[INPUTS.gate.gate];
    const status = values[INPUTS.gate.status];
    if (!gate) return ack(inlineErrors(INPUTS.gate.gate, 'Choose a gate.'));
    if (!status) return ack(inlineErrors(INPUTS.gate.status, 'Choose green, red or pending.'));
    const input = {
      type: 'gate.set',
      gate,
      status,
      evidenceUrl: values[INPUTS.gate.evidenceUrl],
      runUrl: values[INPUTS.gate.runUrl],
    };
    const outcome = await runSafely(deps, input, actorOf(deps, body.user.id), logger);
    if (!outcome.ok)
      return ack(
        inlineErrors(
          (outcome.error.field && BLOCK_OF[outcome.error.field]) || INPUTS.gate.status,
          describeError(outcome.error),
        ),
      );
    await ack();
    if (meta.channel)
      await client.chat
        .postEphemeral({ channel: meta.channel, user: body.user.id, text: outcomeText(outcome) })
        .catch((e: Error) => logger.warn(`could not confirm the gate: ${e.message}`));
  });
}
