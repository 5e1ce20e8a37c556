/**
 * "Shape the program": the button (App Home) acks, then opens the picker with the trigger at once (or, when its
 * value names a form, that form); choosing in the picker replaces it with the form chosen (`views.update`, bound to
 * the picker's hash, so a stale picker is not overwritten). A refusal reaches the person as the others do.
 */
import { actionPattern } from '../../block-ids.js';
import { ACTIONS, valueOfAction } from '../../ids.js';
import { isShapeForm, shapeFormFor, shapeNotice } from '../../views/shape-modal.js';
import { type ListenerDeps, viewerOf } from '../deps.js';
import { openView } from '../open-view.js';
import { programOpenedBy } from '../program-of.js';
import type { Listeners } from '../router.js';
import { tell } from '../tell.js';
import { readMetadata, UNREADABLE } from '../views/view-input.js';

export function registerShapeFormActions(app: Listeners, deps: ListenerDeps) {
  const viewer = (userId: string) => viewerOf(deps, userId);

  app.action(actionPattern(ACTIONS.openShape), async ({ ack, body, client, respond, logger }) => {
    await ack();
    if (body.type !== 'block_actions') return;
    const userId = body.user.id;
    const action = body.actions[0];
    // The value names the program, and may name a form: `<program-id>:<form>`.
    const value = valueOfAction(action);
    // From a message, the confirmation goes to its channel; from App Home, the refreshed Home and the alert tell.
    const channel = body.channel?.id;
    const io = { client, respond: body.response_url ? respond : undefined, logger };
    const opened = programOpenedBy(deps, { program: value.program, channel }, userId);
    if (!('service' in opened)) return tell(io, userId, opened.refusal);
    const service = opened.service;
    const c = service.cutover();
    const form = shapeFormFor(
      c,
      viewer(userId),
      channel ? { channel, program: c.id } : { program: c.id },
      isShapeForm(value.item) ? value.item : undefined,
    );
    if ('refusal' in form) return tell(io, userId, form.refusal);
    await openView(io, userId, body.trigger_id, form.view);
  });

  app.action(ACTIONS.pickShape, async ({ ack, body, client, logger }) => {
    await ack();
    if (body.type !== 'block_actions' || !body.view) return;
    const userId = body.user.id;
    const action = body.actions[0];
    const picked = action?.type === 'static_select' ? action.selected_option?.value : undefined;
    // A choice that names no form, or a picker whose data is not what the bot gave it (forged): said in its place.
    const meta = readMetadata(body.view.private_metadata);
    const opened = meta
      ? programOpenedBy(deps, { program: meta.program, channel: meta.channel }, userId)
      : undefined;
    const form =
      !isShapeForm(picked) || !meta || !opened
        ? { refusal: `:warning: ${UNREADABLE}` }
        : 'service' in opened
          ? shapeFormFor(opened.service.cutover(), viewer(userId), meta, picked)
          : { refusal: opened.refusal };
    try {
      await client.views.update({
        view_id: body.view.id,
        hash: body.view.hash,
        view: 'view' in form ? form.view : shapeNotice(form.refusal),
      });
    } catch (e) {
      logger.warn(`views.update failed: ${(e as Error).message}`);
      await tell(
        { client, logger },
        userId,
        ':warning: Slack did not show the form. Close it and try again.',
      );
    }
  });
}
