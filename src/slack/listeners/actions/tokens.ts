/**
 * The CI tokens form (App Home's "CI tokens", for the decision-log owner and admins; the other organisation in a
 * shared channel has no slash commands): the button acks and opens it at once; its submission makes a token and
 * replaces the form with the token, shown once; a token's "Revoke" revokes it and redraws the form (bound to its
 * hash). Each goes through the program's gate first (programOpenedBy), then the core's token rules.
 */
import { mayManageTokens } from '../../../core/tokens.js';
import { createToken, revokeTokenNamed } from '../../../service/tokens.js';
import { ACTIONS, INPUTS, VIEWS, valueOfAction } from '../../ids.js';
import { refusalPlain, refusalText } from '../../views/answers.js';
import { tokenMadeModal, tokensModal } from '../../views/tokens.js';
import { actorOf, type ListenerDeps } from '../deps.js';
import { openView } from '../open-view.js';
import { programOpenedBy } from '../program-of.js';
import type { Listeners } from '../router.js';
import { tell } from '../tell.js';
import { faultUnder, inlineErrors, readForm } from '../views/view-input.js';

export function registerTokenForms(app: Listeners, deps: ListenerDeps) {
  app.action(ACTIONS.openTokens, async ({ ack, body, client, respond, logger }) => {
    await ack();
    if (body.type !== 'block_actions') return;
    const userId = body.user.id;
    const action = body.actions[0];
    const value = valueOfAction(action);
    const io = { client, respond: body.response_url ? respond : undefined, logger };
    const opened = programOpenedBy(deps, { program: value.program, channel: body.channel?.id }, userId);
    if (!('service' in opened)) return tell(io, userId, opened.refusal);
    const doc = opened.service.document();
    const may = mayManageTokens(doc.cutover, actorOf(deps, userId), deps.clock.now());
    if (!may.ok) return tell(io, userId, refusalText(may.error, undefined, doc.cutover));
    await openView(
      io,
      userId,
      body.trigger_id,
      tokensModal(doc.cutover, doc.tokens, { program: doc.cutover.id }),
    );
  });

  app.action(ACTIONS.revokeToken, async ({ ack, body, client, logger }) => {
    await ack();
    if (body.type !== 'block_actions') return;
    const userId = body.user.id;
    const action = body.actions[0];
    const value = valueOfAction(action);
    const io = { client, logger };
    const opened = programOpenedBy(deps, { program: value.program }, userId);
    if (!('service' in opened)) return tell(io, userId, opened.refusal);
    const { service } = opened;
    const r = await revokeTokenNamed(
      service,
      value.item ?? '',
      actorOf(deps, userId),
      deps.clock.now(),
    ).catch((e: Error) => ({
      ok: false as const,
      error: {
        code: 'refused' as const,
        message: `The change could not be saved (${e.message}); nothing was changed.`,
      },
    }));
    if (!r.ok) return tell(io, userId, refusalText(r.error, undefined, service.cutover()));
    if (!body.view) return;
    const doc = service.document();
    await client.views
      .update({
        view_id: body.view.id,
        hash: body.view.hash,
        view: tokensModal(doc.cutover, doc.tokens, { program: doc.cutover.id }),
      })
      .catch((e: Error) => logger.warn(`views.update failed after a token was revoked: ${e.message}`));
  });

  app.view(VIEWS.tokens, async ({ ack, body, view, logger }) => {
    // The one parser of every form (view-input.ts): a forged or unreadable submission is answered inline.
    const form = readForm(view, Object.values(INPUTS.token));
    const under = (block: string) => faultUnder(form.present, block);
    if (!form.ok) return ack(inlineErrors(under(form.block ?? INPUTS.token.name), form.message));
    const { meta, values } = form;
    const opened = programOpenedBy(deps, { program: meta.program }, body.user.id);
    if (!('service' in opened)) return ack(inlineErrors(under(INPUTS.token.name), opened.plain));
    const { service } = opened;
    const name = values[INPUTS.token.name];
    if (!name)
      return ack(inlineErrors(under(INPUTS.token.name), 'Give the token a name, e.g. consumer-pipeline.'));
    const side = values[INPUTS.token.side];
    let made: Awaited<ReturnType<typeof createToken>>;
    try {
      made = await createToken(
        service,
        { name, ...(side && side !== '*' ? { side } : {}) },
        actorOf(deps, body.user.id),
        deps.clock.now(),
      );
    } catch (e) {
      logger.error('a CI token could not be saved', e);
      return ack(
        inlineErrors(
          under(INPUTS.token.name),
          `The token could not be saved (${(e as Error).message}); nothing was changed.`,
        ),
      );
    }
    if (!made.ok)
      return ack(
        inlineErrors(
          under(made.error.field === 'side' ? INPUTS.token.side : INPUTS.token.name),
          refusalPlain(made.error, service.cutover()),
        ),
      );
    // The token is shown here, once: the view that replaces the form.
    return ack({
      response_action: 'update',
      view: tokenMadeModal(service.cutover(), made.token, made.secret),
    });
  });
}
