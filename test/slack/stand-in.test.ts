/**
 * Tests of the Slack stand-in itself, against the real Slack SDK clients (and Bolt), independent of src/.
 */
import type { Server } from 'node:http';
import { App, LogLevel, verifySlackRequest } from '@slack/bolt';
import { LogLevel as SocketLogLevel, SocketModeClient } from '@slack/socket-mode';
import {
  ErrorCode,
  type Logger,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebClient,
  WebClientEvent,
  LogLevel as WebLogLevel,
} from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  appHomeOpened,
  blockAction,
  blockSuggestion,
  interactiveForm,
  SLACK_IDS,
  slashCommand,
  slashCommandForm,
  stateValue,
  viewSubmission,
} from './payloads.js';
import { postToBolt, signSlackRequest } from './signing.js';
import { type SlackStandIn, startSlackStandIn } from './stand-in.js';

const SIGNING_SECRET = 'test-signing-secret';
const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => WebLogLevel.ERROR,
  setName: () => undefined,
};
const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

let slack: SlackStandIn;
const cleanups: Array<() => Promise<unknown>> = [];

beforeEach(async () => {
  slack = await startSlackStandIn({
    users: { U1: { name: 'ada', realName: 'Ada Lovelace', tz: 'Europe/Berlin' }, U2: { name: 'bob' } },
  });
});

afterEach(async () => {
  // Clients first (a Socket Mode client that loses its socket unexpectedly schedules a reconnect), then Slack.
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await slack.close();
});

function webClient(options: ConstructorParameters<typeof WebClient>[1] = {}): WebClient {
  return new WebClient('xoxb-test', {
    slackApiUrl: slack.apiUrl,
    logLevel: WebLogLevel.ERROR,
    retryConfig: { retries: 0 },
    ...options,
  });
}

