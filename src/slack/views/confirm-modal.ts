/**
 * The confirmation form: pushed over a form whose change the core refused as `needs-confirmation` (it would take the GO
 * from under a running phase), so the other organisation, which has no slash commands, can go ahead with a reason
 * too. Pure: (refusal, the refused change, the form's metadata) -> view, or none when the change cannot be carried.
 */
import type { types } from '@slack/bolt';
import type { DomainError } from '../../core/errors.js';
import { INPUT_ACTION, INPUTS, VIEWS } from '../ids.js';
import type { ModalMetadata } from './modals.js';
import { esc, plain } from './text.js';

/** Slack's limit on `private_metadata`. */
const METADATA_MAX = 3000;

export function confirmModal(
  error: DomainError,
  command: Record<string, unknown>,
  meta: ModalMetadata,
): types.View | undefined {
  const privateMetadata = JSON.stringify({ ...meta, command });
  if (privateMetadata.length > METADATA_MAX) return undefined;
  // What the change would do, without the core's "how to go ahead": the form is that way.
  const consequence = error.consequence?.sentence ?? error.message;
  return {
    type: 'modal',
    callback_id: VIEWS.confirm,
    title: plain('Confirm'),
    submit: plain('Go ahead'),
    close: plain('Back'),
    private_metadata: privateMetadata,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `:rotating_light: *${esc(consequence)}*\nGo ahead only if the cutover team agrees: the channel is told that the running cutover lost its GO, and who must act.`,
        },
      },
      {
        type: 'input',
        block_id: INPUTS.confirm.reason,
        label: plain('Why go ahead? (recorded)'),
        element: {
          type: 'plain_text_input',
          action_id: INPUT_ACTION,
          multiline: true,
          max_length: 1000,
        },
      },
    ],
  };
}
