/**
 * When the bot cannot post in the channel (`not_in_channel`, `channel_not_found`), an alert must not vanish while
 * the person who acted sees ✅. The outage is kept in the store (`channelProblem`), so it survives a restart: each
 * person whose change waits is told once per outage, by direct message (an ephemeral message needs the channel the
 * bot is not in); admins see it at the top of App Home; the items stay in the outbox and are retried with backoff.
 * The outage ends when a post to that channel succeeds. Pure: document in, document out.
 */
import type { StoreDocument } from '../service/document.js';
import { problemCause } from '../slack/views/channel-problem.js';

export type ChannelProblem = NonNullable<StoreDocument['channelProblem']>;

/** Records (or extends) the outage of `channel`, adding `told` to the people already told. */
export function noteProblem(
  doc: StoreDocument,
  channel: string,
  error: string,
  at: Date,
  told: readonly string[] = [],
): StoreDocument {
  const current = doc.channelProblem?.channel === channel ? doc.channelProblem : undefined;
  return {
    ...doc,
    channelProblem: {
      channel,
      error,
      since: current?.since ?? at.toISOString(),
      told: [...new Set([...(current?.told ?? []), ...told])],
    },
  };
}

/** Ends the outage of `channel` (a post there succeeded); the document as is if there is none. */
export function endProblem(doc: StoreDocument, channel: string): StoreDocument {
  if (doc.channelProblem?.channel !== channel) return doc;
  const { channelProblem: _ended, ...rest } = doc;
  return rest;
}

/** The direct message to a person whose change's alert waits. */
export function problemMessage(channel: string, error: string): string {
  return [
    `:warning: *Your change is saved, but its alert could not be posted in <#${channel}>.*`,
    problemCause(channel, error),
    "The alert waits in the bot's outbox and is posted once the bot can post there. You are told this once, until then.",
  ].join('\n');
}