describe('Web API', () => {
  it('records a chat.postMessage from a real WebClient with blocks decoded back into objects', async () => {
    const blocks = [section('*Cutover* at <!date^1700000000^{time}|12:00>'), { type: 'divider' }];
    const result = await webClient().chat.postMessage({
      channel: 'C1',
      text: 'Cutover [1/2] {draft}',
      blocks,
    });

    expect(result.ok).toBe(true);
    expect(result.channel).toBe('C1');
    expect(result.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(result.message?.text).toBe('Cutover [1/2] {draft}');

    const [call] = slack.calls('chat.postMessage');
    expect(call).toMatchObject({
      method: 'chat.postMessage',
      token: 'xoxb-test',
      failed: false,
      contentType: 'application/x-www-form-urlencoded',
      args: { channel: 'C1', text: 'Cutover [1/2] {draft}', blocks },
    });
    expect(call?.args).not.toHaveProperty('token');
    expect(call?.at).toBeInstanceOf(Date);
    expect(slack.messages('C1')).toEqual([
      expect.objectContaining({ channel: 'C1', ts: result.ts, text: 'Cutover [1/2] {draft}', blocks }),
    ]);
  });

  it('gives every message a unique, increasing ts and tracks updates and deletes', async () => {
    const client = webClient();
    const first = await client.chat.postMessage({ channel: 'C1', text: 'one' });
    const second = await client.chat.postMessage({ channel: 'C1', text: 'two' });
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));

    const updated = await client.chat.update({ channel: 'C1', ts: String(first.ts), text: 'one, edited' });
    expect(updated).toMatchObject({ ok: true, channel: 'C1', ts: first.ts, text: 'one, edited' });
    await client.chat.delete({ channel: 'C1', ts: String(second.ts) });

    expect(slack.messages('C1')).toEqual([expect.objectContaining({ text: 'one, edited', updates: 1 })]);
  });

  it('answers conversations.history with the channel’s messages since oldest, newest first, metadata when asked', async () => {
    const client = webClient();
    const first = await client.chat.postMessage({ channel: 'C2', text: 'old' });
    const metadata = { event_type: 'cutover_alert', event_payload: { ids: 'alert:p:1' } };
    await client.chat.postMessage({ channel: 'C2', text: 'new', metadata });
    await client.chat.postMessage({ channel: 'C3', text: 'elsewhere' });
    const since = await client.conversations.history({
      channel: 'C2',
      oldest: String(first.ts),
      include_all_metadata: true,
    });
    expect(since.messages?.map((m) => [m.text, m.metadata])).toEqual([
      ['new', metadata],
      ['old', undefined],
    ]);
    const plain = await client.conversations.history({ channel: 'C2' });
    expect(plain.messages?.every((m) => m.metadata === undefined)).toBe(true);
  });

  it('answers a post to a user id with the DM channel, and an ephemeral post with message_ts', async () => {
    const client = webClient();
    expect((await client.chat.postMessage({ channel: 'U1', text: 'hi' })).channel).toBe('D1');
    const ephemeral = await client.chat.postEphemeral({ channel: 'C1', user: 'U1', text: 'only you' });
    expect(ephemeral.message_ts).toMatch(/^\d{10}\.\d{6}$/);
  });

  it('accepts JSON bodies with a bearer token, as Slack does', async () => {
    const response = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8', Authorization: 'Bearer xoxb-json' },
      body: JSON.stringify({ channel: 'C2', text: 'json', unfurl_links: false, blocks: [section('x')] }),
    });
    expect(await response.json()).toMatchObject({ ok: true, channel: 'C2' });
    expect(slack.calls('chat.postMessage')[0]).toMatchObject({
      token: 'xoxb-json',
      contentType: 'application/json',
      args: { channel: 'C2', unfurl_links: false, blocks: [section('x')] },
    });
  });

  it('answers auth.test the way Bolt needs it', async () => {
    expect(await webClient().auth.test()).toMatchObject({
      ok: true,
      team_id: SLACK_IDS.teamId,
      user_id: 'UBOT',
      bot_id: 'BBOT',
      is_enterprise_install: false,
    });
  });

  it('checks token types: apps.connections.open needs xapp-, other methods refuse it, none is not_authed', async () => {
    await expect(webClient().apps.connections.open()).rejects.toMatchObject({
      data: { error: 'invalid_auth' },
    });
    const appClient = new WebClient('xapp-test', { slackApiUrl: slack.apiUrl, logLevel: WebLogLevel.ERROR });
    expect((await appClient.apps.connections.open()).url).toMatch(
      new RegExp(`^ws://127\\.0\\.0\\.1:${slack.port}/socket\\?`),
    );
    await expect(appClient.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({
      data: { error: 'not_allowed_token_type' },
    });
    const anonymous = new WebClient(undefined, { slackApiUrl: slack.apiUrl, logLevel: WebLogLevel.ERROR });
    await expect(anonymous.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({
      data: { error: 'not_authed' },
    });
    expect(slack.calls('chat.postMessage')).toEqual([]);
    expect(slack.allCalls('chat.postMessage').map((c) => c.error)).toEqual([
      'not_allowed_token_type',
      'not_authed',
    ]);
  });

  it('answers users.info from the configured users, with time zone data, and user_not_found otherwise', async () => {
    const client = webClient();
    const { user } = await client.users.info({ user: 'U1' });
    expect(user).toMatchObject({
      id: 'U1',
      name: 'ada',
      real_name: 'Ada Lovelace',
      tz: 'Europe/Berlin',
      profile: { display_name: 'ada', real_name: 'Ada Lovelace' },
    });
    expect([3600, 7200]).toContain(user?.tz_offset);
    await expect(client.users.info({ user: 'U404' })).rejects.toMatchObject({
      data: { error: 'user_not_found' },
    });
  });

  it('opens, pushes, updates and publishes views and answers with a view id', async () => {
    const client = webClient();
    const modal = {
      type: 'modal' as const,
      callback_id: 'blocker',
      title: { type: 'plain_text' as const, text: 'Report a blocker' },
      submit: { type: 'plain_text' as const, text: 'Report' },
      private_metadata: '{"cutover":"c1"}',
      blocks: [
        {
          type: 'input',
          block_id: 'title',
          label: { type: 'plain_text', text: 'Title' },
          element: { type: 'plain_text_input', action_id: 'value' },
        },
      ],
    };
    const opened = await client.views.open({ trigger_id: '1.2.abc', view: modal });
    expect(opened.view).toMatchObject({
      id: expect.stringMatching(/^V/),
      callback_id: 'blocker',
      type: 'modal',
    });
    expect(slack.calls('views.open')[0]?.args.view).toEqual(modal);

    const updated = await client.views.update({ view_id: String(opened.view?.id), view: modal });
    expect(updated.view?.id).toBe(opened.view?.id);
    const home = await client.views.publish({
      user_id: 'U1',
      view: { type: 'home', blocks: [section('Home')] },
    });
    expect(home.view?.type).toBe('home');
  });

  it('enforces Block Kit limits like Slack: invalid_blocks for messages, invalid_arguments for views', async () => {
    // WebClient logs the `[ERROR] …` lines of response_metadata.messages; keep the test output quiet.
    const client = webClient({ logger: silentLogger });
    const tooMany = Array.from({ length: 51 }, (_, i) => section(`row ${i}`));
    await expect(
      client.chat.postMessage({ channel: 'C1', text: 'x', blocks: tooMany }),
    ).rejects.toMatchObject({
      data: {
        error: 'invalid_blocks',
        response_metadata: { messages: [expect.stringContaining('/blocks')] },
      },
    });
    await expect(
      client.views.open({
        trigger_id: '1.2.abc',
        view: {
          type: 'modal',
          title: { type: 'plain_text', text: 'A title that is far too long' },
          blocks: [],
        },
      }),
    ).rejects.toMatchObject({
      data: {
        error: 'invalid_arguments',
        response_metadata: {
          messages: ['[ERROR] must be less than 25 characters [json-pointer:/view/title/text]'],
        },
      },
    });
    expect(slack.calls()).toEqual([]);
    expect(slack.allCalls().map((c) => c.error)).toEqual(['invalid_blocks', 'invalid_arguments']);
    // Both are recorded as violations, which fail the test that sent them unless it takes them, as here.
    expect(slack.takeViolations().map((v) => [v.where, v.problems])).toEqual([
      ['chat.postMessage', ['[ERROR] no more than 50 items allowed [json-pointer:/blocks]']],
      ['views.open', ['[ERROR] must be less than 25 characters [json-pointer:/view/title/text]']],
    ]);
  });

  it.each([
    [
      'two elements of one actions block with one action_id',
      {
        blocks: [
          {
            type: 'actions',
            elements: [
              {
                type: 'button',
                text: { type: 'plain_text', text: 'Sign off A' },
                action_id: 'x.open',
                value: 'a',
              },
              {
                type: 'button',
                text: { type: 'plain_text', text: 'Sign off B' },
                action_id: 'x.open',
                value: 'b',
              },
            ],
          },
        ],
      },
      'action_id x.open is already used by element 0 of this block [json-pointer:/blocks/0/elements/1/action_id]',
    ],
    [
      'two blocks of one message with one block_id',
      {
        blocks: [
          { ...section('a'), block_id: 'b1' },
          { ...section('b'), block_id: 'b1' },
        ],
      },
      'block_id b1 is already used at /blocks/0 [json-pointer:/blocks/1/block_id]',
    ],
    [
      'a header in mrkdwn',
      { blocks: [{ type: 'header', text: { type: 'mrkdwn', text: '*x*' } }] },
      'must be one of plain_text [json-pointer:/blocks/0/text/type]',
    ],
    [
      'a button of 76 characters',
      {
        blocks: [
          {
            type: 'actions',
            elements: [{ type: 'button', text: { type: 'plain_text', text: 'x'.repeat(76) } }],
          },
        ],
      },
      'must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]',
    ],
    [
      'a section of empty text',
      { blocks: [section('')] },
      'must be at least 1 characters [json-pointer:/blocks/0/text/text]',
    ],
    [
      'an unknown block',
      { blocks: [{ type: 'sections', text: { type: 'mrkdwn', text: 'x' } }] },
      'unsupported block type sections [json-pointer:/blocks/0/type]',
    ],
    [
      'a select of 101 options',
      {
        blocks: [
          {
            type: 'actions',
            elements: [
              {
                type: 'static_select',
                action_id: 's',
                options: Array.from({ length: 101 }, (_, i) => ({
                  text: { type: 'plain_text', text: `o${i}` },
                  value: `o${i}`,
                })),
              },
            ],
          },
        ],
      },
      'no more than 100 items allowed [json-pointer:/blocks/0/elements/0/options]',
    ],
    [
      'a datetimepicker given milliseconds',
      {
        blocks: [
          {
            type: 'input',
            label: { type: 'plain_text', text: 'When' },
            element: { type: 'datetimepicker', action_id: 'w', initial_date_time: 1_770_000_000_000 },
          },
        ],
      },
      'must be a UNIX timestamp in seconds of 10 digits [json-pointer:/blocks/0/element/initial_date_time]',
    ],
  ])('refuses %s with invalid_blocks and records why', async (_what, message, problem) => {
    const client = webClient({ logger: silentLogger });
    await expect(client.chat.postMessage({ channel: 'C1', text: 'x', ...message })).rejects.toMatchObject({
      data: { error: 'invalid_blocks' },
    });
    expect(slack.takeViolations()).toEqual([
      expect.objectContaining({ where: 'chat.postMessage', problems: [`[ERROR] ${problem}`] }),
    ]);
  });

  it('refuses a modal with inputs but no submit, and a home view with a submit', async () => {
    const client = webClient({ logger: silentLogger });
    const input = {
      type: 'input',
      block_id: 'i',
      label: { type: 'plain_text', text: 'x' },
      element: { type: 'plain_text_input', action_id: 'value' },
    };
    await expect(
      client.views.open({
        trigger_id: '1.2.abc',
        view: { type: 'modal', title: { type: 'plain_text', text: 'Form' }, blocks: [input] },
      }),
    ).rejects.toMatchObject({ data: { error: 'invalid_arguments' } });
    await expect(
      client.views.publish({
        user_id: 'U1',
        view: { type: 'home', submit: { type: 'plain_text', text: 'Go' }, blocks: [section('Home')] },
      } as never),
    ).rejects.toMatchObject({ data: { error: 'invalid_arguments' } });
    expect(slack.takeViolations().map((v) => v.problems)).toEqual([
      ['[ERROR] must provide submit when the view contains input blocks [json-pointer:/view/submit]'],
      ['[ERROR] a home view cannot have submit [json-pointer:/view/submit]'],
    ]);
  });
});

