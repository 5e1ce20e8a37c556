/**
 * "Shape the program": a picker of what to change (a static select in an actions block, grouped by kind), which the
 * bot replaces (`views.update`) with the one form chosen — add, rename or remove a gate, an evidence item or a manual
 * blocker; retitle a role; change the reminders. Each form is small (at most 9 blocks), and a list of items is a
 * select of at most 100 options, or a typed id when the program has more, so every form fits Block Kit's limits
 * however large the program. Only what can succeed for the viewer is offered, as `may()` and the shaping rules say.
 * Pure: (state, viewer) -> view, or the reason there is none.
 */
import type { types } from '@slack/bolt';
import { authorize, may } from '../../core/authorize.js';
import { namedBy } from '../../core/commands/shape.js';
import { nextPhase } from '../../core/readiness.js';
import { type Cutover, REMINDER_RANGES } from '../../core/schema.js';
import { ACTIONS, INPUT_ACTION, INPUTS, SHAPE_VIEWS, type ShapeForm, VIEWS } from '../ids.js';
import { refusalSentence } from './answers.js';
import { asActor, type ModalMetadata, type Viewer } from './modals.js';
import { clip, esc, fold, plain, plainLine } from './text.js';

type View = types.View;
type KnownBlock = types.KnownBlock;
type Option = types.PlainTextOption;

const S = INPUTS.shape;

/** Slack's most options in one select: a longer list is typed instead. */
export const MAX_OPTIONS = 100;

/** Every shaping form, in the order the picker offers them. */
export const SHAPE_FORMS = Object.keys(SHAPE_VIEWS) as ShapeForm[];

/** Whether a value names a shaping form: its own key, so `constructor` or `toString` never does. */
export const isShapeForm = (v: unknown): v is ShapeForm =>
  typeof v === 'string' && Object.hasOwn(SHAPE_VIEWS, v);

type Kind = 'gate' | 'evidence' | 'blocker' | 'role' | 'reminders';

/** What each form is called: in the picker (`label`), as the modal's title and submit (24 characters each). */
const FORM: Record<ShapeForm, { kind: Kind; label: string; title: string; submit: string }> = {
  'gate.add': { kind: 'gate', label: 'Add a gate', title: 'Add a gate', submit: 'Add' },
  'gate.rename': { kind: 'gate', label: 'Rename a gate', title: 'Rename a gate', submit: 'Rename' },
  'gate.remove': { kind: 'gate', label: 'Remove a manual gate', title: 'Remove a gate', submit: 'Remove' },
  'evidence.add': { kind: 'evidence', label: 'Add an evidence item', title: 'Add evidence', submit: 'Add' },
  'evidence.rename': {
    kind: 'evidence',
    label: 'Rename an evidence item',
    title: 'Rename evidence',
    submit: 'Rename',
  },
  'evidence.remove': {
    kind: 'evidence',
    label: 'Remove an evidence item',
    title: 'Remove evidence',
    submit: 'Remove',
  },
  'blocker.add': { kind: 'blocker', label: 'Add a manual blocker', title: 'Add a blocker', submit: 'Add' },
  'blocker.rename': {
    kind: 'blocker',
    label: 'Rename a manual blocker',
    title: 'Rename a blocker',
    submit: 'Rename',
  },
  'blocker.remove': {
    kind: 'blocker',
    label: 'Remove a manual blocker',
    title: 'Remove a blocker',
    submit: 'Remove',
  },
  'role.retitle': { kind: 'role', label: 'Retitle a role', title: 'Retitle a role', submit: 'Retitle' },
  'reminders.set': {
    kind: 'reminders',
    label: 'Change the reminders',
    title: 'Change the reminders',
    submit: 'Save',
  },
};

const GROUP: Record<Kind, string> = {
  gate: 'Gates',
  evidence: 'Evidence',
  blocker: 'Blockers',
  role: 'Roles',
  reminders: 'Reminders',
};

type Item = { id: string; title: string };

const manualGates = (c: Cutover) => c.gates.filter((g) => !g.derived);
const manualBlockers = (c: Cutover) => c.blockers.filter((b) => !b.derived);
/** Evidence no derived gate or blocker names: the core removes only these. */
const removableEvidence = (c: Cutover) => c.evidence.filter((e) => !namedBy(c, e.id).length);

/** The refusal of a permission, as Slack says it: the roles that may, with their holders mentioned. */
function notAllowed(c: Cutover, viewer: Viewer, action: 'program.shape' | 'blocker.add'): string {
  const auth = authorize(c, asActor(viewer), action);
  return auth.ok ? '' : `:no_entry: ${refusalSentence(auth.error, c)} _Nothing was changed._`;
}

