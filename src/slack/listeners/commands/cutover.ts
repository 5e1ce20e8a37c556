/** `/cutover …`: parse, call the core, answer ephemerally. Changes are on disk before the ack tells of them. */
import type { App } from '@slack/bolt';
import { COMMAND } from '../../ids.js';
import { parseCommand } from '../../parse-command.js';
import { outcomeText, refusalText } from '../../views/answers.js';
import { helpText, historyText, rolesText } from '../../views/lists.js';
import { formFor } from '../../views/modals.js';
import { statusBlocks, statusText } from '../../views/status.js';
import { esc } from '../../views/text.js';
import { actorOf, type ListenerDeps, runSafely } from '../deps.js';
import { openView } from '../open-view.js';
import { postRecord } from './record.js';

const ephemeral = (text: string) => ({ response_type: 'ephemeral' as const, text });

export function registerCutoverCommand(app: App, deps: ListenerDeps) {
  app.command(COMMAND, async ({ command, ack, client, respond, logger }) => {
    const parsed = parseCommand(command.text ?? '');
    const c = deps.service.cutover();
    switch (parsed.kind) {
      case 'help':
        return ack(ephemeral(helpText()));
      case 'roles':
        return ack(ephemeral(rolesText(c)));
      case 'history':
        // One more than the page holds: whether older entries remain is told under it.
        return ack(ephemeral(historyText(deps.service.history(parsed.limit * parsed.page + 1), parsed)));
      case 'list':
      case 'new-form':
      case 'new':
      case 'shape-form':
        return ack(ephemeral(`This bot version does not handle ${parsed.kind} yet.`));
      case 'status':
        return ack({ response_type: 'ephemeral', text: statusText(c), blocks: statusBlocks(c) });
      case 'error':
        return ack(
          ephemeral(
            `:no_entry: ${esc(parsed.message)}\nUsage: \`${esc(parsed.usage)}\`\n_Nothing was changed._`,
          ),
        );
      case 'record':
        // A read: nothing to write first. The ack goes at once; names and the upload follow.
        await ack(ephemeral(`:page_facing_up: Preparing the decision record for <#${c.channel}>…`));
        return postRecord({ deps, client, respond, logger }, command.user_id);
      case 'signoff':
      case 'blocker-form': {
        const viewer = { userId: command.user_id, isAdmin: deps.admins.includes(command.user_id) };
        const form = formFor(parsed.kind === 'signoff' ? 'signoff' : 'blocker', c, viewer, {
          channel: command.channel_id,
        });
        if ('refusal' in form) return ack(ephemeral(form.refusal));
        await ack();
        return openView({ client, respond, logger }, command.user_id, command.trigger_id, form.view);
      }
      case 'change': {
        // A slash command is applied once: a replay of the same signed request (same trigger_id) answers the same.
        const outcome = await runSafely(deps, parsed.command, actorOf(deps, command.user_id), logger, {
          requestKey: `slack:${command.trigger_id}`,
        });
        return ack(
          ephemeral(
            outcome.ok
              ? outcomeText(outcome)
              : refusalText(outcome.error, parsed.usage, deps.service.cutover()),
          ),
        );
      }
    }
  });
}