describe('failure injection', () => {
  it('surfaces a 429 with Retry-After as a rate-limited error and records the failed attempt', async () => {
    slack.failNext('chat.postMessage', { status: 429, retryAfter: 7 });
    const error = await webClient({ rejectRateLimitedCalls: true })
      .chat.postMessage({ channel: 'C1', text: 'x' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(WebAPIRateLimitedError);
    expect(error).toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 7 });
    expect(slack.calls('chat.postMessage')).toEqual([]);
    expect(slack.allCalls('chat.postMessage')).toEqual([
      expect.objectContaining({
        failed: true,
        error: 'ratelimited',
        response: { ok: false, error: 'ratelimited' },
      }),
    ]);
  });

  it('lets a retrying client wait out Retry-After and then records the call once as delivered', async () => {
    slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const client = webClient({ retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 1 } });
    const rateLimited: number[] = [];
    client.on(WebClientEvent.RATE_LIMITED, (seconds: number) => rateLimited.push(seconds));

    const started = Date.now();
    const result = await client.chat.postMessage({ channel: 'C1', text: 'after the pause' });

    expect(result.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(rateLimited).toEqual([1]);
    expect(slack.allCalls('chat.postMessage').map((c) => c.failed)).toEqual([true, false]);
    expect(slack.calls('chat.postMessage')).toHaveLength(1);
  });

  it('answers HTTP 500 on demand, then recovers by itself after `times` failures', async () => {
    slack.failNext('chat.postMessage', { status: 500 }, 2);
    const client = webClient();
    for (let i = 0; i < 2; i += 1) {
      const error = await client.chat.postMessage({ channel: 'C1', text: 'x' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WebAPIHTTPError);
      expect(error).toMatchObject({ code: ErrorCode.HTTPError, statusCode: 500 });
    }
    await client.chat.postMessage({ channel: 'C1', text: 'x' });
    expect(slack.allCalls('chat.postMessage').map((c) => c.error ?? 'delivered')).toEqual([
      'http_500',
      'http_500',
      'delivered',
    ]);
  });

  it('answers a Slack error (200, ok:false) and fails a method until told to recover', async () => {
    slack.failWhile('views.open', { error: 'expired_trigger_id' });
    const client = webClient();
    const view = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'T' }, blocks: [] };
    for (let i = 0; i < 3; i += 1) {
      const error = await client.views.open({ trigger_id: 't', view }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WebAPIPlatformError);
      expect(error).toMatchObject({ data: { ok: false, error: 'expired_trigger_id' } });
    }
    slack.recover('views.open');
    await client.views.open({ trigger_id: 't', view });
    expect(slack.calls('views.open')).toHaveLength(1);
    expect(slack.allCalls('views.open')).toHaveLength(4);
  });

  it("fails every method with '*' (an outage) but leaves other methods alone when recovering one", async () => {
    slack.failWhile('*', { status: 503 });
    await expect(webClient().auth.test()).rejects.toBeInstanceOf(WebAPIHTTPError);
    slack.recover();
    await expect(webClient().auth.test()).resolves.toMatchObject({ ok: true });
  });

  it('drops the connection after Slack acted, so a retrying client posts twice (de-duplicate yourself)', async () => {
    slack.failNext('chat.postMessage', { drop: 'after' });
    const client = webClient({ retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 1 } });
    await client.chat.postMessage({ channel: 'C1', text: 'alert' });

    const delivered = slack.calls('chat.postMessage');
    expect(delivered).toHaveLength(2);
    expect(delivered[0]?.responseLost).toBe(true);
    expect(slack.messages('C1').map((m) => m.text)).toEqual(['alert', 'alert']);
  });

  it('drops the connection before Slack acted: recorded as failed, nothing posted', async () => {
    slack.failNext('chat.postMessage', { drop: 'before' });
    await expect(webClient().chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({
      code: ErrorCode.RequestError,
    });
    expect(slack.allCalls('chat.postMessage')).toEqual([
      expect.objectContaining({ failed: true, error: 'connection_dropped' }),
    ]);
    expect(slack.messages()).toEqual([]);
  });
});

