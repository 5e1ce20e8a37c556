/**
 * The three Slack calls the alert machinery makes, through the `alerts` client (slack/clients.ts): it never retries
 * by itself and rejects a 429 at once, so a rate-limited alert never pauses the client Bolt uses for `views.open`;
 * the outbox does the retrying. Every failure is classified for the caller.
 */
import { type types, webApi } from '@slack/bolt';

export type Failure =
  /** A 429: try again after Retry-After. Slack did not act. */
  | { kind: 'rate-limited'; retryAfterMs: number; message: string }
  /** Network error, timeout, 5xx, or a Slack error that may pass: back off and retry. */
  | { kind: 'transient'; maybeDelivered: boolean; message: string }
  /** The bot cannot post in this channel (not in it, or cannot see it): someone must invite it; retry meanwhile. */
  | { kind: 'not-in-channel'; message: string }
  /** `chat.update` on a message that is gone (or can no longer be edited): post a new one. */
  | { kind: 'gone'; message: string }
  /** Slack refuses this content for good (too long, bad blocks): retrying it as is cannot succeed. */
  | { kind: 'refused'; message: string };

export class DeliveryError extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

export interface Metadata {
  event_type: string;
  event_payload: Record<string, string>;
}

export interface PostedMessage {
  ts: string;
  metadata?: Metadata;
}

export interface AlertSlack {
  post(message: {
    channel: string;
    text: string;
    blocks?: types.KnownBlock[];
    metadata?: Metadata;
  }): Promise<{ ts: string }>;
  update(message: { channel: string; ts: string; text: string; blocks?: types.KnownBlock[] }): Promise<void>;
  /**
   * The bot's messages in `channel` since `oldest` that carry metadata; `undefined` when Slack cannot tell (no
   * `channels:history` scope, or an error): the caller then cannot rule out an earlier post.
   */
  recent(channel: string, oldest: Date): Promise<PostedMessage[] | undefined>;
}

const REFUSED = new Set([
  'invalid_blocks',
  'invalid_blocks_format',
  'invalid_attachments',
  'msg_too_long',
  'no_text',
  'invalid_arguments',
  'invalid_metadata_format',
  'invalid_metadata_schema',
  'metadata_too_large',
  'too_many_attachments',
]);
const GONE = new Set(['message_not_found', 'cant_update_message', 'edit_window_closed']);
const NOT_IN_CHANNEL = new Set(['not_in_channel', 'channel_not_found']);

/** What a WebClient error means for delivery. */
export function classify(e: unknown): Failure {
  const err = e as {
    code?: string;
    message?: string;
    retryAfter?: number;
    statusCode?: number;
    data?: { error?: string };
  };
  const message = err?.message ?? String(e);
  switch (err?.code) {
    case webApi.ErrorCode.RateLimitedError:
      return { kind: 'rate-limited', retryAfterMs: Math.max(0, (err.retryAfter ?? 1) * 1000), message };
    case webApi.ErrorCode.PlatformError: {
      const code = err.data?.error ?? 'unknown_error';
      if (code === 'ratelimited') return { kind: 'rate-limited', retryAfterMs: 30_000, message: code };
      if (GONE.has(code)) return { kind: 'gone', message: code };
      if (NOT_IN_CHANNEL.has(code)) return { kind: 'not-in-channel', message: code };
      if (REFUSED.has(code)) return { kind: 'refused', message: code };
      // Slack answered ok:false, so it did not post; the cause (invalid_auth…) may be fixed.
      return { kind: 'transient', maybeDelivered: false, message: code };
    }
    case webApi.ErrorCode.HTTPError:
      return {
        kind: 'transient',
        maybeDelivered: (err.statusCode ?? 500) >= 500,
        message: `HTTP ${err.statusCode ?? '?'}`,
      };
    default:
      // A network error or timeout: the request may have reached Slack and been acted on.
      return { kind: 'transient', maybeDelivered: true, message };
  }
}

const isMetadata = (m: unknown): m is Metadata =>
  !!m && typeof m === 'object' && typeof (m as Metadata).event_type === 'string';

export function slackPort(client: webApi.WebClient): AlertSlack {
  const call = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      throw new DeliveryError(classify(e));
    }
  };
  return {
    async post({ channel, text, blocks, metadata }) {
      const res = await call(() =>
        client.chat.postMessage({
          channel,
          text,
          ...(blocks ? { blocks } : {}),
          ...(metadata ? { metadata } : {}),
          unfurl_links: false,
          unfurl_media: false,
        }),
      );
      if (!res.ts) throw new DeliveryError({ kind: 'transient', maybeDelivered: true, message: 'no ts' });
      return { ts: res.ts };
    },
    async update({ channel, ts, text, blocks }) {
      await call(() =>
        client.chat.update({
          channel,
          ts,
          text,
          ...(blocks ? { blocks } : {}),
        }),
      );
    },
    async recent(channel, oldest) {
      try {
        const res = await client.conversations.history({
          channel,
          oldest: (oldest.getTime() / 1000).toFixed(6),
          limit: 200,
          include_all_metadata: true,
        });
        if (!res.ok || !Array.isArray(res.messages)) return undefined;
        return res.messages.flatMap((m) =>
          m.ts && isMetadata(m.metadata) ? [{ ts: m.ts, metadata: m.metadata }] : [],
        );
      } catch {
        return undefined;
      }
    },
  };
}
