/** The sign-off and blocker-update modals. Pure: (state, viewer's options) -> view. */
import type { types } from '@slack/bolt';
import { z } from 'zod';
import { may } from '../../core/authorize.js';
import { currentTarget, gateState, targetLabel } from '../../core/readiness.js';
import type { Actor, Cutover, Side } from '../../core/schema.js';
import { INPUT_ACTION, INPUTS, VIEWS } from '../ids.js';
import { type Choice, choiceElement } from './select.js';
import { esc, fold, plain } from './text.js';

type View = types.View;

/** The person a view is for, as Slack tells it: their user id, and whether the workspace made them an admin. */
export interface Viewer {
  userId: string;
  isAdmin: boolean;
  /** The user groups holding roles that this person belongs to (asked of Slack, cached). */
  groups?: string[];
}

/** The viewer as the actor the rules judge: views ask `may(c, asActor(viewer), …)` before offering an action. */
export const asActor = (v: Viewer): Actor => ({
  kind: 'user',
  userId: v.userId,
  isAdmin: v.isAdmin,
  ...(v.groups?.length ? { groups: v.groups } : {}),
});

/** What a modal carries between opening and submission (≤ 3000 characters): one schema, read at the edge. */
export const ModalMetadata = z.object({
  channel: z.string().optional(),
  /** The program the form was opened for: its submission acts on that program, wherever it was opened. */
  program: z.string().optional(),
  /** The side, when the viewer can sign for exactly one. */
  side: z.string().optional(),
  /**
   * The release target the form showed (null: it showed that there was none). A submission binds to it: if the
   * target moved while the form was open, the submission is refused and the new target named.
   */
  target: z.object({ tag: z.string(), sha: z.string() }).nullable().optional(),
});
export type ModalMetadata = z.infer<typeof ModalMetadata>;

/** The target a form shows, as it carries it. */
export const shownTarget = (c: Cutover): ModalMetadata['target'] => {
  const t = currentTarget(c);
  return t ? { tag: t.tag, sha: t.sha } : null;
};

export function signoffModal(c: Cutover, sides: Side[], meta: ModalMetadata): View {
  const t = currentTarget(c);
  const against = t
    ? `You sign against *${esc(targetLabel(t))}*${t.approved ? '' : ' — _not approved yet: only NO-GO is possible_'}.`
    : '_No release target is published: only NO-GO is possible._';
  const gates = c.gates.map((g) => `\`${esc(g.id)}\` ${gateState(c, g).status}`).join(' · ');
  const only = sides.length === 1 ? sides[0] : undefined;
  return {
    type: 'modal',
    callback_id: VIEWS.signoff,
    title: plain('Sign off'),
    submit: plain('Sign off'),
    close: plain('Cancel'),
    private_metadata: JSON.stringify({ ...meta, ...(only ? { side: only.id } : {}), target: shownTarget(c) }),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: fold([
            only ? `Signing for *${esc(only.name)}*.` : 'Choose the side you sign for.',
            against,
            `Gates now: ${gates || 'none'}`,
            'A new target, or a gate turning red, voids this sign-off.',
          ]),
        },
      },
      ...(only
        ? []
        : [
            {
              type: 'input' as const,
              block_id: INPUTS.signoff.side,
              label: plain('Side'),
              element: {
                type: 'static_select' as const,
                action_id: INPUT_ACTION,
                options: sides.slice(0, 100).map((s) => ({ text: plain(s.name), value: s.id })),
              },
            },
          ]),
      {
        type: 'input',
        block_id: INPUTS.signoff.decision,
        label: plain('Decision'),
        element: {
          type: 'radio_buttons',
          action_id: INPUT_ACTION,
          options: [
            { text: plain('GO'), value: 'go' },
            { text: plain('NO-GO'), value: 'no-go' },
          ],
        },
      },
      {
        type: 'input',
        block_id: INPUTS.signoff.rationale,
        optional: true,
        label: plain('Rationale (required for NO-GO)'),
        element: { type: 'plain_text_input', action_id: INPUT_ACTION, multiline: true, max_length: 3000 },
      },
      {
        type: 'input',
        block_id: INPUTS.signoff.evidenceUrl,
        optional: true,
        label: plain('Evidence link'),
        element: {
          type: 'plain_text_input',
          action_id: INPUT_ACTION,
          placeholder: plain('https://…'),
        },
      },
    ],
  };
}

/** The blockers the blocker form offers: the manual ones (derived blockers change only by their facts). */
export const blockerChoices = (c: Cutover): Choice[] =>
  c.blockers
    .filter((b) => !b.derived)
    .map((b) => ({ text: `${b.status === 'open' ? '🔴' : '✅'} ${b.id}: ${b.title}`, value: b.id }));

export function blockerModal(c: Cutover, meta: ModalMetadata): View {
  return {
    type: 'modal',
    callback_id: VIEWS.blocker,
    title: plain('Update a blocker'),
    submit: plain('Update'),
    close: plain('Cancel'),
    private_metadata: JSON.stringify(meta),
    blocks: [
      {
        type: 'input',
        block_id: INPUTS.blocker.blocker,
        label: plain('Blocker'),
        // Past 100 blockers, an external_select: the options load as the person types.
        element: choiceElement(blockerChoices(c)),
      },
      {
        type: 'input',
        block_id: INPUTS.blocker.action,
        label: plain('Action'),
        element: {
          type: 'radio_buttons',
          action_id: INPUT_ACTION,
          options: [
            { text: plain('Clear it'), value: 'clear' },
            { text: plain('Reopen it'), value: 'reopen' },
          ],
        },
      },
      {
        type: 'input',
        block_id: INPUTS.blocker.evidenceUrl,
        optional: true,
        label: plain('Evidence link (when clearing)'),
        element: { type: 'plain_text_input', action_id: INPUT_ACTION, placeholder: plain('https://…') },
      },
      {
        type: 'input',
        block_id: INPUTS.blocker.reason,
        optional: true,
        label: plain('Reason (required to reopen)'),
        element: { type: 'plain_text_input', action_id: INPUT_ACTION, multiline: true, max_length: 1000 },
      },
    ],
  };
}

/** Whether the blocker form has anything to offer: derived blockers change only by their facts. */
const hasManualBlockers = (c: Cutover) => c.blockers.some((b) => !b.derived);

export type FormKind = 'signoff' | 'blocker';

/** The form this person may open, or the reason they may not. */
export function formFor(
  kind: FormKind,
  c: Cutover,
  viewer: Viewer,
  meta: ModalMetadata,
): { view: View } | { refusal: string } {
  if (kind === 'signoff') {
    const sides = c.sides.filter((s) => may(c, asActor(viewer), 'signoff', { side: s.id }));
    if (!sides.length)
      return {
        refusal: `:no_entry: Only a side's incident commander signs off (${esc(
          c.sides.map((s) => s.commanderRole).join(', '),
        )}), and you hold no commander role. _Nothing was changed._`,
      };
    return { view: signoffModal(c, sides, meta) };
  }
  if (!hasManualBlockers(c))
    return {
      refusal:
        'Every blocker here is derived: each clears itself when its facts hold. Add one with `/cutover blocker add <owner-role> <title…>`.',
    };
  return { view: blockerModal(c, meta) };
}