describe('waiting and resetting', () => {
  it('waitFor resolves with a call already recorded or one yet to come', async () => {
    const client = webClient();
    await client.chat.postMessage({ channel: 'C1', text: 'early' });
    await expect(slack.waitFor('chat.postMessage')).resolves.toMatchObject({ args: { text: 'early' } });

    const later = slack.waitFor('chat.postMessage', (c) => c.args.text === 'late');
    await client.chat.postMessage({ channel: 'C1', text: 'late' });
    await expect(later).resolves.toMatchObject({ args: { channel: 'C1', text: 'late' } });
  });

  it('waitFor ignores failed attempts and on timeout lists what was recorded', async () => {
    slack.failNext('chat.postMessage', { error: 'channel_not_found' });
    await webClient()
      .chat.postMessage({ channel: 'C404', text: 'x' })
      .catch(() => undefined);
    await webClient().auth.test();

    const error = await slack.waitFor('chat.postMessage', undefined, 50).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toContain("waitFor('chat.postMessage'): no matching delivered call within 50 ms");
    expect(String(error)).toContain(
      '#1 chat.postMessage [failed: channel_not_found] {"channel":"C404","text":"x"}',
    );
    expect(String(error)).toContain('#2 auth.test [delivered]');
  });

  it('reset clears records and injected failures', async () => {
    slack.failWhile('auth.test', { status: 500 });
    await expect(webClient().auth.test()).rejects.toThrow();
    slack.reset();
    expect(slack.allCalls()).toEqual([]);
    await expect(webClient().auth.test()).resolves.toMatchObject({ ok: true });
  });

  it('close rejects pending waits with a clear message', async () => {
    const pending = slack.waitFor('chat.postMessage', undefined, 10_000);
    await slack.close();
    await expect(pending).rejects.toThrow('closed');
  });
});

