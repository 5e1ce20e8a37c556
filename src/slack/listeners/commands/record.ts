/**
 * `/cutover record`, after the ack: display names of everyone the record names are fetched with users.info
 * (those not cached, or cached more than a day ago) and cached in the store for the offline record; then the
 * Markdown is uploaded to the channel with the SDK's upload helper. The person hears if anything fails.
 */
import type { Logger, RespondFn, webApi } from '@slack/bolt';
import { decisionRecord, referencedUsers } from '../../../record/decision-record.js';
import type { StoreDocument } from '../../../service/document.js';
import { esc } from '../../views/text.js';
import type { ListenerDeps } from '../deps.js';

/** Cached display names older than this are fetched again. */
export const NAME_TTL_MS = 24 * 60 * 60 * 1000;

type Names = StoreDocument['users'];

/** The name a person goes by: the display name, else the real name, else the username. */
function nameFrom(user: webApi.UsersInfoResponse['user']): string | undefined {
  const candidates = [user?.profile?.display_name, user?.profile?.real_name, user?.real_name, user?.name];
  return candidates.map((n) => n?.trim()).find((n) => !!n);
}

async function fetchNames(
  client: webApi.WebClient,
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
        const name = nameFrom((await client.users.info({ user: id })).user);
        if (name) fetched[id] = { name, fetchedAt: now.toISOString() };
      } catch (e) {
        logger.warn(`users.info ${id} failed: ${(e as Error).message}; the record shows the user id`);
      }
    }),
  );
  return fetched;
}

export async function postRecord(
  io: { deps: ListenerDeps; client: webApi.WebClient; respond: RespondFn; logger: Logger },
  userId: string,
): Promise<void> {
  const { deps, client, respond, logger } = io;
  const now = deps.now();
  const fetched = await fetchNames(client, deps.service.document(), now, logger);
  if (Object.keys(fetched).length)
    await deps.service
      .update((doc) => ({ next: { ...doc, users: { ...doc.users, ...fetched } }, result: undefined }))
      .catch((e: Error) => logger.warn(`could not cache display names: ${e.message}`));
  const doc = deps.service.document();
  const markdown = decisionRecord({ ...doc, users: { ...doc.users, ...fetched } }, now);
  const day = now.toISOString().slice(0, 10);
  try {
    await client.filesUploadV2({
      channel_id: deps.channelId,
      filename: `runtime-cutover-decision-record-${doc.cutover.id}-${day}.md`,
      content: markdown,
      title: `Runtime Cutover Decision Record — ${doc.cutover.title} (${day})`,
      initial_comment: `The runtime cutover decision record as of now, asked for by <@${userId}>.`,
    });
  } catch (e) {
    logger.warn(`the decision record upload failed: ${(e as Error).message}`);
    await respond({
      response_type: 'ephemeral',
      text: `:warning: Slack did not take the decision record upload (${esc((e as Error).message)}). Nothing was changed. Check that the bot is in <#${deps.channelId}> and has the \`files:write\` scope, then try again; \`npm run record -- --db <store-file>\` makes the same record offline.`,
    }).catch((err: Error) => logger.warn(`could not tell ${userId}: ${err.message}`));
  }
}
