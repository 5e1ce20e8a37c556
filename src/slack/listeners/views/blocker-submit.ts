/** The blocker form, submitted: clear or reopen a manual blocker; a fault shows under its field. */
import { INPUTS, VIEWS } from '../../ids.js';
import type { ListenerDeps } from '../deps.js';
import type { Listeners } from '../router.js';
import { registerFormSubmit } from './form-submit.js';

export function registerBlockerSubmit(app: Listeners, deps: ListenerDeps) {
  registerFormSubmit(app, deps, {
    callbackId: VIEWS.blocker,
    what: 'blocker update',
    inputs: Object.values(INPUTS.blocker),
    read(values) {
      const blocker = values[INPUTS.blocker.blocker];
      const action = values[INPUTS.blocker.action];
      if (!blocker) return { block: INPUTS.blocker.blocker, message: 'Choose a blocker.' };
      if (action !== 'clear' && action !== 'reopen')
        return { block: INPUTS.blocker.action, message: 'Choose whether to clear or reopen it.' };
      const reason = values[INPUTS.blocker.reason];
      if (action === 'reopen' && !reason)
        return { block: INPUTS.blocker.reason, message: 'Say why the blocker is open again.' };
      return {
        input:
          action === 'clear'
            ? { type: 'blocker.clear', blocker, evidenceUrl: values[INPUTS.blocker.evidenceUrl] }
            : { type: 'blocker.reopen', blocker, reason },
      };
    },
    blockOf: {
      blocker: INPUTS.blocker.blocker,
      evidenceUrl: INPUTS.blocker.evidenceUrl,
      reason: INPUTS.blocker.reason,
    },
    fallback: () => INPUTS.blocker.action,
  });
}
