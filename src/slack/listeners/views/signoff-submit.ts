/** The sign-off modal, submitted: parse, sign through the core, show a fault under its field. */
import type { App } from '@slack/bolt';
import { describeError } from '../../../core/errors.js';
import { INPUTS, VIEWS } from '../../ids.js';
import { outcomeText } from '../../views/answers.js';
import { actorOf, type ListenerDeps, runSafely } from '../deps.js';
import { inlineErrors, readMetadata, readValues } from './view-input.js';

const BLOCK_OF: Record<string, string> = {
  side: INPUTS.signoff.side,
  decision: INPUTS.signoff.decision,
  rationale: INPUTS.signoff.rationale,
  evidenceUrl: INPUTS.signoff.evidenceUrl,
};

export function registerSignoffSubmit(app: App, deps: ListenerDeps) {
  app.view(VIEWS.signoff, async ({ ack, body, view, client, logger }) => {
    const meta = readMetadata(view.private_metadata);
    const values = readValues(view.state.values);
    const side = meta.side ?? values[INPUTS.signoff.side];
    // Faults without a field of their own show under the side picker if there is one, else the decision.
    const fallback = meta.side ? INPUTS.signoff.decision : INPUTS.signoff.side;
    if (!side) return ack(inlineErrors(INPUTS.signoff.side, 'Choose the side you sign for.'));
    const decision = values[INPUTS.signoff.decision];
    if (!decision) return ack(inlineErrors(INPUTS.signoff.decision, 'Choose GO or NO-GO.'));
    const input = {
      type: 'signoff',
      side,
      decision,
      rationale: values[INPUTS.signoff.rationale],
      evidenceUrl: values[INPUTS.signoff.evidenceUrl],
    };
    const outcome = await runSafely(deps, input, actorOf(deps, body.user.id), logger);
    if (!outcome.ok) {
      const named = outcome.error.field ? BLOCK_OF[outcome.error.field] : undefined;
      const block = named && !(named === INPUTS.signoff.side && meta.side) ? named : fallback;
      return ack(inlineErrors(block, describeError(outcome.error)));
    }
    await ack();
    if (meta.channel)
      await client.chat
        .postEphemeral({ channel: meta.channel, user: body.user.id, text: outcomeText(outcome) })
        .catch((e: Error) => logger.warn(`could not confirm the sign-off: ${e.message}`));
  });
}
