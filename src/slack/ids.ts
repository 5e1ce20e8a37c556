/** Every command, callback_id, block_id and action_id the bot uses, once. */

export const COMMAND = '/cutover';

export const ACTIONS = {
  openSignoff: 'cutover.signoff.open',
  openBlocker: 'cutover.blocker.open',
  /** "Set a gate" (App Home); the button's value may name the gate to preselect. */
  openGate: 'cutover.gate.open',
  /** "Log evidence" (status, App Home); the value may name the evidence to preselect. */
  openEvidence: 'cutover.evidence.open',
  /** "Assign a role" (App Home, for admins); the value may name the role to preselect. */
  openRole: 'cutover.role.open',
  /** "Publish a target" and "Set the window" (status, App Home). */
  openTarget: 'cutover.target.open',
  openWindow: 'cutover.window.open',
  /** "Decide" (status, App Home); the value may name the decision to preselect. */
  openDecide: 'cutover.decide.open',
  /** "Approve <tag>": the value names the program and the SHA shown, which is what is approved. */
  approveTarget: 'cutover.target.approve',
  /** "Start phase <id>" / "Close phase <id>": the value names the program and the phase. */
  startPhase: 'cutover.phase.start',
  closePhase: 'cutover.phase.close',
  /** "Archive": the program's last phase is closed (the value names the program). */
  archive: 'cutover.program.archive',
  /** "Post the decision record" to the program's channel. */
  postRecord: 'cutover.record.post',
  /** "Shape the program" (App Home; `/cutover shape`): opens the picker of what to shape. */
  openShape: 'cutover.shape.open',
  /** The picker's select: its option's value is a `ShapeForm`, and the picker becomes that form. */
  pickShape: 'cutover.shape.pick',
  /** "CI tokens" (App Home, log owner and admins): the form that lists, makes and revokes a program's tokens. */
  openTokens: 'cutover.tokens.open',
  /** "Revoke" in the tokens form: the value names the program and the token. */
  revokeToken: 'cutover.token.revoke',
} as const;

export const VIEWS = {
  signoff: 'cutover.signoff.submit',
  blocker: 'cutover.blocker.submit',
  gate: 'cutover.gate.submit',
  evidence: 'cutover.evidence.submit',
  target: 'cutover.target.submit',
  role: 'cutover.role.submit',
  window: 'cutover.window.submit',
  decide: 'cutover.decide.submit',
  /** Pushed over a form whose change would take the GO from a running phase: the reason to go ahead anyway. */
  confirm: 'cutover.confirm.submit',
  /** The "Shape the program" picker: it has no submit, its select replaces it with the form chosen. */
  shapePicker: 'cutover.shape.picker',
  /** The CI tokens form: submitting it makes a token, shown once in the view that replaces it. */
  tokens: 'cutover.tokens.submit',
} as const;

/** The shaping forms, one per command they submit (the form's key is the command's type). */
export const SHAPE_VIEWS = {
  'gate.add': 'cutover.shape.gate.add.submit',
  'gate.rename': 'cutover.shape.gate.rename.submit',
  'gate.remove': 'cutover.shape.gate.remove.submit',
  'evidence.add': 'cutover.shape.evidence.add.submit',
  'evidence.rename': 'cutover.shape.evidence.rename.submit',
  'evidence.remove': 'cutover.shape.evidence.remove.submit',
  'blocker.add': 'cutover.shape.blocker.add.submit',
  'blocker.rename': 'cutover.shape.blocker.rename.submit',
  'blocker.remove': 'cutover.shape.blocker.remove.submit',
  'role.retitle': 'cutover.shape.role.retitle.submit',
  'reminders.set': 'cutover.shape.reminders.submit',
} as const;
export type ShapeForm = keyof typeof SHAPE_VIEWS;

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
  evidence: { evidence: 'evidence.id', url: 'evidence.url' },
  target: { tag: 'target.tag', sha: 'target.sha' },
  role: { role: 'role.id', user: 'role.user' },
  window: { start: 'window.start', end: 'window.end' },
  decide: { decision: 'decide.id', status: 'decide.status', rationale: 'decide.rationale' },
  confirm: { reason: 'confirm.reason' },
  token: { name: 'token.name', side: 'token.side' },
  gate: {
    gate: 'gate.id',
    status: 'gate.status',
    evidenceUrl: 'gate.evidence',
    runUrl: 'gate.run',
  },
  /** The shaping forms: each shows the blocks it needs. */
  shape: {
    /** The gate, evidence, blocker or role the form acts on (a select, or typed when there are over 100). */
    item: 'shape.item',
    /** The new item's id. */
    id: 'shape.id',
    title: 'shape.title',
    owner: 'shape.owner',
    side: 'shape.side',
    perTarget: 'shape.per-target',
    signoffAfterHours: 'shape.signoff-after-hours',
    blockerStaleHours: 'shape.blocker-stale-hours',
    windowLeadHours: 'shape.window-lead-hours',
    digestHour: 'shape.digest-hour',
    quietFrom: 'shape.quiet-from',
    quietTo: 'shape.quiet-to',
    zone: 'shape.zone',
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

/** The program and item a clicked button (or chosen option) carries in its `value`; nothing for another action. */
export function valueOfAction(action: object | undefined): { program?: string; item?: string } {
  return readActionValue(
    action && 'value' in action && typeof action.value === 'string' ? action.value : undefined,
  );
}

export function readActionValue(value: string | undefined): { program?: string; item?: string } {
  if (!value) return {};
  const at = value.indexOf(':');
  if (at < 0) return { item: value };
  const program = value.slice(0, at);
  const item = value.slice(at + 1);
  return { ...(program ? { program } : {}), ...(item ? { item } : {}) };
}
