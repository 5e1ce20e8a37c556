/**
 * The options of a form's item select past Slack's 100 (views/select.ts): Slack sends a `block_suggestion` with what
 * the person typed, to the same request URL (or over Socket Mode); this acks, within the 3 s, with the matching
 * items of the program the form was opened for, for this person (the gates they may set, the evidence of their
 * side); and the template of the "Start a program" form. Read only: nothing is written.
 */
import type { Cutover } from '../../../core/schema.js';
import { INPUTS, NEW_PROGRAM } from '../../ids.js';
import { decisionChoices, evidenceChoices, roleChoices } from '../../views/act-modals.js';
import { gateChoices } from '../../views/gate-modal.js';
import { blockerChoices, type Viewer } from '../../views/modals.js';
import { templateOptions } from '../../views/programs.js';
import { type Choice, matchingChoices } from '../../views/select.js';
import { templateChoices } from '../commands/new-program.js';
import { type ListenerDeps, viewerOf } from '../deps.js';
import { programFor } from '../program-of.js';
import type { Listeners } from '../router.js';
import { readMetadata } from '../views/view-input.js';

/** Each item select, by its input block, with the items its form offers. */
const CHOICES: Record<string, (c: Cutover, viewer: Viewer) => Choice[]> = {
  [INPUTS.blocker.blocker]: (c) => blockerChoices(c),
  [INPUTS.gate.gate]: (c, viewer) => gateChoices(c, viewer),
  [INPUTS.evidence.evidence]: (c, viewer) => evidenceChoices(c, viewer),
  [INPUTS.decide.decision]: (c) => decisionChoices(c),
  [INPUTS.role.role]: (c) => roleChoices(c),
};

export function registerItemOptions(app: Listeners, deps: ListenerDeps) {
  for (const [block, choicesOf] of Object.entries(CHOICES))
    app.options<'block_suggestion'>({ block_id: block }, async ({ ack, body }) => {
      const meta = readMetadata(body.view?.private_metadata);
      const service = meta && programFor(deps, { program: meta.program, channel: meta.channel });
      if (!service) {
        await ack({ options: [] });
        return;
      }
      const choices = choicesOf(service.cutover(), viewerOf(deps, body.user.id));
      await ack({ options: matchingChoices(choices, body.value ?? '') });
    });
  // The "Start a program" form's template: the shipped templates and a copy of each program the bot holds.
  app.options<'block_suggestion'>({ block_id: NEW_PROGRAM.inputs.template }, async ({ ack, body }) => {
    await ack({ options: matchingChoices(templateOptions(templateChoices(deps)), body.value ?? '') });
  });
}
