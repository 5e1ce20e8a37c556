/**
 * `/cutover …`: parse, find the channel's program, call the core, answer ephemerally. Changes are on disk before
 * the ack tells of them. `help`, `list` and `new` need no program; everything else acts on the channel's.
 */
import type { Logger } from '@slack/bolt';
import { mayOpen, mayPostRecord } from '../../../core/stake.js';
import { channelFree } from '../../../core/starting.js';
import type { CutoverService } from '../../../service/cutover-service.js';
import { COMMAND } from '../../ids.js';
import { type Parsed, parseCommand, usageOf } from '../../parse-command.js';
import { receivedAtOf } from '../../received.js';
import { outcomeText, refusalSentence, refusalText } from '../../views/answers.js';
import { helpText, historyText, rolesText, shapingHelpText } from '../../views/lists.js';
import { formFor } from '../../views/modals.js';
import { programListText } from '../../views/programs.js';
import { shapeFormFor } from '../../views/shape-modal.js';
import { statusBlocks, statusText } from '../../views/status.js';
import { esc } from '../../views/text.js';
import { actorOf, type ListenerDeps, runSafely, viewerOf, withProgram } from '../deps.js';
import { openView } from '../open-view.js';
import { NO_PROGRAM_HERE, programInChannel } from '../program-of.js';
import type { Listeners } from '../router.js';
import { openNewProgramForm, startTyped } from './new-program.js';
import { postRecord } from './record.js';
import { tokenCommand } from './tokens.js';

const ephemeral = (text: string) => ({ response_type: 'ephemeral' as const, text });

