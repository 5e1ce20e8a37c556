/**
 * Socket Mode's `apps.connections.open` answers are checked (src/slack/socket-connection.ts), against the Slack
 * stand-in: an answer without a WebSocket URL is one clear log line and a retry after a doubling backoff on the
 * bot's clock, at most a bounded number of times; the start refuses in one line after that; the real
 * @slack/socket-mode client, given the guard, connects once Slack gives a URL, and stops asking when it gives up.
 */
import { LogLevel, SocketModeClient } from '@slack/socket-mode';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkSlackTokens, SlackStartError } from '../../src/slack/check-tokens.js';
import { guardConnectionsOpen } from '../../src/slack/socket-connection.js';
import { type ManualClock, manualClock } from '../alerts/clock.js';
import { type SlackStandIn, startSlackStandIn } from './stand-in.js';

let slack: SlackStandIn;
let clock: ManualClock;
let lines: string[];
const log = (line: string) => lines.push(line);

beforeEach(async () => {
  slack = await startSlackStandIn();
  clock = manualClock('2026-12-07T09:00:00Z');
  lines = [];
});
afterEach(async () => {
  await slack.close();
});

/** Waits (on the event loop, not a clock) until `n` lines are logged, then moves the clock past the next wait. */
async function whenLogged(n: number, thenAdvanceMs: number) {
  for (let i = 0; lines.length < n; i++) {
    if (i > 2000) throw new Error(`expected ${n} lines, got: ${lines.join('\n')}`);
    await new Promise((r) => setImmediate(r));
  }
  clock.advance(thenAdvanceMs);
}

const config = () =>
  ({
    botToken: 'xoxb-socket-test',
    appToken: 'xapp-socket-test',
    mode: 'socket',
    slackApiUrl: slack.apiUrl,
  }) as const;

describe('apps.connections.open without a URL', () => {
  it('is one clear log line per answer and asked again after 1 s, then 2 s: the start goes on once a URL comes', async () => {
    slack.failNext('apps.connections.open', { answer: { ok: true } }, 2);
    const started = checkSlackTokens(config(), { clock, log });
    await whenLogged(1, 1000);
    await whenLogged(2, 2000);
    expect(await started).toEqual({ botId: expect.any(String), botUserId: expect.any(String) });
    expect(lines).toEqual([
      'Socket Mode: Slack answered apps.connections.open with ok: true but no url, so there is no WebSocket to connect to; asking again in 1 s (attempt 1 of 6).',
      'Socket Mode: Slack answered apps.connections.open with ok: true but no url, so there is no WebSocket to connect to; asking again in 2 s (attempt 2 of 6).',
    ]);
    expect(lines.join('\n')).not.toContain('[object Object]');
    expect(slack.allCalls('apps.connections.open')).toHaveLength(3);
  });

  it('an ok: false Slack does not explain is retried the same way, bounded; the start is then refused in one line', async () => {
    slack.failWhile('apps.connections.open', { answer: { ok: false, error: 'internal_error' } });
    const started = checkSlackTokens(config(), { clock, log, attempts: 3 }).catch((e: unknown) => e);
    await whenLogged(1, 1000);
    await whenLogged(2, 2000);
    const refused = await started;
    expect(refused).toBeInstanceOf(SlackStartError);
    expect((refused as Error).message).toBe(
      'cutover-bot cannot start: SLACK_APP_TOKEN: Slack gave no WebSocket URL in 3 answers to apps.connections.open ' +
        '(the last: ok: false, error internal_error); giving up. See https://slack-status.com, check that Socket Mode ' +
        'is on for the app (Settings > Socket Mode), then start the bot again.',
    );
    expect(lines).toHaveLength(2);
    expect(slack.allCalls('apps.connections.open')).toHaveLength(3);
  });

  it('a refused app token passes through at once: no retry, the start names SLACK_APP_TOKEN', async () => {
    slack.failWhile('apps.connections.open', { answer: { ok: false, error: 'invalid_auth' } });
    const refused = await checkSlackTokens(config(), { clock, log }).catch((e: unknown) => e);
    expect((refused as Error).message).toContain('SLACK_APP_TOKEN cannot open a Socket Mode connection');
    expect(lines).toEqual([]);
    expect(slack.allCalls('apps.connections.open')).toHaveLength(1);
  });

  it("@slack/socket-mode's client, given the guard, connects once Slack gives a URL, and stops asking when it gives up", async () => {
    slack.failNext('apps.connections.open', { answer: { ok: true } }, 1);
    const guard = guardConnectionsOpen({ clock, log, attempts: 2 });
    const client = new SocketModeClient({
      appToken: 'xapp-socket-test',
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: slack.apiUrl, fetch: guard.fetch },
    });
    const connected = client.start();
    await whenLogged(1, 1000);
    await connected;
    await slack.socket.connected();
    expect(lines).toHaveLength(1);
    await client.disconnect();

    // Now Slack never gives a URL: two answers, one line, then the guard gives up and nothing more is asked.
    slack.failWhile('apps.connections.open', { answer: { ok: true } });
    const before = slack.allCalls('apps.connections.open').length;
    const again = new SocketModeClient({
      appToken: 'xapp-socket-test',
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: slack.apiUrl, fetch: guard.fetch },
    });
    void again.start();
    await whenLogged(2, 1000);
    expect(await guard.gaveUp).toContain('Slack gave no WebSocket URL in 2 answers to apps.connections.open');
    clock.advance(60 * 60 * 1000);
    await new Promise((r) => setImmediate(r));
    expect(slack.allCalls('apps.connections.open').length - before).toBe(2);
    expect(clock.pending()).toBe(0);
  });
});
