/**
 * The "Log evidence" and "Decide" forms, so that everything a role does can be done without slash commands (a
 * member of the other organisation in a shared channel has none). Pure: (state, viewer) -> view, or the reason
 * there is none. Each offers only what the viewer may do, and the evidence form binds to the target it showed.
 */
import type { types } from '@slack/bolt';
import { authorize, may } from '../../core/authorize.js';
import { currentEvidence, currentTarget, targetLabel } from '../../core/readiness.js';
import type { Cutover, PermissionAction } from '../../core/schema.js';
import { goWord, utcStamp } from '../../format/words.js';
import { INPUT_ACTION, INPUTS, VIEWS } from '../ids.js';
import { refusalText } from './answers.js';
import { asActor, type ModalMetadata, shownTarget, type Viewer } from './modals.js';
import { type Choice, choiceElement } from './select.js';
import { esc, fold, plain } from './text.js';

type View = types.View;

/**
 * Why this viewer may not take the action, as the permissions table says it (`authorize`'s refusal, each role named
 * with its holder): the forms never restate who may act.
 */
function refusalOf(
  c: Cutover,
  viewer: Viewer,
  action: PermissionAction,
  item: { owner?: string; side?: string } = {},
): string {
  const auth = authorize(c, asActor(viewer), action, item);
  return auth.ok
    ? ':no_entry: You may not do this here now. _Nothing was changed._'
    : refusalText(auth.error, undefined, c);
}

/** An item's select: past 100 items an external_select whose options load as the person types. */
const select = (block: string, label: string, options: Choice[], initial?: string) => ({
  type: 'input' as const,
  block_id: block,
  label: plain(label),
  element: choiceElement(options, initial),
});

/** The evidence the form offers this person: what is owed for the current target first. */
export function evidenceChoices(c: Cutover, viewer: Viewer): Choice[] {
  const owed = [...loggableEvidence(c, viewer)].sort(
    (a, b) => Number(!!currentEvidence(c, a)) - Number(!!currentEvidence(c, b)),
  );
  return owed.map((e) => ({
    text: `${currentEvidence(c, e) ? '✅' : '⬜'} ${e.id}: ${e.title}`,
    value: e.id,
  }));
}

export const decisionChoices = (c: Cutover): Choice[] =>
  c.decisions.map((d) => ({
    text: `${goWord(d.status)} · ${d.id}: ${d.title}`,
    value: d.id,
  }));

export const roleChoices = (c: Cutover): Choice[] =>
  c.roles.map((r) => ({ text: `${r.id}: ${r.title}`, value: r.id }));

/** The evidence this person may log now (their side's, not yet logged for the current target first). */
export function loggableEvidence(c: Cutover, viewer: Viewer) {
  const actor = asActor(viewer);
  return c.evidence.filter((e) => may(c, actor, 'evidence.log', { side: e.side }));
}

export function evidenceFormFor(
  c: Cutover,
  viewer: Viewer,
  meta: ModalMetadata,
  initial?: string,
): { view: View } | { refusal: string } {
  const target = currentTarget(c);
  if (!target)
    return {
      refusal:
        ':no_entry: No release target is published: evidence is logged against one. _Nothing was changed._',
    };
  const items = loggableEvidence(c, viewer);
  if (!items.length)
    return {
      // Each side's evidence is logged by the roles its permissions name: the refusal of each side, once.
      refusal: [...new Set(c.evidence.map((e) => e.side))]
        .map((side) => refusalOf(c, viewer, 'evidence.log', { side }))
        .join('\n'),
    };
  return {
    view: {
      type: 'modal',
      callback_id: VIEWS.evidence,
      title: plain('Log evidence'),
      submit: plain('Log'),
      close: plain('Cancel'),
      private_metadata: JSON.stringify({ ...meta, target: shownTarget(c) }),
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: `Evidence for *${esc(targetLabel(target))}*: it counts for this target only.`,
          },
        },
        select(INPUTS.evidence.evidence, 'Evidence', evidenceChoices(c, viewer), initial),
        {
          type: 'input',
          block_id: INPUTS.evidence.url,
          label: plain('Link'),
          element: { type: 'plain_text_input', action_id: INPUT_ACTION, placeholder: plain('https://…') },
        },
      ],
    },
  };
}

export function decideFormFor(
  c: Cutover,
  viewer: Viewer,
  meta: ModalMetadata,
  initial?: string,
): { view: View } | { refusal: string } {
  if (!may(c, asActor(viewer), 'decide')) return { refusal: refusalOf(c, viewer, 'decide') };
  // A select of no options is a form Slack refuses to open.
  if (!c.decisions.length)
    return { refusal: ':no_entry: This program has no decisions to record. _Nothing was changed._' };
  return {
    view: {
      type: 'modal',
      callback_id: VIEWS.decide,
      title: plain('Decide'),
      submit: plain('Record'),
      close: plain('Cancel'),
      private_metadata: JSON.stringify(meta),
      blocks: [
        select(INPUTS.decide.decision, 'Decision', decisionChoices(c), initial),
        {
          type: 'input',
          block_id: INPUTS.decide.status,
          label: plain('Decision'),
          element: {
            type: 'radio_buttons',
            action_id: INPUT_ACTION,
            options: [
              { text: plain(goWord('go')), value: 'go' },
              { text: plain(goWord('no-go')), value: 'no-go' },
            ],
          },
        },
        {
          type: 'input',
          block_id: INPUTS.decide.rationale,
          label: plain('Rationale'),
          element: { type: 'plain_text_input', action_id: INPUT_ACTION, multiline: true, max_length: 3000 },
        },
      ],
    },
  };
}

