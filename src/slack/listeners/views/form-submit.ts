/**
 * One listener shape for every form: read the submitted values and the form's metadata, build the command, run it
 * through the service once (keyed by the view's id and hash, so a repeated submission applies once), and answer a
 * refusal inline under the field at fault (`response_action: "errors"`). A form bound to a target it showed is
 * refused, inline, when the target moved while it was open. The forms differ only in their spec.
 */
import type { App, ViewResponseAction } from '@slack/bolt';
import { receivedAtOf } from '../../received.js';
import { outcomeText, refusalPlain } from '../../views/answers.js';
import { confirmModal } from '../../views/confirm-modal.js';
import type { ModalMetadata } from '../../views/modals.js';
import { actorOf, type ListenerDeps, runSafely, withProgram } from '../deps.js';
import { programOpenedBy } from '../program-of.js';
import type { Listeners } from '../router.js';
import { type FormValues, faultUnder, inlineErrors, readForm } from './view-input.js';

interface FormSpec {
  callbackId: string;
  /** Which form this is, for the log line if the confirmation cannot be posted. */
  what: string;
  /** The input blocks the form reads (view-input.ts parses these; any other block is ignored). */
  inputs: readonly string[];
  /** The command from the form's values, or the block and message of the first missing input. */
  read(
    values: FormValues,
    meta: ModalMetadata,
  ): { input: Record<string, unknown> } | { block: string; message: string };
  /** The input block that shows a fault of each command field. */
  blockOf: Record<string, string>;
  /** Where a fault without a field of its own shows. */
  fallback(meta: ModalMetadata): string;
  /** Done, close every form of the stack (the confirmation form, over the form it confirms). */
  closeAll?: boolean;
}

/** Said under a form refused because what it showed has changed. */
const REOPEN = 'Close this form and open it again: it will show the new target.';

/** A view submission's key: the same view submitted again (a double click, a retry) has the same id and hash. */
const viewKey = (view: { id: string; hash: string }) => `view:${view.id}:${view.hash}`;

/** The target a form showed, as the core's `seen` (absent when the form predates binding). */
export const seenOf = (meta: ModalMetadata) => (meta.target === undefined ? {} : { seen: meta.target });

export function registerFormSubmit(app: Listeners, deps: ListenerDeps, spec: FormSpec) {
  app.view(spec.callbackId, async ({ ack, body, view, client, logger, context }) => {
    let acked = false;
    const answer = async (response?: ViewResponseAction) => {
      acked = true;
      await ack(response);
    };
    try {
      await submit(deps, spec, { answer, body, view, client, logger, receivedAt: receivedAtOf(context) });
    } catch (e) {
      // A fault of the bot's own: logged as such, and the person still hears that nothing was changed.
      logger.error(`the ${spec.what} form failed`, e);
      if (!acked)
        await answer(
          inlineErrors(
            spec.fallback({}),
            "The bot could not handle this form; nothing was changed. Try again, and tell the bot's operator if it persists.",
          ),
        );
    }
  });
}

type ViewArgs = Parameters<Parameters<App['view']>[1]>[0];

async function submit(
  deps: ListenerDeps,
  spec: FormSpec,
  io: Pick<ViewArgs, 'body' | 'view' | 'client' | 'logger'> & {
    answer: (response?: ViewResponseAction) => Promise<void>;
    /** When Bolt received the submission: the change's deadline runs from it (the answer is the ack). */
    receivedAt?: number | undefined;
  },
) {
  const { answer, body, view, client, logger } = io;
  const form = readForm(view, spec.inputs);
  // A fault shows under a block the view holds: the one named if it is there, else the first of the form's.
  const { present } = form;
  const under = (block: string) => faultUnder(present, block);
  if (!form.ok) return answer(inlineErrors(form.block ?? under(spec.fallback({})), form.message));
  const { meta, values } = form;
  // The program the form was opened for (a form opened before programs were many: its channel's).
  // A forged or stale form naming a program the person holds no role in (and is no admin of) does nothing.
  const opened = programOpenedBy(deps, { program: meta.program, channel: meta.channel }, body.user.id);
  if (!('service' in opened)) return answer(inlineErrors(under(spec.fallback(meta)), opened.plain));
  const service = opened.service;
  const read = spec.read(values, meta);
  if ('block' in read) return answer(inlineErrors(under(read.block), read.message));
  const outcome = await runSafely(
    withProgram(deps, service),
    read.input,
    actorOf(deps, body.user.id),
    logger,
    { requestKey: viewKey(view), receivedAt: io.receivedAt },
  );
  // A change that would take the GO from a running phase: the confirmation form, over this one.
  if (!outcome.ok && outcome.error.code === 'needs-confirmation') {
    const confirm = confirmModal(outcome.error, read.input, { ...meta, program: service.cutover().id });
    if (confirm) return answer({ response_action: 'push', view: confirm });
  }
  if (!outcome.ok) {
    const field = outcome.error.field;
    const named = field && Object.hasOwn(spec.blockOf, field) ? spec.blockOf[field] : undefined;
    // This form keeps what it showed: submitting it again is refused again, so the person reopens it.
    const reopen = outcome.error.code === 'stale' ? ` ${REOPEN}` : '';
    return answer(
      inlineErrors(
        under(named ?? spec.fallback(meta)),
        `${refusalPlain(outcome.error, service.cutover())}${reopen}`,
      ),
    );
  }
  await answer(spec.closeAll ? { response_action: 'clear' } : undefined);
  if (meta.channel)
    await client.chat
      .postEphemeral({ channel: meta.channel, user: body.user.id, text: outcomeText(outcome) })
      .catch((e: Error) => logger.warn(`could not confirm the ${spec.what}: ${e.message}`));
}