export function registerCutoverCommand(app: Listeners, deps: ListenerDeps) {
  /** A typed change, applied; its answer, with how words were read that the person did not spell out. */
  async function changeAnswer(
    service: CutoverService,
    parsed: Extract<Parsed, { kind: 'change' }>,
    userId: string,
    triggerId: string,
    logger: Logger,
    receivedAt?: number,
  ): Promise<string> {
    // A slash command is applied once: a replay of the same signed request (same trigger_id) answers the same.
    const outcome = await runSafely(
      withProgram(deps, service),
      parsed.command,
      actorOf(deps, userId),
      logger,
      // Answered in the ack: its deadline runs from when Bolt received the request (after the ack: from now).
      { requestKey: `slack:${triggerId}`, receivedAt },
    );
    if (!outcome.ok) return refusalText(outcome.error, parsed.usage, service.cutover());
    const read = parsed.read?.length ? `\n_Read ${esc(parsed.read.join('; '))}._` : '';
    return `${outcomeText(outcome)}${read}`;
  }

  app.command(COMMAND, async ({ command, ack, client, respond, logger, context: bolt }) => {
    const text = command.text ?? '';
    // A window is read with the time now, the person's zone (for today/tomorrow) and the program's zones.
    const here = programInChannel(deps, command.channel_id)?.cutover();
    const personZone = deps.workspace?.zoneNow(command.user_id);
    const context = {
      now: deps.clock.now(),
      zones: here?.sides.flatMap((s) => (s.zone ? [s.zone] : [])) ?? [],
      ...(personZone ? { personZone } : {}),
    };
    let parsed = parseCommand(text, context);
    // `today`/`tomorrow` are the person's: their zone is asked of Slack once, after the ack, and the answer follows.
    if (parsed.kind === 'change' && parsed.relativeDay && !personZone) {
      const workspace = deps.workspace;
      const service = programInChannel(deps, command.channel_id);
      if (workspace && service) {
        await ack(ephemeral(':hourglass_flowing_sand: Reading the day in your time zone…'));
        const zone = await workspace.zoneOf(command.user_id);
        parsed = parseCommand(text, { ...context, ...(zone ? { personZone: zone } : {}) });
        const answer =
          parsed.kind === 'change'
            ? await changeAnswer(service, parsed, command.user_id, command.trigger_id, logger)
            : `:no_entry: ${esc(parsed.kind === 'error' ? parsed.message : 'That was not understood.')}\n_Nothing was changed._`;
        await respond({ response_type: 'ephemeral', replace_original: true, text: answer }).catch(
          (e: Error) => logger.warn(`could not tell ${command.user_id}: ${e.message}`),
        );
        return;
      }
    }
    switch (parsed.kind) {
      case 'help':
        return ack(ephemeral(helpText()));
      case 'error':
        return ack(
          ephemeral(
            `:no_entry: ${esc(parsed.message)}\nUsage: \`${esc(parsed.usage)}\`\n_Nothing was changed._`,
          ),
        );
      case 'list':
        return ack(ephemeral(programListText(deps.programs.all().map((s) => s.cutover()))));
      case 'new':
        return startTyped(deps, command, parsed, { ack, respond, logger });
      case 'new-form': {
        const free = channelFree(
          command.channel_id,
          deps.programs.all().map((s) => s.cutover()),
        );
        if (!free.ok) return ack(ephemeral(`:no_entry: ${refusalSentence(free.error)}`));
        await ack();
        return openNewProgramForm(deps, command, { client, respond, logger });
      }
    }
    const service = programInChannel(deps, command.channel_id);
    if (!service) return ack(ephemeral(NO_PROGRAM_HERE));
    const p = withProgram(deps, service);
    const c = service.cutover();
    /** A form refused because Slack could not confirm the person's group: the cause, before any form is built. */
    const unconfirmed = () => {
      const open = mayOpen(c, actorOf(deps, command.user_id), deps.clock.now());
      return !open.ok && open.error.unconfirmed ? refusalText(open.error) : undefined;
    };
    switch (parsed.kind) {
      case 'roles':
        return ack(ephemeral(rolesText(c)));
      case 'history':
        // One more than the page holds: whether older entries remain is told under it.
        return ack(ephemeral(historyText(service.history(parsed.limit * parsed.page + 1), c, parsed)));
      case 'status':
        return ack({
          response_type: 'ephemeral',
          text: statusText(c),
          blocks: statusBlocks(c),
        });
      case 'record': {
        const post = mayPostRecord(c, actorOf(deps, command.user_id), deps.clock.now(), {
          channel: command.channel_id,
        });
        if (!post.ok) return ack(ephemeral(refusalText(post.error, undefined, c)));
        // A read: nothing to write first. The ack goes at once; names and the upload follow.
        await ack(ephemeral(`:page_facing_up: Preparing the decision record for <#${c.channel}>…`));
        return postRecord({ deps: p, client, respond, logger }, command.user_id);
      }
      case 'signoff':
      case 'blocker-form': {
        const cause = unconfirmed();
        if (cause) return ack(ephemeral(cause));
        const viewer = viewerOf(deps, command.user_id);
        const form = formFor(parsed.kind === 'signoff' ? 'signoff' : 'blocker', c, viewer, {
          channel: command.channel_id,
          program: c.id,
        });
        if ('refusal' in form) return ack(ephemeral(form.refusal));
        await ack();
        return openView({ client, respond, logger }, command.user_id, command.trigger_id, form.view);
      }
      case 'shape-form': {
        const cause = unconfirmed();
        if (cause) return ack(ephemeral(cause));
        const viewer = viewerOf(deps, command.user_id);
        const form = shapeFormFor(c, viewer, { channel: command.channel_id, program: c.id });
        if ('refusal' in form) return ack(ephemeral(`${form.refusal}\n\n${shapingHelpText()}`));
        await ack();
        return openView({ client, respond, logger }, command.user_id, command.trigger_id, form.view);
      }
      case 'token':
        return tokenCommand(p, command.user_id, parsed, { ack, logger }, usageOf('token'));
      case 'change':
        return ack(
          ephemeral(
            await changeAnswer(
              service,
              parsed,
              command.user_id,
              command.trigger_id,
              logger,
              receivedAtOf(bolt),
            ),
          ),
        );
    }
  });
}