describe('files and response_url', () => {
  it('accepts filesUploadV2 end to end and keeps the uploaded content readable', async () => {
    const content = 'timestamp,event\n2024-05-01T10:00:00Z,go\n';
    const result = await webClient().filesUploadV2({
      channel_id: 'C1',
      filename: 'cutover-report.csv',
      title: 'Cutover report',
      content,
      initial_comment: 'Report attached',
    });

    expect(result.ok).toBe(true);
    expect(slack.uploads).toEqual([
      expect.objectContaining({
        filename: 'cutover-report.csv',
        title: 'Cutover report',
        content,
        completed: true,
        channelId: 'C1',
        initialComment: 'Report attached',
      }),
    ]);
    expect(slack.calls().map((c) => c.method)).toEqual([
      'files.getUploadURLExternal',
      'files.completeUploadExternal',
    ]);
    expect(slack.calls('files.getUploadURLExternal')[0]?.args).toMatchObject({
      filename: 'cutover-report.csv',
      length: String(Buffer.byteLength(content)),
    });
    expect(slack.calls('files.completeUploadExternal')[0]?.args).toMatchObject({
      channel_id: 'C1',
      files: [{ id: slack.uploads[0]?.fileId, title: 'Cutover report' }],
    });
  });

  it('records response_url posts', async () => {
    const url = slack.responseUrl('cmd-1');
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', text: 'Working on it' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    await expect(slack.waitForResponse()).resolves.toMatchObject({
      path: '/response/cmd-1',
      body: { response_type: 'ephemeral', text: 'Working on it' },
    });
  });
});

