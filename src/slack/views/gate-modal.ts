/** The "Set a gate" modal (from App Home). Pure: (state, viewer) -> view, or the reason there is none. */
import type { types } from '@slack/bolt';
import { may } from '../../core/authorize.js';
import { currentTarget, gateState, targetLabel } from '../../core/readiness.js';
import type { Cutover, Gate } from '../../core/schema.js';
import { INPUT_ACTION, INPUTS, VIEWS } from '../ids.js';
import { asActor, type ModalMetadata, shownTarget, type Viewer } from './modals.js';
import { type Choice, choiceElement } from './select.js';
import { esc, plain } from './text.js';

type View = types.View;

const STATUS_WORD = { green: '🟢 green', red: '🔴 red', pending: '⚪ pending' } as const;

/** The gates this person may set by hand: manual ones the program's `gate.set` lets them set (any, for an admin). */
export function settableGates(c: Cutover, viewer: Viewer): Gate[] {
  const actor = asActor(viewer);
  return c.gates.filter((g) => !g.derived && may(c, actor, 'gate.set', { owner: g.owner }));
}

/** Which commit the result is recorded for: the target shown is the one it binds to. */
function forTarget(c: Cutover): string {
  const t = currentTarget(c);
  return t
    ? `Record a result for *${esc(targetLabel(t))}*${t.approved ? '' : ' _(not approved yet)_'}.`
    : '_No release target is published yet: a gate verifies a commit, so publish the target first._';
}

/** The gates the form offers this person, each with its status. */
export const gateChoices = (c: Cutover, viewer: Viewer): Choice[] =>
  settableGates(c, viewer).map((g) => ({
    text: `${STATUS_WORD[gateState(c, g).status]} · ${g.id}: ${g.title}`,
    value: g.id,
  }));

function gateModal(c: Cutover, viewer: Viewer, meta: ModalMetadata, initial?: string): View {
  return {
    type: 'modal',
    callback_id: VIEWS.gate,
    title: plain('Set a gate'),
    submit: plain('Set'),
    close: plain('Cancel'),
    private_metadata: JSON.stringify({ ...meta, target: shownTarget(c) }),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `${forTarget(c)} A gate turning *red* voids every sign-off in force. CI can report it too: \`POST /api/gates/&lt;gate-id&gt;\` with the commit it verified.`,
        },
      },
      {
        type: 'input',
        block_id: INPUTS.gate.gate,
        label: plain('Gate'),
        // Past 100 gates, an external_select: the options load as the person types.
        element: choiceElement(gateChoices(c, viewer), initial),
      },
      {
        type: 'input',
        block_id: INPUTS.gate.status,
        label: plain('Result'),
        element: {
          type: 'radio_buttons',
          action_id: INPUT_ACTION,
          options: (['green', 'red', 'pending'] as const).map((s) => ({
            text: plain(STATUS_WORD[s]),
            value: s,
          })),
        },
      },
      {
        type: 'input',
        block_id: INPUTS.gate.evidenceUrl,
        optional: true,
        label: plain('Evidence link'),
        element: { type: 'plain_text_input', action_id: INPUT_ACTION, placeholder: plain('https://…') },
      },
      {
        type: 'input',
        block_id: INPUTS.gate.runUrl,
        optional: true,
        label: plain('CI run link'),
        element: { type: 'plain_text_input', action_id: INPUT_ACTION, placeholder: plain('https://…') },
      },
    ],
  };
}

/** The gate form this person may open, or why not. */
export function gateFormFor(
  c: Cutover,
  viewer: Viewer,
  meta: ModalMetadata,
  initial?: string,
): { view: View } | { refusal: string } {
  const gates = settableGates(c, viewer);
  if (!gates.length) {
    const manual = c.gates.filter((g) => !g.derived);
    return {
      refusal: manual.length
        ? `:no_entry: You may set no gate: each is set by its owner (${esc(
            [...new Set(manual.map((g) => g.owner))].join(', '),
          )}) or an admin. _Nothing was changed._`
        : ':no_entry: Every gate here is derived: each turns green by itself when its facts hold. _Nothing was changed._',
    };
  }
  return { view: gateModal(c, viewer, meta, initial) };
}
