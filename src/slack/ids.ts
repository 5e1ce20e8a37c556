/** Every command, callback_id, block_id and action_id the bot uses, once. */

export const COMMAND = '/cutover';

export const ACTIONS = {
  openSignoff: 'cutover.signoff.open',
  openBlocker: 'cutover.blocker.open',
  /** "Set a gate" (App Home); the button's value may name the gate to preselect. */
  openGate: 'cutover.gate.open',
} as const;

export const VIEWS = {
  signoff: 'cutover.signoff.submit',
  blocker: 'cutover.blocker.submit',
  gate: 'cutover.gate.submit',
} as const;

/** Input blocks of the modals: each block holds one element whose action_id is `value`. */
export const INPUTS = {
  signoff: {
    side: 'signoff.side',
    decision: 'signoff.decision',
    rationale: 'signoff.rationale',
    evidenceUrl: 'signoff.evidence',
  },
  blocker: {
    blocker: 'blocker.id',
    action: 'blocker.action',
    evidenceUrl: 'blocker.evidence',
    reason: 'blocker.reason',
  },
  gate: {
    gate: 'gate.id',
    status: 'gate.status',
    evidenceUrl: 'gate.evidence',
    runUrl: 'gate.run',
  },
} as const;

export const INPUT_ACTION = 'value';

/** The "Start a program" form (`/cutover new` alone). */
export const NEW_PROGRAM = {
  view: 'cutover.program.new.submit',
  inputs: {
    template: 'program.template',
    id: 'program.id',
    title: 'program.title',
    release: 'program.release',
    /** One per side of the template: `program.side.<side-id>.name` / `.zone`. */
    sidePrefix: 'program.side.',
    /** One per role of the template: `program.role.<role-id>`. */
    rolePrefix: 'program.role.',
  },
  /** The template select's `copy:` prefix: a copy of a program the bot holds. */
  copyPrefix: 'copy:',
  /** Updates the form for the template chosen (sides and roles differ per template). */
  templateChosen: 'cutover.program.new.template',
} as const;

/**
 * A button's value: the program it acts on and the item it preselects, `<program-id>:<item-id>` (ids hold no
 * `:`). A value without `:` (a button posted before programs were many) is an item of the channel's program.
 */
export const actionValue = (program: string, item?: string) => `${program}:${item ?? ''}`;

export function readActionValue(value: string | undefined): { program?: string; item?: string } {
  if (!value) return {};
  const at = value.indexOf(':');
  if (at < 0) return { item: value };
  const program = value.slice(0, at);
  const item = value.slice(at + 1);
  return { ...(program ? { program } : {}), ...(item ? { item } : {}) };
}