describe('Socket Mode', () => {
  function socketClient(): SocketModeClient {
    const client = new SocketModeClient({
      appToken: 'xapp-test',
      logLevel: SocketLogLevel.ERROR,
      clientOptions: { slackApiUrl: slack.apiUrl },
    });
    cleanups.push(() => client.disconnect());
    return client;
  }

  it('lets a real SocketModeClient connect, receive an envelope and ack it with a payload', async () => {
    const client = socketClient();
    const received: unknown[] = [];
    client.on(
      'slash_commands',
      async ({ ack, body }: { ack: (r?: object) => Promise<void>; body: unknown }) => {
        received.push(body);
        await ack({ response_type: 'ephemeral', text: 'On it' });
      },
    );
    await client.start();
    await slack.socket.connected();
    expect(slack.calls('apps.connections.open')).toEqual([expect.objectContaining({ token: 'xapp-test' })]);

    const command = slashCommand({ text: 'status', user_id: 'U1' });
    const ack = await slack.socket.send('slash_commands', command);

    expect(received).toEqual([command]);
    expect(ack).toMatchObject({
      envelope_id: slack.socket.envelopes[0]?.envelope_id,
      type: 'slash_commands',
      payload: { response_type: 'ephemeral', text: 'On it' },
    });
    expect(ack.elapsedMs).toBeLessThan(3000);
    expect(slack.socket.envelopes[0]).toMatchObject({
      type: 'slash_commands',
      accepts_response_payload: true,
    });
  });

  it('sends events_api envelopes without accepts_response_payload; a bare ack carries an empty payload', async () => {
    const client = socketClient();
    client.on('app_home_opened', async ({ ack }: { ack: () => Promise<void> }) => {
      await ack();
    });
    await client.start();

    const ack = await slack.socket.send('events_api', appHomeOpened({ user_id: 'U1' }));
    expect(ack.payload).toEqual({});
    expect(slack.socket.envelopes[0]).toMatchObject({ accepts_response_payload: false, retry_attempt: 0 });
  });

  it('rejects with a clear message when the app never acks', async () => {
    const client = socketClient();
    await client.start();
    await expect(
      slack.socket.send('interactive', blockAction({ user_id: 'U1', action_id: 'go' }), { timeoutMs: 100 }),
    ).rejects.toThrow(/\(interactive\) was not acknowledged within 100 ms/);
  });

  it('rejects send when no client is connected', async () => {
    await expect(slack.socket.send('slash_commands', {}, { timeoutMs: 50 })).rejects.toThrow(
      /no Socket Mode client connected within 50 ms/,
    );
  });
});