/** Why this viewer cannot use this form now, or undefined when they can. */
function whyNot(c: Cutover, viewer: Viewer, form: ShapeForm): string | undefined {
  if (c.archived) return ':no_entry: This program is archived: it is read-only. _Nothing was changed._';
  const actor = asActor(viewer);
  if (form === 'blocker.add') {
    if (!may(c, actor, 'blocker.add')) return notAllowed(c, viewer, 'blocker.add');
    return nextPhase(c) ? undefined : 'Every phase is closed: there is no phase left for a blocker to block.';
  }
  if (!may(c, actor, 'program.shape')) return notAllowed(c, viewer, 'program.shape');
  switch (form) {
    case 'gate.rename':
      return c.gates.length ? undefined : 'The program has no gate to rename.';
    case 'gate.remove':
      return manualGates(c).length
        ? undefined
        : "Every gate here is derived: each is one of the program's rules and keeps its conditions, so none is removed from Slack.";
    case 'evidence.rename':
      return c.evidence.length ? undefined : 'The program has no evidence item to rename.';
    case 'evidence.remove':
      return removableEvidence(c).length
        ? undefined
        : 'Each evidence item is a condition of a derived gate or blocker, and derived items keep their conditions: none can be removed.';
    case 'blocker.rename':
    case 'blocker.remove':
      return manualBlockers(c).length
        ? undefined
        : "Every blocker here is derived: its title and its conditions are the program's rules. Add a manual one first.";
    default:
      return undefined;
  }
}

/** The shaping forms this viewer may use now: what the picker offers, and App Home's button shows for. */
export function shapeOffers(c: Cutover, viewer: Viewer): ShapeForm[] {
  return SHAPE_FORMS.filter((f) => !whyNot(c, viewer, f));
}

const option = (text: string, value: string): Option => ({ text: plain(text), value });
/** An input's hint: plain text of up to 2000 characters (a label or an option holds 75). */
const hint = (text: string) => ({ type: 'plain_text' as const, text: clip(plainLine(text), 2000) });

/** One line per kind: how many there are, and how many of them are derived (fixed by the program's rules). */
function summary(c: Cutover): string {
  const derived = (list: { derived?: unknown }[]) => {
    const n = list.filter((x) => x.derived).length;
    return n ? ` (${n} derived)` : '';
  };
  return [
    `*Gates* ${c.gates.length}${derived(c.gates)}`,
    `*Evidence* ${c.evidence.length}`,
    `*Blockers* ${c.blockers.length}${derived(c.blockers)}`,
    `*Roles* ${c.roles.length}`,
  ].join(' · ');
}

function pickerModal(c: Cutover, offers: ShapeForm[], meta: ModalMetadata): View {
  const groups = (Object.keys(GROUP) as Kind[])
    .map((kind) => ({
      label: plain(GROUP[kind]),
      options: offers.filter((f) => FORM[f].kind === kind).map((f) => option(FORM[f].label, f)),
    }))
    .filter((g) => g.options.length);
  return {
    type: 'modal',
    callback_id: VIEWS.shapePicker,
    title: plain('Shape the program'),
    close: plain('Close'),
    private_metadata: JSON.stringify(meta),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: fold([
            `*${esc(c.title)}*`,
            summary(c),
            'Derived gates and blockers are the program’s rules: they keep their conditions. Every change is in history and posted to the channel; adding or removing a gate voids the sign-offs in force.',
          ]),
        },
      },
      {
        type: 'actions',
        elements: [
          {
            type: 'static_select',
            action_id: ACTIONS.pickShape,
            placeholder: plain('Choose what to change'),
            option_groups: groups,
          },
        ],
      },
    ],
  };
}

const note = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });

/** The item a form acts on: a select of its items, or, past Slack's 100 options, its id typed. */
function itemInput(label: string, items: Item[], kind: string): KnownBlock {
  if (items.length > MAX_OPTIONS)
    return {
      type: 'input',
      block_id: S.item,
      label: plain(label),
      hint: hint(`The ${kind}'s id, as /cutover status shows it: there are too many to list.`),
      element: {
        type: 'plain_text_input',
        action_id: INPUT_ACTION,
        max_length: 64,
        placeholder: plain(`${kind} id, such as ${items[0]?.id ?? ''}`),
      },
    };
  return {
    type: 'input',
    block_id: S.item,
    label: plain(label),
    element: {
      type: 'static_select',
      action_id: INPUT_ACTION,
      placeholder: plain(`Choose a ${kind}`),
      options: items.map((x) => option(`${x.id}: ${x.title}`, x.id)),
    },
  };
}

