/**
 * Every Slack Web API client the bot uses, made here and nowhere else, one per kind of work, so that nothing slow
 * shares a queue with what must be quick. A WebClient that meets a 429 pauses its whole queue for the
 * `Retry-After` (10 s of users.info once held up a `views.open`, whose trigger lasts 3 s):
 *
 * - **interactive**: Bolt's own client, built by Bolt from `bolt` and handed to every listener as `client`:
 *   `views.open`, the short answers of `tell`. Only quick calls, right after the ack.
 * - **background**: users.info, the record upload, App Home publishing. It rejects a 429 at once instead of pausing
 *   (`afterRateLimit` waits a short `Retry-After` out on the injected clock and tries once more), and retries a
 *   network error or 5xx twice, quickly.
 * - **alerts**: the outbox, the status board, reminders. It never retries by itself and rejects a 429: the outbox
 *   retries, after the `Retry-After`.
 * - **lookups**: who is in the user groups holding roles. Like alerts, it never retries by itself: the workspace
 *   asks again on the bot's clock.
 */
import { type LogLevel, webApi } from '@slack/bolt';
import { after, type Clock } from '../runtime/clock.js';
import type { Config } from '../runtime/config.js';

const LOG_LEVELS: Record<Config['logLevel'], LogLevel> = {
  debug: webApi.LogLevel.DEBUG,
  info: webApi.LogLevel.INFO,
  warn: webApi.LogLevel.WARN,
  error: webApi.LogLevel.ERROR,
};

type ClientKind = 'background' | 'alerts' | 'lookups';

export interface ClientOptions {
  token: string;
  slackApiUrl?: string | undefined;
  logLevel?: LogLevel;
  /** Per request, ms: a hung request must not hold its queue. */
  timeoutMs?: number;
  /** The transport (default the global fetch): Socket Mode's checked `apps.connections.open` (socket-connection.ts). */
  fetch?: webApi.WebClientOptions['fetch'];
}

const KINDS: Record<ClientKind, { retryConfig: webApi.RetryOptions; timeoutMs: number }> = {
  background: {
    retryConfig: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 2000, randomize: false },
    timeoutMs: 30_000,
  },
  alerts: { retryConfig: { retries: 0 }, timeoutMs: 15_000 },
  lookups: { retryConfig: { retries: 0 }, timeoutMs: 10_000 },
};

/** A client of one kind (see above). Neither kind ever pauses for a 429: both reject it at once. */
export function createSlackClient(kind: ClientKind, options: ClientOptions): webApi.WebClient {
  const k = KINDS[kind];
  return new webApi.WebClient(options.token, {
    ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    rejectRateLimitedCalls: true,
    retryConfig: k.retryConfig,
    timeout: options.timeoutMs ?? k.timeoutMs,
  });
}

/** The seconds a rate-limited call asks to wait, if `e` is a 429. */
function retryAfterOf(e: unknown): number | undefined {
  const err = e as { code?: string; retryAfter?: number } | undefined;
  return err?.code === webApi.ErrorCode.RateLimitedError ? (err.retryAfter ?? 1) : undefined;
}

export interface SlackClients {
  /** What Bolt builds its own (interactive) client from: `new App({ ...clients.bolt, … })`. */
  bolt: { clientOptions: webApi.WebClientOptions; logLevel: LogLevel };
  background: webApi.WebClient;
  alerts: webApi.WebClient;
  /**
   * The user groups' members, asked in the background ahead of expiry (slack/workspace.ts): never retries by
   * itself and rejects a 429; the workspace asks again on the bot's clock.
   */
  lookups: webApi.WebClient;
  /**
   * Runs a background call; a 429 whose `Retry-After` is at most `maxWaitMs` (default 30 s) is waited out on the
   * clock and the call made once more. A longer one, or a second 429, rejects.
   */
  afterRateLimit<T>(call: () => Promise<T>, maxWaitMs?: number): Promise<T>;
  /** True once closed: background work that was waiting stops there. */
  readonly closed: boolean;
  /** Ends the waits under way (their calls reject); called when the app stops. */
  close(): void;
}

/** The bot's clients; `clock` (the bot's) times the short waits of `afterRateLimit`. */
export function createSlackClients(
  config: Pick<Config, 'botToken' | 'slackApiUrl' | 'logLevel'>,
  clock: Clock,
): SlackClients {
  const logLevel = LOG_LEVELS[config.logLevel];
  const common = { token: config.botToken, slackApiUrl: config.slackApiUrl, logLevel };
  const waits = new Set<() => void>();
  let closed = false;

  /** Resolves true after `ms` on the clock, or false as soon as the clients are closed. */
  const wait = (ms: number) =>
    new Promise<boolean>((resolve) => {
      if (closed) return resolve(false);
      const end = (waited: boolean) => {
        waits.delete(stop);
        cancel();
        resolve(waited);
      };
      const stop = () => end(false);
      const cancel = after(clock, ms, () => end(true));
      waits.add(stop);
    });

  return {
    bolt: { clientOptions: config.slackApiUrl ? { slackApiUrl: config.slackApiUrl } : {}, logLevel },
    background: createSlackClient('background', common),
    alerts: createSlackClient('alerts', common),
    lookups: createSlackClient('lookups', common),
    async afterRateLimit(call, maxWaitMs = 30_000) {
      try {
        return await call();
      } catch (e) {
        const seconds = retryAfterOf(e);
        if (seconds === undefined || seconds * 1000 > maxWaitMs || !(await wait(seconds * 1000))) throw e;
        return call();
      }
    },
    get closed() {
      return closed;
    },
    close() {
      closed = true;
      for (const stop of [...waits]) stop();
    },
  };
}
