/** The "Sign off" and "Update a blocker" buttons (status message, App Home): ack, then open the form at once. */
import type { App } from '@slack/bolt';
import { ACTIONS } from '../../ids.js';
import { type FormKind, formFor } from '../../views/modals.js';
import type { ListenerDeps } from '../deps.js';
import { openView } from '../open-view.js';
import { tell } from '../tell.js';

export function registerFormButtons(app: App, deps: ListenerDeps) {
  const open = (kind: FormKind) =>
    app.action(
      kind === 'signoff' ? ACTIONS.openSignoff : ACTIONS.openBlocker,
      async ({ ack, body, client, respond, logger }) => {
        await ack();
        if (body.type !== 'block_actions') return;
        const userId = body.user.id;
        const channel = body.channel?.id ?? body.container?.channel_id ?? deps.service.cutover().channel;
        const form = formFor(
          kind,
          deps.service.cutover(),
          { userId, isAdmin: deps.admins.includes(userId) },
          { channel },
        );
        // From App Home there is no response_url: `tell` then answers by direct message.
        const io = { client, respond: body.response_url ? respond : undefined, logger };
        if ('refusal' in form) return tell(io, userId, form.refusal);
        await openView(io, userId, body.trigger_id, form.view);
      },
    );
  open('signoff');
  open('blocker');
}
