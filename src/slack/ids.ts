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