const idInput = (kind: string, example: string): KnownBlock => ({
  type: 'input',
  block_id: S.id,
  label: plain(`New ${kind} id`),
  hint: hint('Lower-case letters, digits, "-", "." or "_"; at most 64. It cannot be changed later.'),
  element: { type: 'plain_text_input', action_id: INPUT_ACTION, max_length: 64, placeholder: plain(example) },
});

const titleInput = (label: string, max: number, initial?: string): KnownBlock => ({
  type: 'input',
  block_id: S.title,
  label: plain(label),
  element: {
    type: 'plain_text_input',
    action_id: INPUT_ACTION,
    max_length: max,
    ...(initial ? { initial_value: initial.slice(0, max) } : {}),
  },
});

const ownerInput = (c: Cutover, label: string): KnownBlock =>
  c.roles.length > MAX_OPTIONS
    ? {
        type: 'input',
        block_id: S.owner,
        label: plain(label),
        element: {
          type: 'plain_text_input',
          action_id: INPUT_ACTION,
          max_length: 64,
          placeholder: plain('role id'),
        },
      }
    : {
        type: 'input',
        block_id: S.owner,
        label: plain(label),
        element: {
          type: 'static_select',
          action_id: INPUT_ACTION,
          placeholder: plain('Choose a role'),
          options: c.roles.map((r) => option(`${r.id}: ${r.title}`, r.id)),
        },
      };

const hours = (h: number) => `${String(h).padStart(2, '0')}:00`;
const hourOptions = Array.from({ length: 24 }, (_, h) => option(hours(h), String(h)));
const NO_QUIET = option('none', 'none');

/**
 * Whole hours within the reminders' range. Slack refuses a form whose initial value its own field would refuse, so
 * a value the program holds outside it (a program file may say 0.5 or 1000) is not shown there, but said in the hint.
 */
function numberInput(block: string, label: string, value: number, about: string): KnownBlock {
  const { min, max } = REMINDER_RANGES.hours;
  const fits = Number.isInteger(value) && value >= min && value <= max;
  return {
    type: 'input',
    block_id: block,
    label: plain(label),
    hint: hint(
      fits
        ? about
        : `${about} Now ${value} hours, which this field cannot show: give a whole number from ${min} to ${max}.`,
    ),
    element: {
      type: 'number_input',
      action_id: INPUT_ACTION,
      is_decimal_allowed: false,
      min_value: String(min),
      max_value: String(max),
      ...(fits ? { initial_value: String(value) } : {}),
    },
  };
}

const hourSelect = (block: string, label: string, options: Option[], initial: Option): KnownBlock => ({
  type: 'input',
  block_id: block,
  label: plain(label),
  element: { type: 'static_select', action_id: INPUT_ACTION, options, initial_option: initial },
});

/** A text field's initial value, when it fits the field (Slack refuses a longer one); else none. */
const fitting = (value: string, max: number) =>
  value && value.length <= max ? { initial_value: value } : {};

function remindersBlocks(c: Cutover): KnownBlock[] {
  const r = c.reminders;
  const quiet = (h: number | undefined) => (h === undefined ? NO_QUIET : (hourOptions[h] ?? NO_QUIET));
  return [
    note(`The digest and the quiet hours are in the time zone below (now *${esc(r.zone)}*).`),
    numberInput(
      S.signoffAfterHours,
      'Nudge a missing sign-off after (hours)',
      r.signoffAfterHours,
      'A commander whose sign-off is still missing after this long is nudged.',
    ),
    numberInput(
      S.blockerStaleHours,
      'Nudge an untouched blocker after (hours)',
      r.blockerStaleHours,
      'An open blocker nobody touched for this long nudges its owner.',
    ),
    {
      type: 'input',
      block_id: S.windowLeadHours,
      optional: true,
      label: plain('Tell everyone before the window (hours)'),
      hint: hint('Up to 5 numbers of hours before the window starts, such as 24, 1. Empty: no notices.'),
      element: {
        type: 'plain_text_input',
        action_id: INPUT_ACTION,
        max_length: 100,
        ...fitting(r.windowLeadHours.join(', '), 100),
      },
    },
    hourSelect(S.digestHour, 'Daily digest at', hourOptions, hourOptions[r.digestHour] ?? NO_QUIET),
    hourSelect(S.quietFrom, 'Quiet hours from', [NO_QUIET, ...hourOptions], quiet(r.quietHours?.from)),
    hourSelect(S.quietTo, 'Quiet hours until', [NO_QUIET, ...hourOptions], quiet(r.quietHours?.to)),
    {
      type: 'input',
      block_id: S.zone,
      label: plain('Time zone'),
      hint: hint('An IANA time zone, such as Europe/Berlin or UTC.'),
      element: {
        type: 'plain_text_input',
        action_id: INPUT_ACTION,
        max_length: 100,
        ...fitting(r.zone, 100),
      },
    },
  ];
}

