/**
 * One listener shape for every form: read the submitted values and the form's metadata, build the command, run it
 * through the service once (keyed by the view's id and hash, so a repeated submission applies once), and answer a
 * refusal inline under the field at fault (`response_action: "errors"`). A form bound to a target it showed is
 * refused, inline, when the target moved while it was open. The forms differ only in their spec.
 */
import type { App } from '@slack/bolt';
import { outcomeText, refusalPlain } from '../../views/answers.js';
import type { ModalMetadata } from '../../views/modals.js';
import { actorOf, type ListenerDeps, runSafely, withProgram } from '../deps.js';
import { programOpenedBy } from '../program-of.js';
import { inlineErrors, readMetadata, readValues } from './view-input.js';

interface FormSpec {
  callbackId: string;
  /** Which form this is, for the log line if the confirmation cannot be posted. */
  what: string;
  /** The command from the form's values, or the block and message of the first missing input. */
  read(
    values: Record<string, string | undefined>,
    meta: ModalMetadata,
  ): { input: Record<string, unknown> } | { block: string; message: string };
  /** The input block that shows a fault of each command field. */
  blockOf: Record<string, string>;
  /** Where a fault without a field of its own shows. */
  fallback(meta: ModalMetadata): string;
}

/** Said under a form refused because what it showed has changed. */
const REOPEN = 'Close this form and open it again: it will show the new target.';

/** A view submission's key: the same view submitted again (a double click, a retry) has the same id and hash. */
const viewKey = (view: { id: string; hash: string }) => `view:${view.id}:${view.hash}`;

/** The target a form showed, as the core's `seen` (absent when the form predates binding). */
export const seenOf = (meta: ModalMetadata) => (meta.target === undefined ? {} : { seen: meta.target });

export function registerFormSubmit(app: App, deps: ListenerDeps, spec: FormSpec) {
  app.view(spec.callbackId, async ({ ack, body, view, client, logger }) => {
    const meta = readMetadata(view.private_metadata);
    // The program the form was opened for (a form opened before programs were many: its channel's).
    // A forged or stale form naming a program the person holds no role in (and is no admin of) does nothing.
    const opened = programOpenedBy(deps, { program: meta.program, channel: meta.channel }, body.user.id);
    if (!('service' in opened)) return ack(inlineErrors(spec.fallback(meta), opened.plain));
    const service = opened.service;
    const read = spec.read(readValues(view.state.values), meta);
    if ('block' in read) return ack(inlineErrors(read.block, read.message));
    const outcome = await runSafely(
      withProgram(deps, service),
      read.input,
      actorOf(deps, body.user.id),
      logger,
      {
        requestKey: viewKey(view),
      },
    );
    if (!outcome.ok) {
      const named = outcome.error.field ? spec.blockOf[outcome.error.field] : undefined;
      // This form keeps what it showed: submitting it again is refused again, so the person reopens it.
      const reopen = outcome.error.code === 'stale' ? ` ${REOPEN}` : '';
      return ack(
        inlineErrors(
          named ?? spec.fallback(meta),
          `${refusalPlain(outcome.error, service.cutover())}${reopen}`,
        ),
      );
    }
    await ack();
    if (meta.channel)
      await client.chat
        .postEphemeral({ channel: meta.channel, user: body.user.id, text: outcomeText(outcome) })
        .catch((e: Error) => logger.warn(`could not confirm the ${spec.what}: ${e.message}`));
  });
}