const textInput = (block: string, label: string, placeholder: string) => ({
  type: 'input' as const,
  block_id: block,
  label: plain(label),
  element: { type: 'plain_text_input' as const, action_id: INPUT_ACTION, placeholder: plain(placeholder) },
});

export function targetFormFor(
  c: Cutover,
  viewer: Viewer,
  meta: ModalMetadata,
): { view: View } | { refusal: string } {
  if (!may(c, asActor(viewer), 'target.publish')) return { refusal: refusalOf(c, viewer, 'target.publish') };
  const t = currentTarget(c);
  return {
    view: {
      type: 'modal',
      callback_id: VIEWS.target,
      title: plain('Publish a target'),
      submit: plain('Publish'),
      close: plain('Cancel'),
      private_metadata: JSON.stringify(meta),
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: `${t ? `Now: *${esc(targetLabel(t))}*${t.approved ? ' (approved)' : ''}. ` : ''}A new target voids every sign-off in force and turns per-commit gates pending for it; a tag once published keeps its SHA.`,
          },
        },
        textInput(INPUTS.target.tag, 'Release tag', 'service.v3.1'),
        textInput(INPUTS.target.sha, 'Commit SHA (40 hex)', '1f0e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c'),
      ],
    },
  };
}

/**
 * What a datetimepicker's `initial_date_time` may be: Slack documents a UNIX time of 10 digits (2001-09-09 to
 * 2286-11-20), and refuses the view otherwise.
 */
export const PICKER_INITIAL = { min: 1_000_000_000, max: 9_999_999_999 } as const;

/** An instant as a datetimepicker's initial value, or none when Slack's picker cannot take it. */
export function pickerSeconds(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const s = Math.floor(Date.parse(iso) / 1000);
  return Number.isInteger(s) && s >= PICKER_INITIAL.min && s <= PICKER_INITIAL.max ? s : undefined;
}

export function windowFormFor(
  c: Cutover,
  viewer: Viewer,
  meta: ModalMetadata,
): { view: View } | { refusal: string } {
  if (!may(c, asActor(viewer), 'window')) return { refusal: refusalOf(c, viewer, 'window') };
  const start = pickerSeconds(c.window?.start);
  const end = pickerSeconds(c.window?.end);
  const picker = (block: string, label: string, at: number | undefined) => ({
    type: 'input' as const,
    block_id: block,
    label: plain(label),
    element: {
      type: 'datetimepicker' as const,
      action_id: INPUT_ACTION,
      ...(at === undefined ? {} : { initial_date_time: at }),
    },
  });
  // An end the picker cannot show (before 2001 or after 2286) is left empty, and the form says what it is now.
  const unshown = (
    [
      ['starts', c.window?.start, start],
      ['ends', c.window?.end, end],
    ] as const
  )
    .filter(([, iso, at]) => iso !== undefined && at === undefined)
    .map(
      ([what, iso]) =>
        `The window now ${what} ${utcStamp(iso ?? '')}, which Slack's picker cannot show: choose it again.`,
    );
  return {
    view: {
      type: 'modal',
      callback_id: VIEWS.window,
      title: plain('Set the window'),
      submit: plain('Set'),
      close: plain('Cancel'),
      private_metadata: JSON.stringify(meta),
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: fold([
              'The times are in your own time zone; everyone sees them in theirs. A GO given before the window moved no longer approves it.',
              ...unshown,
            ]),
          },
        },
        picker(INPUTS.window.start, 'Starts', start),
        picker(INPUTS.window.end, 'Ends', end),
      ],
    },
  };
}

/** "Assign a role": the role, and the person (a users_select) who holds it from now on. */
export function roleFormFor(
  c: Cutover,
  viewer: Viewer,
  meta: ModalMetadata,
  initial?: string,
): { view: View } | { refusal: string } {
  if (!may(c, asActor(viewer), 'role.assign')) return { refusal: refusalOf(c, viewer, 'role.assign') };
  return {
    view: {
      type: 'modal',
      callback_id: VIEWS.role,
      title: plain('Assign a role'),
      submit: plain('Assign'),
      close: plain('Cancel'),
      private_metadata: JSON.stringify(meta),
      blocks: [
        select(INPUTS.role.role, 'Role', roleChoices(c), initial),
        {
          type: 'input',
          block_id: INPUTS.role.user,
          label: plain('Person'),
          element: { type: 'users_select', action_id: INPUT_ACTION },
        },
      ],
    },
  };
}