/** The blocks of one form. */
function formBlocks(c: Cutover, form: ShapeForm): KnownBlock[] {
  switch (form) {
    case 'gate.add':
      return [
        note('A new gate starts *pending*. Adding it voids every sign-off in force: the gate set changed.'),
        idInput('gate', 'perf-suite'),
        titleInput('Title', 200),
        ownerInput(c, 'Owner (the role that sets it)'),
        {
          type: 'input',
          block_id: S.perTarget,
          label: plain('What a result verifies'),
          element: {
            type: 'radio_buttons',
            action_id: INPUT_ACTION,
            options: [
              option('One commit: a result counts while that commit is the target', 'yes'),
              option('Not the code (a sign-off): a result stands across targets', 'no'),
            ],
            initial_option: option('One commit: a result counts while that commit is the target', 'yes'),
          },
        },
      ];
    case 'gate.rename':
      return [itemInput('Gate', c.gates, 'gate'), titleInput('New title', 200)];
    case 'gate.remove':
      return [
        note(
          'Removing a gate voids every sign-off in force. Derived gates are the program’s rules and are not listed.',
        ),
        itemInput('Gate', manualGates(c), 'gate'),
      ];
    case 'evidence.add':
      return [
        idInput('evidence', 'perf-report'),
        titleInput('Title', 200),
        {
          type: 'input',
          block_id: S.side,
          label: plain('Side that logs it'),
          element: {
            type: 'static_select',
            action_id: INPUT_ACTION,
            placeholder: plain('Choose a side'),
            options: c.sides.slice(0, MAX_OPTIONS).map((s) => option(s.name, s.id)),
          },
        },
      ];
    case 'evidence.rename':
      return [itemInput('Evidence', c.evidence, 'evidence'), titleInput('New title', 200)];
    case 'evidence.remove':
      return [
        note('Evidence a derived gate or blocker waits for is one of its conditions: it is not listed.'),
        itemInput('Evidence', removableEvidence(c), 'evidence'),
      ];
    case 'blocker.add':
      return [
        note(
          `The blocker blocks the start of the next phase (*${esc(nextPhase(c)?.title ?? '')}*) until its owner clears it.`,
        ),
        ownerInput(c, 'Owner (the role that clears it)'),
        titleInput('Title', 300),
      ];
    case 'blocker.rename':
      return [itemInput('Blocker', manualBlockers(c), 'blocker'), titleInput('New title', 300)];
    case 'blocker.remove':
      return [
        note('Derived blockers clear themselves and are the program’s rules: they are not listed.'),
        itemInput('Blocker', manualBlockers(c), 'blocker'),
      ];
    case 'role.retitle':
      return [itemInput('Role', c.roles, 'role'), titleInput('New title', 200)];
    case 'reminders.set':
      return remindersBlocks(c);
  }
}

function formModal(c: Cutover, form: ShapeForm, meta: ModalMetadata): View {
  const f = FORM[form];
  return {
    type: 'modal',
    callback_id: SHAPE_VIEWS[form],
    title: plain(f.title),
    submit: plain(f.submit),
    close: plain('Cancel'),
    private_metadata: JSON.stringify(meta),
    blocks: formBlocks(c, form),
  };
}

/**
 * The shaping form this person may open, or why not: without `form`, the picker of every form they may use; with it,
 * that form (`/cutover shape gate.add`, or the picker's choice).
 */
export function shapeFormFor(
  c: Cutover,
  viewer: Viewer,
  meta: ModalMetadata,
  form?: ShapeForm,
): { view: View } | { refusal: string } {
  if (form) {
    const why = whyNot(c, viewer, form);
    return why ? { refusal: why } : { view: formModal(c, form, meta) };
  }
  const offers = shapeOffers(c, viewer);
  if (!offers.length)
    return {
      refusal: c.archived
        ? (whyNot(c, viewer, 'gate.add') ?? '')
        : notAllowed(c, viewer, 'program.shape') || notAllowed(c, viewer, 'blocker.add'),
    };
  return { view: pickerModal(c, offers, meta) };
}

/** What the picker becomes when the form chosen cannot be used (the state changed while it was open). */
export function shapeNotice(text: string): View {
  return {
    type: 'modal',
    callback_id: VIEWS.shapePicker,
    title: plain('Shape the program'),
    close: plain('Close'),
    blocks: [note(fold([text]))],
  };
}
