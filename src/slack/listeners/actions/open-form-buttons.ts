/**
 * The "Sign off", "Update a blocker" and "Set a gate" buttons (status message, alerts, App Home): ack, then open the
 * form at once, for the program the button carries (else the channel's), preselecting the item it names.
 */
import { actionPattern } from '../../block-ids.js';
import { ACTIONS, valueOfAction } from '../../ids.js';
import {
  decideFormFor,
  evidenceFormFor,
  roleFormFor,
  targetFormFor,
  windowFormFor,
} from '../../views/act-modals.js';
import { gateFormFor } from '../../views/gate-modal.js';
import { type FormKind, formFor } from '../../views/modals.js';
import { type ListenerDeps, viewerOf } from '../deps.js';
import { openView } from '../open-view.js';
import { programOpenedBy } from '../program-of.js';
import type { Listeners } from '../router.js';
import { tell } from '../tell.js';

type ButtonKind = FormKind | 'gate' | 'evidence' | 'decide' | 'target' | 'window' | 'role';

const ACTION_OF: Record<ButtonKind, string> = {
  signoff: ACTIONS.openSignoff,
  blocker: ACTIONS.openBlocker,
  gate: ACTIONS.openGate,
  evidence: ACTIONS.openEvidence,
  decide: ACTIONS.openDecide,
  target: ACTIONS.openTarget,
  window: ACTIONS.openWindow,
  role: ACTIONS.openRole,
};

export function registerFormButtons(app: Listeners, deps: ListenerDeps) {
  const open = (kind: ButtonKind) =>
    app.action(actionPattern(ACTION_OF[kind]), async ({ ack, body, client, respond, logger }) => {
      await ack();
      if (body.type !== 'block_actions') return;
      const userId = body.user.id;
      const action = body.actions[0];
      const value = valueOfAction(action);
      const inChannel = body.channel?.id ?? body.container?.channel_id;
      // From App Home there is no response_url: `tell` then answers by direct message.
      const io = { client, respond: body.response_url ? respond : undefined, logger };
      // A person with no role in the program named, and no admin, is shown nothing of it (core/stake.ts).
      const opened = programOpenedBy(deps, { program: value.program, channel: inChannel }, userId);
      if (!('service' in opened)) return tell(io, userId, opened.refusal);
      const service = opened.service;
      const c = service.cutover();
      const viewer = viewerOf(deps, userId);
      // From a message, the confirmation goes to its channel; from App Home, to the program's channel.
      const meta = { channel: inChannel ?? c.channel, program: c.id };
      const form =
        kind === 'gate'
          ? gateFormFor(c, viewer, inChannel ? meta : { program: c.id }, value.item)
          : kind === 'evidence'
            ? evidenceFormFor(c, viewer, meta, value.item)
            : kind === 'decide'
              ? decideFormFor(c, viewer, meta, value.item)
              : kind === 'target'
                ? targetFormFor(c, viewer, meta)
                : kind === 'window'
                  ? windowFormFor(c, viewer, meta)
                  : kind === 'role'
                    ? roleFormFor(c, viewer, meta, value.item)
                    : formFor(kind, c, viewer, meta);
      if ('refusal' in form) return tell(io, userId, form.refusal);
      await openView(io, userId, body.trigger_id, form.view);
    });
  open('signoff');
  open('blocker');
  open('gate');
  open('evidence');
  open('decide');
  open('target');
  open('window');
  open('role');
}
