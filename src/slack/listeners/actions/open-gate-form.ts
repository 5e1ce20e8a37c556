/** "Set a gate" (App Home): ack, then open the gate form with the trigger at once, preselecting the button's gate. */
import type { App } from '@slack/bolt';
import { ACTIONS } from '../../ids.js';
import { gateFormFor } from '../../views/gate-modal.js';
import type { ListenerDeps } from '../deps.js';
import { openView } from '../open-view.js';
import { tell } from '../tell.js';

export function registerGateFormButton(app: App, deps: ListenerDeps) {
  app.action(ACTIONS.openGate, async ({ ack, body, client, respond, logger }) => {
    await ack();
    if (body.type !== 'block_actions') return;
    const userId = body.user.id;
    const action = body.actions[0];
    const initial =
      action && 'value' in action && typeof action.value === 'string' ? action.value : undefined;
    // From a message, the confirmation goes to its channel; from App Home, the refreshed Home is the answer.
    const channel = body.channel?.id;
    const form = gateFormFor(
      deps.service.cutover(),
      { userId, isAdmin: deps.admins.includes(userId) },
      channel ? { channel } : {},
      initial,
    );
    const io = { client, respond: body.response_url ? respond : undefined, logger };
    if ('refusal' in form) return tell(io, userId, form.refusal);
    await openView(io, userId, body.trigger_id, form.view);
  });
}
