/** The evidence and decision forms, submitted: one `registerFormSubmit` each; a fault shows under its field. */
import { INPUTS, VIEWS } from '../../ids.js';
import type { ListenerDeps } from '../deps.js';
import type { Listeners } from '../router.js';
import { registerFormSubmit } from './form-submit.js';

export function registerActSubmits(app: Listeners, deps: ListenerDeps) {
  // The confirmation form (views/confirm-modal.ts): the refused change again, with the reason to go ahead.
  registerFormSubmit(app, deps, {
    callbackId: VIEWS.confirm,
    what: 'confirmed change',
    inputs: Object.values(INPUTS.confirm),
    read(values, meta) {
      const reason = values[INPUTS.confirm.reason];
      if (!meta.command) return { block: INPUTS.confirm.reason, message: 'Close this form and start again.' };
      if (!reason) return { block: INPUTS.confirm.reason, message: 'Say why to go ahead: it is recorded.' };
      return { input: { ...meta.command, confirm: { reason } } };
    },
    blockOf: {},
    fallback: () => INPUTS.confirm.reason,
    closeAll: true,
  });
  registerFormSubmit(app, deps, {
    callbackId: VIEWS.evidence,
    what: 'evidence',
    inputs: Object.values(INPUTS.evidence),
    read(values, meta) {
      const evidence = values[INPUTS.evidence.evidence];
      const url = values[INPUTS.evidence.url];
      if (!evidence) return { block: INPUTS.evidence.evidence, message: 'Choose the evidence.' };
      if (!url) return { block: INPUTS.evidence.url, message: 'Give the link to the evidence.' };
      // Logged against the commit the form showed: refused as stale if the target moved meanwhile.
      return {
        input: { type: 'evidence.log', evidence, url, ...(meta.target ? { sha: meta.target.sha } : {}) },
      };
    },
    blockOf: { evidence: INPUTS.evidence.evidence, url: INPUTS.evidence.url, sha: INPUTS.evidence.evidence },
    fallback: () => INPUTS.evidence.evidence,
  });
  registerFormSubmit(app, deps, {
    callbackId: VIEWS.role,
    what: 'role',
    inputs: Object.values(INPUTS.role),
    read(values) {
      const role = values[INPUTS.role.role];
      const user = values[INPUTS.role.user];
      if (!role) return { block: INPUTS.role.role, message: 'Choose the role.' };
      if (!user) return { block: INPUTS.role.user, message: 'Choose who holds it.' };
      return { input: { type: 'role.assign', role, user } };
    },
    blockOf: { role: INPUTS.role.role, user: INPUTS.role.user },
    fallback: () => INPUTS.role.user,
  });
  registerFormSubmit(app, deps, {
    callbackId: VIEWS.target,
    what: 'target',
    inputs: Object.values(INPUTS.target),
    read(values) {
      const tag = values[INPUTS.target.tag];
      const sha = values[INPUTS.target.sha];
      if (!tag) return { block: INPUTS.target.tag, message: 'Give the release tag.' };
      if (!sha) return { block: INPUTS.target.sha, message: 'Give the full 40-character commit SHA.' };
      return { input: { type: 'target.publish', tag, sha } };
    },
    blockOf: { tag: INPUTS.target.tag, sha: INPUTS.target.sha },
    fallback: () => INPUTS.target.tag,
  });
  registerFormSubmit(app, deps, {
    callbackId: VIEWS.window,
    what: 'window',
    inputs: Object.values(INPUTS.window),
    read(values) {
      const start = values[INPUTS.window.start];
      const end = values[INPUTS.window.end];
      if (!start) return { block: INPUTS.window.start, message: 'Choose when the window starts.' };
      if (!end) return { block: INPUTS.window.end, message: 'Choose when the window ends.' };
      return { input: { type: 'window', start, end } };
    },
    blockOf: { start: INPUTS.window.start, end: INPUTS.window.end },
    fallback: () => INPUTS.window.end,
  });
  registerFormSubmit(app, deps, {
    callbackId: VIEWS.decide,
    what: 'decision',
    inputs: Object.values(INPUTS.decide),
    read(values) {
      const decision = values[INPUTS.decide.decision];
      const status = values[INPUTS.decide.status];
      const rationale = values[INPUTS.decide.rationale];
      if (!decision) return { block: INPUTS.decide.decision, message: 'Choose the decision.' };
      if (!status) return { block: INPUTS.decide.status, message: 'Choose GO or NO-GO.' };
      if (!rationale) return { block: INPUTS.decide.rationale, message: 'Give the rationale.' };
      return { input: { type: 'decide', decision, status, rationale } };
    },
    blockOf: {
      decision: INPUTS.decide.decision,
      status: INPUTS.decide.status,
      rationale: INPUTS.decide.rationale,
    },
    fallback: () => INPUTS.decide.status,
  });
}
