/** The "Sign off" and "Update a blocker" buttons: ack, then open the form with the trigger at once. */
import type { App } from '@slack/bolt';
import { ACTIONS } from '../../ids.js';
import { type FormKind, formFor } from '../../views/modals.js';
import type { ListenerDeps } from '../deps.js';
import { openView } from '../open-view.js';

export function registerFormButtons(app: App, deps: ListenerDeps) {
  const open = (kind: FormKind) =>
    app.action(
      kind === 'signoff' ? ACTIONS.openSignoff : ACTIONS.openBlocker,
      async ({ ack, body, client, respond, logger }) => {
        await ack();
        if (body.type !== 'block_actions') return;
        const userId = body.user.id;
        const channel = body.channel?.id ?? body.container?.channel_id ?? deps.channelId;
        const form = formFor(
          kind,
          deps.service.cutover(),
          { userId, isAdmin: deps.admins.includes(userId) },
          { channel },
        );
        if ('refusal' in form) {
          await respond({ response_type: 'ephemeral', replace_original: false, text: form.refusal });
          return;
        }
        await openView({ client, respond, logger }, body.trigger_id, form.view);
      },
    );
  open('signoff');
  open('blocker');
}
