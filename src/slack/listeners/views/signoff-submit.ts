/** The sign-off form, submitted: bound to the target it showed; a fault shows under its field. */
import { INPUTS, VIEWS } from '../../ids.js';
import type { ListenerDeps } from '../deps.js';
import type { Listeners } from '../router.js';
import { registerFormSubmit, seenOf } from './form-submit.js';

export function registerSignoffSubmit(app: Listeners, deps: ListenerDeps) {
  registerFormSubmit(app, deps, {
    callbackId: VIEWS.signoff,
    what: 'sign-off',
    inputs: Object.values(INPUTS.signoff),
    read(values, meta) {
      const side = meta.side ?? values[INPUTS.signoff.side];
      if (!side) return { block: INPUTS.signoff.side, message: 'Choose the side you sign for.' };
      const decision = values[INPUTS.signoff.decision];
      if (!decision) return { block: INPUTS.signoff.decision, message: 'Choose GO or NO-GO.' };
      return {
        input: {
          type: 'signoff',
          side,
          decision,
          rationale: values[INPUTS.signoff.rationale],
          evidenceUrl: values[INPUTS.signoff.evidenceUrl],
          ...seenOf(meta),
        },
      };
    },
    // The side picker is not shown when the form names the side: its faults go under the decision.
    blockOf: {
      decision: INPUTS.signoff.decision,
      rationale: INPUTS.signoff.rationale,
      evidenceUrl: INPUTS.signoff.evidenceUrl,
    },
    fallback: (meta) => (meta.side ? INPUTS.signoff.decision : INPUTS.signoff.side),
  });
}
