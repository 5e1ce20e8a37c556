/**
 * Slack is asked before the bot says it runs: `auth.test` with SLACK_BOT_TOKEN, and in Socket Mode
 * `apps.connections.open` with SLACK_APP_TOKEN. A refused token, or no answer from SLACK_API_URL, becomes a
 * `SlackStartError`: one line naming the variable and the fix, which `main` prints before exiting 1. The client
 * never retries (a wrong token stays wrong) and gives up after `timeoutMs`. An `apps.connections.open` answer
 * without a WebSocket URL is asked again a few times with a backoff (socket-connection.ts), each time one log line,
 * and then refused the same way.
 */
import { webApi } from '@slack/bolt';
import { type Clock, systemClock } from '../runtime/clock.js';
import type { Config } from '../runtime/config.js';
import { createSlackClient } from './clients.js';
import { guardConnectionsOpen } from './socket-connection.js';

export class SlackStartError extends Error {}

/** Who the bot is, from `auth.test`: handed to Bolt, which then does not call `auth.test` again. */
export interface BotIdentity {
  botId: string;
  botUserId: string;
}

const DEFAULT_API_URL = 'https://slack.com/api/';
const REVOKED = new Set(['token_revoked', 'token_expired', 'account_inactive']);

type Variable = 'SLACK_BOT_TOKEN' | 'SLACK_APP_TOKEN';

const fail = (text: string) => new SlackStartError(`cutover-bot cannot start: ${text}`);

/** The fix for a token Slack refused, by the variable and Slack's error code. */
function refused(variable: Variable, code: string): SlackStartError {
  if (variable === 'SLACK_APP_TOKEN')
    return fail(
      `SLACK_APP_TOKEN cannot open a Socket Mode connection (Slack answered ${code}): make an app-level token ` +
        'with the connections:write scope (Basic Information > App-Level Tokens) and put it in .env, ' +
        'or leave SLACK_APP_TOKEN empty for HTTP mode.',
    );
  if (REVOKED.has(code))
    return fail(
      `SLACK_BOT_TOKEN is no longer valid (Slack answered ${code}): reinstall the app to the workspace ` +
        '(Install App) and put its new Bot User OAuth Token (xoxb-…) in .env.',
    );
  if (code === 'not_authed')
    return fail(
      'SLACK_BOT_TOKEN did not reach Slack (Slack answered not_authed): set it in .env to the Bot User OAuth ' +
        'Token (xoxb-…) from OAuth & Permissions; if SLACK_API_URL points at a proxy, it must pass the token on.',
    );
  return fail(
    `SLACK_BOT_TOKEN was refused by Slack (${code}): copy the Bot User OAuth Token (xoxb-…) again from ` +
      'OAuth & Permissions (https://api.slack.com/apps > your app) into .env.',
  );
}

/** Why a request got no usable answer: `ECONNREFUSED`, a timeout, a TLS error… */
function networkCause(e: { original?: unknown }, timeoutMs: number): string {
  const original = e.original as {
    name?: string;
    message?: string;
    cause?: { code?: string; message?: string };
  };
  if (original?.name === 'TimeoutError' || original?.name === 'AbortError')
    return `no answer in ${timeoutMs} ms`;
  const code = original?.cause?.code;
  // A system error's code (ECONNREFUSED, ENOTFOUND) says it best; undici's own (UND_ERR_…) less than its message.
  if (code && !code.startsWith('UND_ERR')) return code;
  return original?.cause?.message ?? original?.message ?? 'no answer';
}

function classify(e: unknown, variable: Variable, method: string, apiUrl: string, timeoutMs: number): Error {
  const err = e as {
    code?: string;
    data?: { error?: string };
    statusCode?: number;
    retryAfter?: number;
    original?: unknown;
  };
  const checkUrl = `check SLACK_API_URL (leave it empty for ${DEFAULT_API_URL})`;
  switch (err?.code) {
    case webApi.ErrorCode.PlatformError: {
      const code = err.data?.error ?? 'unknown_error';
      if (code === 'ratelimited') break;
      return refused(variable, code);
    }
    case webApi.ErrorCode.RequestError:
      return fail(
        `cannot reach Slack at ${apiUrl} (${networkCause(err, timeoutMs)}): ${checkUrl}, ` +
          "and this machine's network and proxy.",
      );
    case webApi.ErrorCode.HTTPError:
      return fail(
        `Slack at ${apiUrl} answered HTTP ${err.statusCode ?? '?'} to ${method}: ${checkUrl}; ` +
          'if that is right, Slack may be down (https://slack-status.com).',
      );
    case webApi.ErrorCode.RateLimitedError:
      break;
    default:
      return e instanceof Error ? e : new Error(String(e));
  }
  return fail(
    `Slack is rate-limiting ${method} for ${variable}` +
      `${err.retryAfter ? ` (retry after ${err.retryAfter} s)` : ''}: start again in a minute.`,
  );
}

/**
 * Resolves with the bot's identity when SLACK_BOT_TOKEN is good and, in Socket Mode, SLACK_APP_TOKEN can open a
 * connection; otherwise rejects with a `SlackStartError`.
 */
export async function checkSlackTokens(
  config: Pick<Config, 'botToken' | 'appToken' | 'mode' | 'slackApiUrl'>,
  options: {
    timeoutMs?: number;
    /** Times the waits between `apps.connections.open` answers without a URL. */
    clock?: Clock;
    /** Where those answers are reported, one line each (default: stderr). */
    log?: (line: string) => void;
    /** How many such answers before the start is refused (default that of socket-connection.ts). */
    attempts?: number;
  } = {},
): Promise<BotIdentity | undefined> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const apiUrl = config.slackApiUrl ?? DEFAULT_API_URL;
  // Errors only: a failed request is reported once, below, not also as a warning from the client.
  const client = (token: string) =>
    createSlackClient('alerts', {
      token,
      slackApiUrl: config.slackApiUrl,
      logLevel: webApi.LogLevel.ERROR,
      timeoutMs,
    });
  let identity: BotIdentity | undefined;
  try {
    const auth = await client(config.botToken).auth.test();
    if (auth.bot_id && auth.user_id) identity = { botId: auth.bot_id, botUserId: auth.user_id };
  } catch (e) {
    throw classify(e, 'SLACK_BOT_TOKEN', 'auth.test', apiUrl, timeoutMs);
  }
  if (config.mode === 'socket' && config.appToken) {
    const guard = guardConnectionsOpen({
      clock: options.clock ?? systemClock,
      log: options.log ?? ((line) => console.warn(line)),
      ...(options.attempts === undefined ? {} : { attempts: options.attempts }),
    });
    const open = createSlackClient('alerts', {
      token: config.appToken,
      slackApiUrl: config.slackApiUrl,
      logLevel: webApi.LogLevel.ERROR,
      timeoutMs,
      fetch: guard.fetch,
    });
    try {
      await Promise.race([
        open.apps.connections.open({}),
        guard.gaveUp.then((line) => {
          throw fail(`SLACK_APP_TOKEN: ${line}`);
        }),
      ]);
    } catch (e) {
      if (e instanceof SlackStartError) throw e;
      throw classify(e, 'SLACK_APP_TOKEN', 'apps.connections.open', apiUrl, timeoutMs);
    }
  }
  return identity;
}