describe('Bolt against the stand-in', () => {
  it('runs a Socket Mode app: command ack, view submission errors, events and Web API calls', async () => {
    const app = new App({
      token: 'xoxb-test',
      appToken: 'xapp-test',
      socketMode: true,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
    });
    app.command('/cutover', async ({ ack, command, respond }) => {
      await ack({ response_type: 'ephemeral', text: `Got ${command.text}` });
      await respond({ text: 'Done' });
    });
    app.view('blocker', async ({ ack, view }) => {
      const title = view.state.values.title?.value?.value ?? '';
      if (title.length < 3) {
        await ack({ response_action: 'errors', errors: { title: 'Too short' } });
        return;
      }
      await ack();
    });
    app.event('app_home_opened', async ({ event, client }) => {
      await client.views.publish({ user_id: event.user, view: { type: 'home', blocks: [section('Home')] } });
    });
    await app.start();
    cleanups.push(() => app.stop());

    const commandAck = await slack.socket.send(
      'slash_commands',
      slashCommand({ text: 'status', user_id: 'U1', response_url: slack.responseUrl('cmd') }),
    );
    expect(commandAck.payload).toEqual({ response_type: 'ephemeral', text: 'Got status' });
    await expect(slack.waitForResponse()).resolves.toMatchObject({
      path: '/response/cmd',
      body: { text: 'Done' },
    });

    const submitAck = await slack.socket.send(
      'interactive',
      viewSubmission({
        user_id: 'U1',
        callback_id: 'blocker',
        // The view submitted: the errors the app answers must name its input blocks.
        view: {
          blocks: [
            {
              type: 'input',
              block_id: 'title',
              label: { type: 'plain_text', text: 'Title' },
              element: { type: 'plain_text_input', action_id: 'value' },
            },
          ],
        },
        values: { title: { value: stateValue.plainTextInput('x') } },
      }),
    );
    expect(submitAck.payload).toEqual({ response_action: 'errors', errors: { title: 'Too short' } });

    await slack.socket.send('events_api', appHomeOpened({ user_id: 'U2' }));
    const publish = await slack.waitFor('views.publish');
    expect(publish).toMatchObject({ token: 'xoxb-test', args: { user_id: 'U2', view: { type: 'home' } } });
    expect(slack.calls('auth.test')[0]?.token).toBe('xoxb-test');
  });

  it('reads the app’s acks as Slack does: errors must name input blocks of the view; options at most 100', async () => {
    const app = new App({
      token: 'xoxb-test',
      appToken: 'xapp-test',
      socketMode: true,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
    });
    app.view('form', async ({ ack }) => {
      await ack({ response_action: 'errors', errors: { 'not-an-input': 'Wrong place' } });
    });
    app.options<'block_suggestion'>({ block_id: 'pick' }, async ({ ack }) => {
      await ack({
        options: Array.from({ length: 101 }, (_, i) => ({
          text: { type: 'plain_text' as const, text: `o${i}` },
          value: `o${i}`,
        })),
      });
    });
    await app.start();
    cleanups.push(() => app.stop());
    const blocks = [
      section('Intro'),
      {
        type: 'input',
        block_id: 'title',
        label: { type: 'plain_text', text: 'Title' },
        element: { type: 'plain_text_input', action_id: 'value' },
      },
    ];
    await slack.socket.send(
      'interactive',
      viewSubmission({ user_id: 'U1', callback_id: 'form', view: { blocks: blocks as never }, values: {} }),
    );
    await slack.socket.send(
      'interactive',
      blockSuggestion({ user_id: 'U1', block_id: 'pick', action_id: 'value', value: 'o', view: {} }),
    );
    expect(slack.takeViolations().map((v) => [v.where, v.problems])).toEqual([
      [
        'ack:view_submission',
        [
          '[ERROR] names no input block of the submitted view (its input blocks: title) [json-pointer:/errors/not-an-input]',
        ],
      ],
      ['ack:block_suggestion', ['[ERROR] no more than 100 items allowed [json-pointer:/options]']],
    ]);
  });

  it('runs an HTTP app: signed requests are accepted, a bad signature is refused', async () => {
    const app = new App({
      token: 'xoxb-test',
      signingSecret: SIGNING_SECRET,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
    });
    const clicks: string[] = [];
    app.command('/cutover', async ({ ack, respond }) => {
      await ack('Working on it');
      await respond({ text: 'Done' });
    });
    app.action('go', async ({ ack, body }) => {
      await ack();
      clicks.push(body.user.id);
    });
    const server: Server = await app.start({ port: 0, host: '127.0.0.1' });
    cleanups.push(() => app.stop());
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('Bolt is not listening on TCP');
    const url = `http://127.0.0.1:${address.port}/slack/events`;

    const command = slashCommand({ text: 'status', user_id: 'U1', response_url: slack.responseUrl('http') });
    const accepted = await postToBolt(url, SIGNING_SECRET, slashCommandForm(command), { kind: 'form' });
    expect(accepted.status).toBe(200);
    expect(accepted.text).toBe('Working on it');
    await expect(slack.waitForResponse()).resolves.toMatchObject({ body: { text: 'Done' } });

    const click = await postToBolt(
      url,
      SIGNING_SECRET,
      interactiveForm(blockAction({ user_id: 'U2', action_id: 'go' })),
      {
        kind: 'form',
      },
    );
    expect(click.status).toBe(200);
    expect(clicks).toEqual(['U2']);

    const refused = await postToBolt(url, SIGNING_SECRET, slashCommandForm(command), {
      kind: 'form',
      badSignature: true,
    });
    expect(refused.status).toBe(401);
    const stale = await postToBolt(url, SIGNING_SECRET, command, {
      kind: 'form',
      timestamp: Math.floor(Date.now() / 1000) - 6 * 60,
    });
    expect(stale.status).toBe(401);
  });
});

