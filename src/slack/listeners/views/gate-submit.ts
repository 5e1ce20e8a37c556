/** The gate form, submitted: `gate.set` for the target the form showed; a fault shows under its field. */
import { INPUTS, VIEWS } from '../../ids.js';
import type { ListenerDeps } from '../deps.js';
import type { Listeners } from '../router.js';
import { registerFormSubmit, seenOf } from './form-submit.js';

export function registerGateSubmit(app: Listeners, deps: ListenerDeps) {
  registerFormSubmit(app, deps, {
    callbackId: VIEWS.gate,
    what: 'gate',
    inputs: Object.values(INPUTS.gate),
    read(values, meta) {
      const gate = values[INPUTS.gate.gate];
      const status = values[INPUTS.gate.status];
      if (!gate) return { block: INPUTS.gate.gate, message: 'Choose a gate.' };
      if (!status) return { block: INPUTS.gate.status, message: 'Choose green, red or pending.' };
      return {
        input: {
          type: 'gate.set',
          gate,
          status,
          evidenceUrl: values[INPUTS.gate.evidenceUrl],
          runUrl: values[INPUTS.gate.runUrl],
          // The result is for the commit the form showed: bound to it, refused if the target moved meanwhile.
          ...seenOf(meta),
          ...(meta.target ? { sha: meta.target.sha } : {}),
        },
      };
    },
    blockOf: {
      gate: INPUTS.gate.gate,
      target: INPUTS.gate.gate,
      sha: INPUTS.gate.gate,
      status: INPUTS.gate.status,
      evidenceUrl: INPUTS.gate.evidenceUrl,
      runUrl: INPUTS.gate.runUrl,
    },
    fallback: () => INPUTS.gate.status,
  });
}
