/**
 * Socket Mode's `apps.connections.open`, checked. @slack/socket-mode 3 takes any `ok: true` answer as a connection:
 * one without a `url` makes it log `apps.connections.open did not return a URL! (response: [object Object])` and
 * ask again every few seconds, forever; an `ok: false` it does not know (`internal_error`) does the same. So the
 * socket client's requests go through `guardConnectionsOpen`'s fetch: an answer without a WebSocket URL is one clear
 * log line, and it is asked again after a backoff that doubles (1 s, 2 s, 4 s… at most 30 s), at most `attempts`
 * times; then `gaveUp` resolves with one line saying so, and the request never settles (the bot stops: bot.ts). A
 * refused token (`invalid_auth`…) passes through at once: Socket Mode stops on it, and the start says which variable.
 */
import type { webApi } from '@slack/bolt';
import { after, type Clock } from '../runtime/clock.js';

type FetchFunction = webApi.FetchFunction;
type FetchResponse = Awaited<ReturnType<FetchFunction>>;

/** The answer again, its body already read. */
const replay = (res: FetchResponse, text: string): FetchResponse => ({
  ok: res.ok,
  status: res.status,
  statusText: res.statusText,
  url: res.url,
  headers: res.headers,
  arrayBuffer: async () => new TextEncoder().encode(text).buffer,
  json: async () => JSON.parse(text) as unknown,
  text: async () => text,
});

/** The `ok: false` codes @slack/socket-mode stops on by itself (its `UnrecoverableSocketModeStartError`). */
const REFUSED = new Set([
  'not_authed',
  'invalid_auth',
  'account_inactive',
  'user_removed_from_team',
  'team_disabled',
]);

export interface ConnectionGuard {
  /** The socket client's `fetch` (its WebClient's `clientOptions.fetch`). */
  fetch: FetchFunction;
  /** Resolves with the line to log once `attempts` answers in a row had no URL. */
  /** Why it gave up, in words, without a prefix: the caller names what gave up (Socket Mode, a token check). */
  gaveUp: Promise<string>;
}

export interface ConnectionGuardOptions {
  clock: Clock;
  /** One line per answer without a URL. */
  log: (line: string) => void;
  /** Answers asked for before giving up (default 6: about a minute of waiting). */
  attempts?: number;
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** The transport underneath (default the global fetch). */
  base?: FetchFunction;
}

/** What an answer without a URL said, in a few words. */
function describe(body: unknown): string {
  if (typeof body !== 'object' || body === null) return 'a body that is not JSON';
  const b = body as { ok?: unknown; error?: unknown; url?: unknown };
  if (b.ok === false) return `ok: false, error ${typeof b.error === 'string' ? b.error : '(none)'}`;
  return b.url === undefined ? 'ok: true but no url' : `ok: true and a url that is not a WebSocket URL`;
}

export function guardConnectionsOpen(options: ConnectionGuardOptions): ConnectionGuard {
  const { clock, log, attempts = 6, firstDelayMs = 1000, maxDelayMs = 30_000 } = options;
  const base: FetchFunction = options.base ?? ((input, init) => fetch(input, init) as Promise<FetchResponse>);
  let giveUp: (line: string) => void = () => undefined;
  const gaveUp = new Promise<string>((resolve) => {
    giveUp = resolve;
  });
  const wait = (ms: number) => new Promise<void>((resolve) => after(clock, ms, resolve));
  const guarded: FetchFunction = async (input, init) => {
    const url = typeof input === 'string' ? input : input.href;
    if (!url.endsWith('/apps.connections.open')) return base(input, init);
    // A wait outlasts the request's own timeout: the retries go without it.
    const { signal: _timeout, ...again } = init ?? {};
    for (let attempt = 1; ; attempt++) {
      const res = await base(input, attempt === 1 ? init : again);
      if (res.status !== 200) return res;
      const text = await res.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      const answer = body as { ok?: unknown; url?: unknown; error?: unknown } | undefined;
      const fine = answer?.ok === true && typeof answer.url === 'string' && /^wss?:\/\/\S+$/.test(answer.url);
      const refused = answer?.ok === false && typeof answer.error === 'string' && REFUSED.has(answer.error);
      if (fine || refused) return replay(res, text);
      if (attempt >= attempts) {
        giveUp(
          `Slack gave no WebSocket URL in ${attempts} answers to apps.connections.open ` +
            `(the last: ${describe(body)}); giving up. See https://slack-status.com, check that Socket Mode is on ` +
            'for the app (Settings > Socket Mode), then start the bot again.',
        );
        return new Promise<FetchResponse>(() => undefined);
      }
      const delay = Math.min(maxDelayMs, firstDelayMs * 2 ** (attempt - 1));
      log(
        `Socket Mode: Slack answered apps.connections.open with ${describe(body)}, so there is no WebSocket to ` +
          `connect to; asking again in ${delay / 1000} s (attempt ${attempt} of ${attempts}).`,
      );
      await wait(delay);
    }
  };
  return { fetch: guarded, gaveUp };
}