describe('request signing', () => {
  it("produces a signature that Bolt's verifySlackRequest accepts, and a tampered body fails it", () => {
    const body = slashCommandForm(slashCommand({ text: 'status', user_id: 'U1' }));
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = signSlackRequest(SIGNING_SECRET, body, timestamp);
    expect(headers['X-Slack-Signature']).toMatch(/^v0=[0-9a-f]{64}$/);
    expect(headers['X-Slack-Request-Timestamp']).toBe(String(timestamp));

    const verify = (rawBody: string) =>
      verifySlackRequest({
        signingSecret: SIGNING_SECRET,
        body: rawBody,
        headers: {
          'x-slack-signature': headers['X-Slack-Signature'],
          'x-slack-request-timestamp': Number(headers['X-Slack-Request-Timestamp']),
        },
      });
    expect(() => verify(body)).not.toThrow();
    expect(() => verify(body.replace('status', 'st4tus'))).toThrow(/signature mismatch/);
  });

  it('matches the example in Slack documentation', () => {
    // https://docs.slack.dev/authentication/verifying-requests-from-slack (published example secret and body)
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&' +
      'channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&' +
      'response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&' +
      'trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(signSlackRequest('8f742231b10e8888abcd99yyyzzz85a5', body, 1531420618)['X-Slack-Signature']).toBe(
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
  });
});
