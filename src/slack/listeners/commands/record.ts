/**
 * `/cutover record`, after the ack: display names of everyone the record names are fetched with users.info
 * (those not cached, or cached more than a day ago) and cached in the store for the offline record; then the
 * Markdown is uploaded to the program's channel with the SDK's upload helper. The person hears if anything fails.
 *
 * All of it runs on the `background` client (slack/clients.ts), never on the listener's `client`: a 429 there
 * would pause the queue that the next person's `views.open` waits in. A rate-limited users.info is tried once more
 * after its `Retry-After` (up to `NAME_WAIT_MS`); past that, the record names that person by user id.
 */
import type { Logger, RespondFn, webApi } from '@slack/bolt';
import { decisionRecord, referencedUsers } from '../../../record/decision-record.js';
import type { StoreDocument } from '../../../service/document.js';
import type { SlackClients } from '../../clients.js';
import { esc } from '../../views/text.js';
import type { ProgramDeps } from '../deps.js';
import { tell } from '../tell.js';

/** Cached display names older than this are fetched again. */
const NAME_TTL_MS = 24 * 60 * 60 * 1000;
/** The longest `Retry-After` of users.info the record waits out before naming people by user id. */
const NAME_WAIT_MS = 30_000;

type Names = StoreDocument['users'];

/** The name a person goes by: the display name, else the real name, else the username. */
function nameFrom(user: webApi.UsersInfoResponse['user']): string | undefined {
  const candidates = [user?.profile?.display_name, user?.profile?.real_name, user?.real_name, user?.name];
  return candidates.map((n) => n?.trim()).find((n) => !!n);
}

async function fetchNames(
  clients: SlackClients,
  doc: StoreDocument,
  now: Date,
  logger: Logger,
): Promise<Names> {
  const stale = referencedUsers(doc).filter((id) => {
    const cached = doc.users[id];
    return !cached || now.getTime() - Date.parse(cached.fetchedAt) > NAME_TTL_MS;
  });
  const fetched: Names = {};
  await Promise.all(
    stale.map(async (id) => {
      try {
        const info = await clients.afterRateLimit(
          () => clients.background.users.info({ user: id }),
          NAME_WAIT_MS,
        );
        const name = nameFrom(info.user);
        if (name) fetched[id] = { name, fetchedAt: now.toISOString() };
      } catch (e) {
        logger.warn(`users.info ${id} failed: ${(e as Error).message}; the record shows the user id`);
      }
    }),
  );
  return fetched;
}

/**
 * Names fetched (and cached), then the record uploaded to the program's channel with `comment`. Answers the error
 * Slack gave for the upload, if any. `deps.clients` is required: slow work never runs on the client of Bolt.
 */
export async function uploadRecord(
  deps: Pick<ProgramDeps, 'clients' | 'clock' | 'service'>,
  logger: Logger,
  comment: string,
): Promise<Error | undefined> {
  const { clients, service } = deps;
  if (!clients)
    throw new Error(
      'uploadRecord needs deps.clients (slack/clients.ts): slow work never runs on the client of Bolt',
    );
  const now = deps.clock.now();
  const fetched = await fetchNames(clients, service.document(), now, logger);
  // The bot stopped while a Retry-After was waited out: nothing more to do.
  if (clients.closed) return undefined;
  if (Object.keys(fetched).length)
    await service
      .update((doc) => ({ next: { ...doc, users: { ...doc.users, ...fetched } }, result: undefined }))
      .catch((e: Error) => logger.warn(`could not cache display names: ${e.message}`));
  const doc = service.document();
  const markdown = decisionRecord({ ...doc, users: { ...doc.users, ...fetched } }, now);
  const day = now.toISOString().slice(0, 10);
  try {
    await clients.background.filesUploadV2({
      channel_id: doc.cutover.channel ?? '',
      filename: `runtime-cutover-decision-record-${doc.cutover.id}-${day}.md`,
      content: markdown,
      title: `Runtime Cutover Decision Record — ${doc.cutover.title} (${day})`,
      initial_comment: comment,
    });
    return undefined;
  } catch (e) {
    logger.warn(`the decision record upload failed: ${(e as Error).message}`);
    return e as Error;
  }
}

/**
 * `/cutover record` and the "Post the decision record" button: the upload, and if Slack refuses it, the person is
 * told why (under the message, or by direct message where there is no response_url).
 */
export async function postRecord(
  io: {
    deps: ProgramDeps;
    /** The listener's client: only for telling the person by direct message (the upload uses `background`). */
    client: webApi.WebClient;
    respond?: RespondFn | undefined;
    logger: Logger;
  },
  userId: string,
): Promise<void> {
  const { deps, logger } = io;
  const failed = await uploadRecord(
    deps,
    logger,
    `The runtime cutover decision record as of now, asked for by <@${userId}>.`,
  );
  if (!failed) return;
  const c = deps.service.cutover();
  await tell(
    io,
    userId,
    `:warning: Slack did not take the decision record upload (${esc(failed.message)}). Nothing was changed. Check that the bot is in <#${c.channel}> and has the \`files:write\` scope, then try again; \`npm run record -- --program ${esc(c.id)}\` makes the same record offline.`,
  );
}
