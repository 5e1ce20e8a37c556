/**
 * A loopback stand-in for Slack, for tests: one `node:http` server on 127.0.0.1 (free port) that serves
 *
 * - the Web API at `POST /api/<method>` (put `handle.apiUrl` into `clientOptions.slackApiUrl`),
 * - file uploads at `POST /upload/<file_id>` (the `upload_url` that `files.getUploadURLExternal` hands out),
 * - response_url posts at `POST /response/<anything>` (`handle.responseUrl()`),
 * - Socket Mode at `ws://…/socket` (the URL `apps.connections.open` hands out to an `xapp-` token).
 *
 * Everything is recorded; failures (HTTP 5xx, 429 with Retry-After, Slack errors, dropped connections) can be
 * injected per method. Slack's documented Block Kit rules are enforced on every payload, always (block-kit-rules.ts):
 * a payload that breaks one is refused as Slack refuses it, and fails the test that sent it (strict-setup.ts).
 *
 * Stop the app (or SocketModeClient) before `handle.close()`: a Socket Mode client that loses its socket while not
 * shutting down schedules a reconnect, which then fails against a closed server.
 *
 * @example
 * const slack = await startSlackStandIn({ users: { U1: { name: 'ada', tz: 'Europe/Berlin' } } });
 * const app = new App({ token: 'xoxb-test', appToken: 'xapp-test', socketMode: true,
 *   clientOptions: { slackApiUrl: slack.apiUrl } });
 * await app.start();
 * const ack = await slack.socket.send('slash_commands',
 *   slashCommand({ text: 'status', user_id: 'U1', response_url: slack.responseUrl() }));
 * const post = await slack.waitFor('chat.postMessage', (c) => c.args.channel === 'C1');
 * await app.stop();
 * await slack.close();
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import {
  messagePayloadProblems,
  optionsAckProblems,
  problemMessages,
  viewProblems as viewRuleProblems,
  viewSubmissionAckProblems,
} from './block-kit-rules.js';
import { messageTs, SLACK_IDS, slackId } from './payloads.js';

// ---------------------------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------------------------

export type SlackArgs = Record<string, unknown>;

/** One request to the Web API, as the stand-in received it. */
export interface RecordedCall {
  method: string;
  /**
   * The arguments, decoded: form fields holding JSON (`blocks`, `view`, `files`, `attachments`, …) are parsed back
   * into objects; other form fields stay strings, as sent (`'true'`, `'42'`). `token` is not in here, see `token`.
   */
  args: SlackArgs;
  /** From `Authorization: Bearer …`, else from a `token` body field. */
  token: string | undefined;
  at: Date;
  /** True when Slack did not act on the call: injected failure, auth error or validation error. */
  failed: boolean;
  /** Why it failed: the Slack error code (`ratelimited`, `invalid_blocks`, …), `http_500`, `connection_dropped`. */
  error?: string;
  /** The JSON body answered (absent when the connection was dropped before an answer). */
  response?: SlackArgs;
  /** Set by a `{ drop: 'after' }` failure: Slack acted (the call is delivered) but the answer never arrived. */
  responseLost?: boolean;
  /** The request's content type without parameters, e.g. `application/x-www-form-urlencoded`. */
  contentType: string;
}

/**
 * A failure to inject.
 * - `{ status: 500 }` (any status): HTTP error. `{ status: 429, retryAfter: s }` adds `Retry-After` and answers
 *   `{ ok: false, error: 'ratelimited' }`; a 429 without `retryAfter` omits the header (the client then gives up).
 * - `{ error: 'channel_not_found' }`: HTTP 200 with `{ ok: false, error }` plus `extra` fields.
 * - `{ drop: 'before' }`: the connection is reset before Slack acts. `{ drop: 'after' }`: Slack acts (the call is
 *   recorded as delivered, a message is stored) and then the connection is reset, so the client cannot tell.
 * - `{ answer: { ok: true } }`: HTTP 200 with exactly this body, in place of the method's own answer (an
 *   `apps.connections.open` without its `url`).
 */
export type StandInFailure =
  | { answer: SlackArgs }
  | { status: number; retryAfter?: number }
  | { error: string; extra?: SlackArgs }
  | { drop: 'before' | 'after' };

/** One post to a response_url. */
export interface RecordedResponse {
  path: string;
  /** JSON-parsed body (Bolt's `respond()` posts JSON); a form body is decoded into a record; else the raw text. */
  body: unknown;
  contentType: string;
  at: Date;
  failed: boolean;
}

/** One file received at an upload URL. */
export interface RecordedUpload {
  fileId: string;
  /** From `files.getUploadURLExternal`. */
  filename?: string;
  /** From `files.completeUploadExternal` (`title` defaults to the filename in @slack/web-api). */
  title?: string;
  /** The bytes decoded as UTF-8. */
  content: string;
  bytes: Buffer;
  /** True once `files.completeUploadExternal` named this file. */
  completed: boolean;
  channelId?: string;
  threadTs?: string;
  initialComment?: string;
  at: Date;
}

/** A message as it stands in a channel after posts, updates and deletes. */
export interface StoredMessage {
  channel: string;
  ts: string;
  text: string;
  blocks?: unknown;
  attachments?: unknown;
  thread_ts?: string;
  metadata?: unknown;
  updates: number;
}

export interface StandInUser {
  /** The username (`name`); also the default real and display name. */
  name: string;
  realName?: string;
  displayName?: string;
  /** IANA time zone, default `UTC`. */
  tz?: string;
  isBot?: boolean;
  deleted?: boolean;
}

export interface StandInOptions {
  /** Users known to `users.info`, by id. Unknown ids answer `user_not_found`. The bot user `UBOT` is always known. */
  users?: Record<string, StandInUser>;
  /**
   * Enforce Slack's documented Block Kit rules (default true). Off only in bench/, where checking every payload would
   * count in the figures measured; every test runs strict (test/architecture/strict-stand-in.test.ts).
   */
  validateBlocks?: boolean;
  /** Accept only these tokens (others answer `invalid_auth`). Default: any non-empty token. */
  validTokens?: string[];
  /** User groups known to `usergroups.users.list`, by id (`S…`): their members' user ids. Others: `no_such_subteam`. */
  groups?: Record<string, string[]>;
}

export type SocketEnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface SocketEnvelope {
  envelope_id: string;
  type: SocketEnvelopeType;
  payload: unknown;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

export interface SocketSendOptions {
  /** Default: true for slash_commands and interactive, false for events_api. */
  acceptsResponsePayload?: boolean;
  /** events_api redelivery fields (Bolt exposes them as `context.retryNum` / `retryReason`). */
  retryAttempt?: number;
  retryReason?: string;
  /** How long to wait for a client and then for the ack (default 5000 ms). */
  timeoutMs?: number;
  /**
   * Which open connection gets the envelope, by the order they connected (0 = the oldest): Slack hands each
   * envelope to one of an app's connections (up to 10). Default: the most recently connected.
   */
  connection?: number;
}

/** What the app sent back for an envelope: `{ envelope_id, payload? }`. */
export interface SocketAck {
  envelope_id: string;
  /** @slack/socket-mode always sends an object: `{}` for a bare `ack()`. */
  payload?: SlackArgs;
  /** The envelope type it answers (undefined for an ack of an unknown envelope). */
  type?: SocketEnvelopeType;
  /** Time from sending the envelope to receiving the ack (Slack wants it within 3000 ms). */
  elapsedMs: number;
  at: Date;
}

export interface SocketStandIn {
  /** Sends an envelope to the most recently connected client and resolves with its ack. */
  send(type: SocketEnvelopeType, payload: unknown, options?: SocketSendOptions): Promise<SocketAck>;
  /** Resolves once a client is connected and was sent `hello`. */
  connected(timeoutMs?: number): Promise<void>;
  /** Sends `{ type: 'disconnect', reason }`: the client closes and (with auto-reconnect) reconnects. */
  disconnect(reason?: 'refresh_requested' | 'warning' | 'link_disabled'): void;
  connectionCount(): number;
  readonly envelopes: readonly SocketEnvelope[];
  readonly acks: readonly SocketAck[];
}

export type CallPredicate = (call: RecordedCall) => boolean;

export interface SlackStandIn {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `http://127.0.0.1:<port>/api/` — for `clientOptions.slackApiUrl` / `new WebClient(token, { slackApiUrl })`. */
  readonly apiUrl: string;
  readonly port: number;
  readonly responses: readonly RecordedResponse[];
  readonly uploads: readonly RecordedUpload[];
  readonly socket: SocketStandIn;
  /** Delivered (non-failed) calls, optionally of one method, in arrival order. */
  calls(method?: string): RecordedCall[];
  /** All calls including failed attempts. */
  allCalls(method?: string): RecordedCall[];
  /** First delivered call of `method` matching `predicate`, already recorded or yet to come. */
  waitFor(method: string, predicate?: CallPredicate, timeoutMs?: number): Promise<RecordedCall>;
  waitForResponse(
    predicate?: (r: RecordedResponse) => boolean,
    timeoutMs?: number,
  ): Promise<RecordedResponse>;
  waitForUpload(predicate?: (u: RecordedUpload) => boolean, timeoutMs?: number): Promise<RecordedUpload>;
  /** Messages as they stand after chat.postMessage / chat.update / chat.delete, in posting order. */
  messages(channel?: string): StoredMessage[];
  /** A response_url pointing at the stand-in: `http://127.0.0.1:<port>/response/<id>`. */
  responseUrl(id?: string): string;
  /**
   * Fail the next `times` calls of `method`. `method` is a Web API method, `'*'` for any, `'upload'` for upload
   * URLs or `'response_url'` for response_url posts.
   */
  failNext(method: string, failure: StandInFailure, times?: number): void;
  /** Fail every call of `method` until `recover`. */
  failWhile(method: string, failure: StandInFailure): void;
  /**
   * Holds the next call of `method` (a Web API method) once it has arrived, unanswered, until `release()`; `reached`
   * resolves when it arrives. For what a client does while Slack takes its time.
   */
  holdNext(method: string): { reached: Promise<void>; release(): void };
  /** Stop injected failures for `method`, or for all methods. */
  recover(method?: string): void;
  /**
   * Takes the bot out of `channel`: chat.postMessage and chat.update there answer `{ ok: false, error }` (default
   * `not_in_channel`; `channel_not_found` as for a private channel it cannot see) until `inviteBot(channel)`.
   * Direct messages (to a user id) are unaffected.
   */
  removeBot(channel: string, error?: 'not_in_channel' | 'channel_not_found'): void;
  /** Puts the bot back in a channel `removeBot` took it out of. */
  inviteBot(channel: string): void;
  /** Clears every record, stored message/view/file and injected failure (not the violations: see takeViolations). */
  reset(): void;
  /**
   * The payloads refused for breaking Slack's rules since the last call, and forgets them. A test that sends a bad
   * payload on purpose takes them; any left fail the test (test/slack/strict-setup.ts).
   */
  takeViolations(): Violation[];
  /**
   * Checks an app's ack of an interaction posted over HTTP (the stand-in checks Socket Mode acks itself): `payload`
   * as sent, `body` as the app answered (view submission errors must name input blocks of the submitted view).
   */
  checkAck(payload: unknown, body: unknown): void;
  /** Terminates sockets and closes the server. */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------

const DEFAULT_TIMEOUT_MS = 5000;

/** Form fields that carry free text and must never be JSON-decoded, even when they look like JSON. */
const FREE_TEXT_FIELDS = new Set([
  'text',
  'markdown_text',
  'initial_comment',
  'title',
  'alt_text',
  'filename',
  'content',
  'private_metadata',
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function mimeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function decodeField(key: string, value: string): unknown {
  if (FREE_TEXT_FIELDS.has(key)) return value;
  const trimmed = value.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return value;
  try {
    return JSON.parse(trimmed);
  } catch {
    return value;
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

interface FilePart {
  filename: string;
  bytes: Buffer;
}

/** Parses multipart/form-data with the platform's own parser (undici's `Request.formData()`). */
async function parseMultipart(contentType: string, raw: Buffer): Promise<Array<[string, string | FilePart]>> {
  const form = await new Request('http://stand-in.invalid/', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: raw,
  }).formData();
  const entries: Array<[string, string | FilePart]> = [];
  for (const [key, value] of form.entries()) {
    if (typeof value === 'string') entries.push([key, value]);
    else entries.push([key, { filename: value.name, bytes: Buffer.from(await value.arrayBuffer()) }]);
  }
  return entries;
}

async function parseArgs(
  contentType: string | undefined,
  raw: Buffer,
  query: URLSearchParams,
): Promise<SlackArgs> {
  const args: SlackArgs = {};
  for (const [key, value] of query) args[key] = decodeField(key, value);
  const mime = mimeOf(contentType);
  if (raw.length === 0) return args;
  if (mime === 'application/json') {
    const parsed: unknown = JSON.parse(raw.toString('utf8'));
    if (isRecord(parsed)) Object.assign(args, parsed);
  } else if (mime === 'multipart/form-data' && contentType !== undefined) {
    for (const [key, value] of await parseMultipart(contentType, raw)) {
      args[key] =
        typeof value === 'string'
          ? decodeField(key, value)
          : { filename: value.filename, content: value.bytes.toString('utf8'), size: value.bytes.length };
    }
  } else {
    for (const [key, value] of new URLSearchParams(raw.toString('utf8'))) args[key] = decodeField(key, value);
  }
  return args;
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

function rawDataToString(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function brief(value: unknown, max = 240): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function describeCalls(calls: readonly RecordedCall[]): string {
  if (calls.length === 0) return 'No Web API calls were recorded.';
  const lines = calls.map(
    (call, i) =>
      `  #${i + 1} ${call.method} [${call.failed ? `failed: ${call.error ?? '?'}` : 'delivered'}] ${brief(call.args)}`,
  );
  return `Recorded Web API calls (${calls.length}):\n${lines.join('\n')}`;
}

function tzInfo(tz: string, at: Date): { tz_label: string; tz_offset: number } {
  const offsetName =
    new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' })
      .formatToParts(at)
      .find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(offsetName);
  const offset = match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 3600 + Number(match[3]) * 60) : 0;
  const label =
    new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'long' })
      .formatToParts(at)
      .find((part) => part.type === 'timeZoneName')?.value ?? tz;
  return { tz_label: label, tz_offset: offset };
}

// ---------------------------------------------------------------------------------------------------------------
// Block Kit validation (the limits Slack enforces; see /work/shared/SLACK-FACTS.md)
// ---------------------------------------------------------------------------------------------------------------

// The rules live in block-kit-rules.ts. A payload that breaks one is answered as Slack answers it AND recorded as a
// violation: the test that sent it fails (test/slack/strict-setup.ts), unless it takes the violations it meant to
// cause (`takeViolations()`).

/** A payload the stand-in refused because it breaks Slack's documented rules. */
export interface Violation {
  /** The Web API method, `response_url`, or the ack of an envelope (`ack:view_submission`, `ack:block_suggestion`…). */
  where: string;
  problems: string[];
  at: Date;
}

/** Stand-ins not closed yet: after each test, the strict setup fails it on any violation they recorded. */
export const liveStandIns = new Set<SlackStandIn>();

/** Throws naming every violation in `found`: what strict-setup.ts does with a stand-in's after each test. */
export function failOnViolations(found: readonly Violation[]): void {
  if (found.length === 0) return;
  const lines = found.map((v) => `  ${v.where}:\n${v.problems.map((p) => `    ${p}`).join('\n')}`);
  throw new Error(
    `The Slack stand-in refused ${found.length} payload(s) that break Slack's Block Kit rules (real Slack refuses them too):\n${lines.join('\n')}`,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// The stand-in
// ---------------------------------------------------------------------------------------------------------------

interface FailureRule {
  method: string;
  failure: StandInFailure;
  remaining: number;
}

interface PendingFile {
  filename?: string;
  length?: number;
}

interface PendingAck {
  type: SocketEnvelopeType;
  sentAt: number;
  resolve: (ack: SocketAck) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

interface Waiter {
  check: () => void;
  abort: (error: Error) => void;
}

export async function startSlackStandIn(options: StandInOptions = {}): Promise<SlackStandIn> {
  const validate = options.validateBlocks ?? true;
  const users = new Map<string, StandInUser>(Object.entries(options.users ?? {}));
  for (const user of users.values()) if (user.tz !== undefined) tzInfo(user.tz, new Date()); // throws on a bad tz
  if (!users.has(SLACK_IDS.botUserId)) users.set(SLACK_IDS.botUserId, { name: 'cutover-bot', isBot: true });

  const recorded: RecordedCall[] = [];
  const violations: Violation[] = [];
  const responses: RecordedResponse[] = [];
  const uploads: RecordedUpload[] = [];
  const envelopes: SocketEnvelope[] = [];
  const acks: SocketAck[] = [];
  const messages = new Map<string, StoredMessage>();
  const views = new Map<string, SlackArgs>();
  const pendingFiles = new Map<string, PendingFile>();
  let rules: FailureRule[] = [];
  /** Channels the bot is not in (removeBot), with the error Slack answers there. */
  const absent = new Map<string, string>();
  const waiters = new Set<Waiter>();
  const pendingAcks = new Map<string, PendingAck>();
  /** Promises handed to tests; close() rejects them, and marks them handled first (a test may not await one). */
  const handedOut = new Set<Promise<unknown>>();
  const sockets = new Set<WebSocket>();
  let closed = false;
  let port = 0;

  function handOut<T>(promise: Promise<T>): Promise<T> {
    handedOut.add(promise);
    const forget = (): void => {
      handedOut.delete(promise);
    };
    promise.then(forget, forget);
    return promise;
  }

  const notify = (): void => {
    for (const waiter of [...waiters]) waiter.check();
  };

  function waitUntil<T>(find: () => T | undefined, timeoutMs: number, describe: () => string): Promise<T> {
    const found = find();
    if (found !== undefined) return Promise.resolve(found);
    if (closed) return Promise.reject(new Error('The Slack stand-in is closed.'));
    const promise = new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        check: () => {
          const value = find();
          if (value === undefined) return;
          settle();
          resolve(value);
        },
        abort: (error) => {
          settle();
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        settle();
        reject(new Error(describe()));
      }, timeoutMs);
      const settle = (): void => {
        clearTimeout(timer);
        waiters.delete(waiter);
      };
      waiters.add(waiter);
    });
    return promise;
  }

  function takeFailure(method: string): StandInFailure | undefined {
    const rule = rules.find(
      (r) => (r.method === method || (r.method === '*' && isApiMethod(method))) && r.remaining > 0,
    );
    if (rule === undefined) return undefined;
    rule.remaining -= 1;
    rules = rules.filter((r) => r.remaining > 0);
    return rule.failure;
  }

  function isApiMethod(key: string): boolean {
    return key !== 'upload' && key !== 'response_url';
  }

  function record(call: RecordedCall): void {
    recorded.push(call);
    notify();
  }

  // ---- Web API ---------------------------------------------------------------------------------------------

  type Answer = SlackArgs;
  const fail = (error: string, extra: SlackArgs = {}): Answer => ({ ok: false, error, ...extra });

  function authError(method: string, token: string | undefined): string | undefined {
    if (token === undefined) return 'not_authed';
    if (options.validTokens !== undefined && !options.validTokens.includes(token)) return 'invalid_auth';
    const appToken = token.startsWith('xapp-');
    if (method === 'apps.connections.open') return appToken ? undefined : 'invalid_auth';
    if (appToken) return 'not_allowed_token_type';
    return undefined;
  }

  function violation(where: string, problems: string[]): void {
    violations.push({ where, problems, at: new Date() });
  }

  function messageProblems(args: SlackArgs, method: string): Answer | undefined {
    if (!validate) return undefined;
    if (typeof args.blocks === 'string') {
      violation(method, ['[ERROR] blocks must be JSON [json-pointer:/blocks]']);
      return fail('invalid_blocks_format');
    }
    const problems = messagePayloadProblems(args);
    if (problems.length === 0) return undefined;
    const list = problemMessages(problems);
    violation(method, list);
    if (problems.some((p) => p.pointer === '/attachments')) return fail('too_many_attachments');
    return fail('invalid_blocks', { errors: list, response_metadata: { messages: list } });
  }

  function viewProblems(view: unknown, method: string): Answer | undefined {
    if (!validate) return isRecord(view) ? undefined : fail('invalid_arguments');
    const problems = viewRuleProblems(view);
    if (problems.length === 0) return undefined;
    const list = problemMessages(problems);
    violation(method, list);
    return fail('invalid_arguments', { response_metadata: { messages: list } });
  }

  /** The views opened, pushed or updated, by callback_id: what a view submission submits when its test sends no blocks. */
  function lastViewOf(callbackId: unknown): SlackArgs | undefined {
    return [...views.values()].findLast((v) => v.callback_id === callbackId && v.type === 'modal');
  }

  /**
   * Checks what the app acknowledged an interaction with, as Slack would read it: a view submission's
   * `response_action` (errors naming input blocks of the submitted view, a valid view to update or push), the
   * options of a block_suggestion, the blocks of a slash command's answer.
   */
  function checkAck(payload: unknown, body: unknown): void {
    if (!validate || !isRecord(payload)) return;
    const kind =
      typeof payload.type === 'string'
        ? payload.type
        : typeof payload.command === 'string'
          ? 'slash_command'
          : undefined;
    if (kind === undefined) return;
    let problems: string[] = [];
    if (kind === 'view_submission') {
      const view = isRecord(payload.view) ? payload.view : {};
      const hasBlocks = (v: unknown) => isRecord(v) && Array.isArray(v.blocks) && v.blocks.length > 0;
      // The view submitted: as the payload carries it, else the one the app opened with that id or callback_id. A
      // test that builds a submission of a view never opened here leaves nothing to check the errors against.
      const byId = views.get(String(view.id));
      const submitted = hasBlocks(view)
        ? view
        : byId !== undefined && byId.callback_id === view.callback_id
          ? byId
          : lastViewOf(view.callback_id);
      if (submitted !== undefined) problems = problemMessages(viewSubmissionAckProblems(body, submitted));
      else if (!isRecord(body) || (body.response_action !== undefined && body.response_action !== 'errors'))
        problems = problemMessages(viewSubmissionAckProblems(body, {}));
    } else if (kind === 'block_suggestion') problems = problemMessages(optionsAckProblems(body));
    else if (kind === 'slash_command' && isRecord(body))
      problems = problemMessages(messagePayloadProblems(body));
    if (problems.length) violation(`ack:${kind}`, problems);
  }

  function conversationFor(channel: string): string {
    // Posting to a user id posts in the app's DM with that user; Slack answers with the DM channel id.
    return /^[UW][A-Z0-9]+$/.test(channel) ? `D${channel.slice(1)}` : channel;
  }

  function botMessage(args: SlackArgs, ts: string): SlackArgs {
    const text = typeof args.text === 'string' ? args.text.slice(0, 40_000) : '';
    return {
      type: 'message',
      text,
      user: SLACK_IDS.botUserId,
      bot_id: SLACK_IDS.botId,
      app_id: SLACK_IDS.appId,
      team: SLACK_IDS.teamId,
      ts,
      ...(args.blocks === undefined ? {} : { blocks: args.blocks }),
      ...(args.attachments === undefined ? {} : { attachments: args.attachments }),
      ...(args.thread_ts === undefined ? {} : { thread_ts: args.thread_ts }),
      ...(args.metadata === undefined ? {} : { metadata: args.metadata }),
      bot_profile: {
        id: SLACK_IDS.botId,
        app_id: SLACK_IDS.appId,
        name: 'cutover-bot',
        team_id: SLACK_IDS.teamId,
      },
    };
  }

  function viewAnswer(view: SlackArgs, id: string, previous: SlackArgs | undefined, rootId: string): Answer {
    const stored: SlackArgs = {
      id,
      team_id: SLACK_IDS.teamId,
      type: view.type,
      blocks: view.blocks ?? [],
      private_metadata: view.private_metadata ?? '',
      callback_id: view.callback_id ?? '',
      state: { values: {} },
      hash: `${Math.floor(Date.now() / 1000)}.${randomUUID().slice(0, 8)}`,
      title: view.title ?? null,
      clear_on_close: view.clear_on_close ?? false,
      notify_on_close: view.notify_on_close ?? false,
      close: view.close ?? null,
      submit: view.submit ?? null,
      previous_view_id: previous === undefined ? null : previous.id,
      root_view_id: rootId,
      app_id: SLACK_IDS.appId,
      external_id: view.external_id ?? '',
      app_installed_team_id: SLACK_IDS.teamId,
      bot_id: SLACK_IDS.botId,
    };
    views.set(id, stored);
    return { ok: true, view: stored };
  }

  const methods: Record<string, (args: SlackArgs) => Answer> = {
    'api.test': (args) => ({ ok: true, args }),
    'auth.test': () => ({
      ok: true,
      url: `https://${SLACK_IDS.teamDomain}.slack.com/`,
      team: 'Stand-in Workspace',
      user: 'cutover-bot',
      team_id: SLACK_IDS.teamId,
      user_id: SLACK_IDS.botUserId,
      bot_id: SLACK_IDS.botId,
      is_enterprise_install: false,
    }),
    'apps.connections.open': () => ({
      ok: true,
      url: `ws://127.0.0.1:${port}/socket?ticket=${randomUUID()}&app_id=${SLACK_IDS.appId}`,
    }),
    'chat.postMessage': (args) => {
      const channel = str(args.channel);
      if (channel === undefined) return fail('channel_not_found');
      const missing = absent.get(channel);
      if (missing !== undefined) return fail(missing);
      if (args.text === undefined && args.blocks === undefined && args.attachments === undefined) {
        return fail('no_text');
      }
      const invalid = messageProblems(args, 'chat.postMessage');
      if (invalid) return invalid;
      const ts = messageTs();
      const conversation = conversationFor(channel);
      const message = botMessage(args, ts);
      messages.set(ts, {
        channel: conversation,
        ts,
        text: String(message.text),
        blocks: args.blocks,
        attachments: args.attachments,
        thread_ts: str(args.thread_ts),
        metadata: args.metadata,
        updates: 0,
      });
      return { ok: true, channel: conversation, ts, message };
    },
    'chat.update': (args) => {
      const channel = str(args.channel);
      const ts = str(args.ts);
      if (channel === undefined) return fail('channel_not_found');
      const missing = absent.get(channel);
      if (missing !== undefined) return fail(missing);
      if (ts === undefined) return fail('message_not_found');
      const invalid = messageProblems(args, 'chat.update');
      if (invalid) return invalid;
      const stored = messages.get(ts);
      if (stored !== undefined) {
        if (typeof args.text === 'string') stored.text = args.text.slice(0, 40_000);
        if (args.blocks !== undefined) stored.blocks = args.blocks;
        if (args.attachments !== undefined) stored.attachments = args.attachments;
        if (args.metadata !== undefined) stored.metadata = args.metadata;
        stored.updates += 1;
      }
      const message = botMessage({ ...args, text: stored?.text ?? args.text }, ts);
      return { ok: true, channel, ts, text: message.text, message };
    },
    'chat.postEphemeral': (args) => {
      if (str(args.channel) === undefined) return fail('channel_not_found');
      if (str(args.user) === undefined) return fail('user_not_in_channel');
      if (args.text === undefined && args.blocks === undefined && args.attachments === undefined) {
        return fail('no_text');
      }
      return messageProblems(args, 'chat.postEphemeral') ?? { ok: true, message_ts: messageTs() };
    },
    'chat.delete': (args) => {
      const ts = str(args.ts);
      if (ts === undefined) return fail('message_not_found');
      messages.delete(ts);
      return { ok: true, channel: args.channel, ts };
    },
    'chat.getPermalink': (args) => {
      const channel = str(args.channel);
      const ts = str(args.message_ts);
      if (channel === undefined || ts === undefined) return fail('message_not_found');
      return {
        ok: true,
        channel,
        permalink: `https://${SLACK_IDS.teamDomain}.slack.com/archives/${channel}/p${ts.replace('.', '')}`,
      };
    },
    // The channel's messages, newest first, since `oldest` (seconds); metadata only with include_all_metadata.
    'conversations.history': (args) => {
      const channel = str(args.channel);
      if (channel === undefined) return fail('channel_not_found');
      if (absent.get(channel) === 'channel_not_found') return fail('channel_not_found');
      const oldest = Number(str(args.oldest) ?? '0');
      const withMetadata = String(args.include_all_metadata) === 'true';
      const found = [...messages.values()]
        .filter((m) => m.channel === channel && Number(m.ts) >= oldest)
        .sort((a, b) => Number(b.ts) - Number(a.ts))
        .slice(0, Number(str(args.limit) ?? '100'))
        .map((m) => ({
          type: 'message',
          ts: m.ts,
          text: m.text,
          ...(withMetadata && m.metadata !== undefined ? { metadata: m.metadata } : {}),
        }));
      return { ok: true, messages: found, has_more: false };
    },
    'conversations.info': (args) => {
      const channel = str(args.channel);
      if (channel === undefined) return fail('channel_not_found');
      const missing = absent.get(channel);
      if (missing === 'channel_not_found') return fail('channel_not_found');
      return {
        ok: true,
        channel: {
          id: channel,
          name: channel.toLowerCase(),
          is_channel: channel.startsWith('C'),
          is_member: !missing,
        },
      };
    },
    'usergroups.users.list': (args) => {
      const group = str(args.usergroup);
      const users = group === undefined ? undefined : options.groups?.[group];
      if (users === undefined) return fail('no_such_subteam');
      return { ok: true, users };
    },
    'conversations.open': (args) => {
      const user = str(args.users)?.split(',')[0];
      if (user === undefined) return fail('users_list_not_supplied');
      return { ok: true, channel: { id: conversationFor(user) } };
    },
    'views.open': (args) => {
      if (str(args.trigger_id) === undefined) return fail('invalid_arguments');
      const invalid = viewProblems(args.view, 'views.open');
      if (invalid || !isRecord(args.view)) return invalid ?? fail('invalid_arguments');
      const id = slackId('V');
      return viewAnswer(args.view, id, undefined, id);
    },
    'views.push': (args) => {
      if (str(args.trigger_id) === undefined) return fail('invalid_arguments');
      const invalid = viewProblems(args.view, 'views.push');
      if (invalid || !isRecord(args.view)) return invalid ?? fail('invalid_arguments');
      const id = slackId('V');
      return viewAnswer(args.view, id, undefined, id);
    },
    'views.update': (args) => {
      const invalid = viewProblems(args.view, 'views.update');
      if (invalid || !isRecord(args.view)) return invalid ?? fail('invalid_arguments');
      const externalId = str(args.external_id);
      const byExternal = [...views.values()].find(
        (v) => externalId !== undefined && v.external_id === externalId,
      );
      const id = str(args.view_id) ?? (byExternal === undefined ? undefined : String(byExternal.id));
      if (id === undefined) return externalId === undefined ? fail('invalid_arguments') : fail('not_found');
      const previous = views.get(id);
      return viewAnswer(args.view, id, undefined, String(previous?.root_view_id ?? id));
    },
    'views.publish': (args) => {
      if (str(args.user_id) === undefined) return fail('invalid_arguments');
      const invalid = viewProblems(args.view, 'views.publish');
      if (invalid || !isRecord(args.view)) return invalid ?? fail('invalid_arguments');
      const id = slackId('V');
      return viewAnswer(args.view, id, undefined, id);
    },
    'users.info': (args) => {
      const id = str(args.user);
      const user = id === undefined ? undefined : users.get(id);
      if (id === undefined || user === undefined) return fail('user_not_found');
      const tz = user.tz ?? 'UTC';
      const realName = user.realName ?? user.name;
      const displayName = user.displayName ?? user.name;
      return {
        ok: true,
        user: {
          id,
          team_id: SLACK_IDS.teamId,
          name: user.name,
          deleted: user.deleted ?? false,
          real_name: realName,
          tz,
          ...tzInfo(tz, new Date()),
          is_admin: false,
          is_owner: false,
          is_bot: user.isBot ?? false,
          is_app_user: false,
          updated: Math.floor(Date.now() / 1000),
          profile: {
            real_name: realName,
            real_name_normalized: realName,
            display_name: displayName,
            display_name_normalized: displayName,
            team: SLACK_IDS.teamId,
          },
        },
      };
    },
    'files.getUploadURLExternal': (args) => {
      const filename = str(args.filename);
      const length = Number(args.length);
      if (filename === undefined || !Number.isFinite(length)) return fail('invalid_arguments');
      const fileId = slackId('F');
      pendingFiles.set(fileId, { filename, length });
      return { ok: true, upload_url: `http://127.0.0.1:${port}/upload/${fileId}`, file_id: fileId };
    },
    'files.completeUploadExternal': (args) => {
      if (!Array.isArray(args.files) || args.files.length === 0) return fail('invalid_arguments');
      const files = args.files.filter(isRecord).map((file) => {
        const id = String(file.id);
        const title = str(file.title);
        const upload = uploads.find((u) => u.fileId === id);
        if (upload !== undefined) {
          upload.completed = true;
          upload.title = title ?? upload.filename;
          upload.channelId = str(args.channel_id);
          upload.threadTs = str(args.thread_ts);
          upload.initialComment = str(args.initial_comment);
        }
        const name = pendingFiles.get(id)?.filename ?? title ?? 'Untitled';
        return {
          id,
          created: Math.floor(Date.now() / 1000),
          name,
          title: title ?? name,
          user: SLACK_IDS.botUserId,
          size: upload?.bytes.length ?? 0,
          url_private: `http://127.0.0.1:${port}/files/${id}/${encodeURIComponent(name)}`,
          permalink: `https://${SLACK_IDS.teamDomain}.slack.com/files/${SLACK_IDS.botUserId}/${id}`,
        };
      });
      notify();
      return { ok: true, files };
    },
  };

  /** Calls to hold unanswered until released (holdNext). */
  const holds: { method: string; arrived: () => void; released: Promise<void> }[] = [];

  async function handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    url: URL,
  ): Promise<void> {
    const raw = await readBody(req);
    const contentType = mimeOf(req.headers['content-type']);
    let parsed: SlackArgs;
    try {
      parsed = await parseArgs(req.headers['content-type'], raw, url.searchParams);
    } catch (error) {
      const code = contentType === 'application/json' ? 'invalid_json' : 'invalid_form_data';
      sendJson(res, 200, fail(code, { detail: String(error) }));
      return;
    }
    const { token: bodyToken, ...args } = parsed;
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ?? str(bodyToken);
    const base = { method, args, token, at: new Date(), contentType };

    const held = holds.findIndex((h) => h.method === method);
    if (held >= 0) {
      const [h] = holds.splice(held, 1);
      h?.arrived();
      await h?.released;
    }
    const failure = takeFailure(method);
    if (failure !== undefined && 'drop' in failure && failure.drop === 'before') {
      record({ ...base, failed: true, error: 'connection_dropped' });
      req.socket.destroy();
      return;
    }
    if (failure !== undefined && 'status' in failure) {
      const ratelimited = failure.status === 429;
      const body = fail(ratelimited ? 'ratelimited' : `http_${failure.status}`);
      record({
        ...base,
        failed: true,
        error: ratelimited ? 'ratelimited' : `http_${failure.status}`,
        response: body,
      });
      const headers: Record<string, string> =
        failure.retryAfter === undefined ? {} : { 'Retry-After': String(failure.retryAfter) };
      sendJson(res, failure.status, body, headers);
      return;
    }
    if (failure !== undefined && 'answer' in failure) {
      record({ ...base, failed: true, error: 'answer_replaced', response: failure.answer as Answer });
      sendJson(res, 200, failure.answer);
      return;
    }
    if (failure !== undefined && 'error' in failure) {
      const body = fail(failure.error, failure.extra);
      record({ ...base, failed: true, error: failure.error, response: body });
      sendJson(res, 200, body);
      return;
    }

    const authFailure = authError(method, token);
    const handler = methods[method];
    const body: Answer =
      authFailure !== undefined ? fail(authFailure) : handler === undefined ? { ok: true } : handler(args);
    const failed = body.ok === false;
    const call: RecordedCall = {
      ...base,
      failed,
      response: body,
      ...(failed ? { error: String(body.error) } : {}),
    };
    if (failure !== undefined && 'drop' in failure) {
      record({ ...call, responseLost: true });
      req.socket.destroy();
      return;
    }
    record(call);
    sendJson(res, 200, body);
  }

  // ---- Uploads and response_url ------------------------------------------------------------------------------

  async function handleUpload(req: IncomingMessage, res: ServerResponse, fileId: string): Promise<void> {
    const raw = await readBody(req);
    const failure = takeFailure('upload');
    if (failure !== undefined) {
      if ('drop' in failure) req.socket.destroy();
      else if ('status' in failure) sendJson(res, failure.status, fail('upload_failed'));
      else if ('answer' in failure) sendJson(res, 200, failure.answer);
      else sendJson(res, 400, fail(failure.error));
      return;
    }
    const pending = pendingFiles.get(fileId);
    if (pending === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`unknown file id ${fileId}: call files.getUploadURLExternal first`);
      return;
    }
    const contentType = req.headers['content-type'];
    let bytes = raw;
    if (mimeOf(contentType) === 'multipart/form-data' && contentType !== undefined) {
      const parts = await parseMultipart(contentType, raw);
      const file = parts.map(([, value]) => value).find((value) => typeof value !== 'string');
      const field = parts.find(([key]) => key === 'file' || key === 'body')?.[1];
      if (file !== undefined && typeof file !== 'string') bytes = file.bytes;
      else if (typeof field === 'string') bytes = Buffer.from(field, 'utf8');
    }
    uploads.push({
      fileId,
      ...(pending.filename === undefined ? {} : { filename: pending.filename }),
      content: bytes.toString('utf8'),
      bytes,
      completed: false,
      at: new Date(),
    });
    notify();
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`OK - ${bytes.length}`);
  }

  async function handleResponseUrl(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const raw = await readBody(req).then((buffer) => buffer.toString('utf8'));
    const contentType = mimeOf(req.headers['content-type']);
    let body: unknown = raw;
    if (contentType === 'application/x-www-form-urlencoded') {
      body = Object.fromEntries(new URLSearchParams(raw));
    } else {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    if (validate && isRecord(body)) {
      const problems = messagePayloadProblems(body);
      if (problems.length) {
        violation('response_url', problemMessages(problems));
        responses.push({ path, body, contentType, at: new Date(), failed: true });
        notify();
        sendJson(res, 400, fail('invalid_blocks'));
        return;
      }
    }
    const failure = takeFailure('response_url');
    responses.push({ path, body, contentType, at: new Date(), failed: failure !== undefined });
    notify();
    if (failure === undefined) sendJson(res, 200, { ok: true });
    else if ('drop' in failure) req.socket.destroy();
    else if ('status' in failure) sendJson(res, failure.status, fail('http_error'));
    else if ('answer' in failure) sendJson(res, 200, failure.answer);
    else sendJson(res, 404, fail(failure.error));
  }

  // ---- Server ------------------------------------------------------------------------------------------------

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = async (): Promise<void> => {
      const api = /^\/api\/([A-Za-z0-9_.]+)$/.exec(url.pathname);
      if (api?.[1] !== undefined) return handleApi(req, res, api[1], url);
      const upload = /^\/upload\/([A-Za-z0-9]+)$/.exec(url.pathname);
      if (upload?.[1] !== undefined && req.method === 'POST') return handleUpload(req, res, upload[1]);
      if (url.pathname.startsWith('/response/') && req.method === 'POST') {
        return handleResponseUrl(req, res, url.pathname);
      }
      sendJson(res, 404, { ok: false, error: 'unknown_path', path: url.pathname });
    };
    route().catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'stand_in_error', detail: String(error) });
      else res.destroy();
    });
  });

  // ---- Socket Mode -------------------------------------------------------------------------------------------

  const wss = new WebSocketServer({ noServer: true });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/socket' || closed) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('error', () => ws.terminate());
      ws.on('close', () => {
        sockets.delete(ws);
        notify();
      });
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        let message: unknown;
        try {
          message = JSON.parse(rawDataToString(data));
        } catch {
          return;
        }
        if (!isRecord(message) || typeof message.envelope_id !== 'string') return;
        const pending = pendingAcks.get(message.envelope_id);
        const ack: SocketAck = {
          envelope_id: message.envelope_id,
          ...(isRecord(message.payload) ? { payload: message.payload } : {}),
          ...(pending === undefined ? {} : { type: pending.type }),
          elapsedMs: pending === undefined ? 0 : Date.now() - pending.sentAt,
          at: new Date(),
        };
        acks.push(ack);
        const sent = envelopes.find((e) => e.envelope_id === message.envelope_id);
        if (sent !== undefined) checkAck(sent.payload, isRecord(message.payload) ? message.payload : {});
        if (pending !== undefined) {
          clearTimeout(pending.timer);
          pendingAcks.delete(message.envelope_id);
          pending.resolve(ack);
        }
        notify();
      });
      ws.send(
        JSON.stringify({
          type: 'hello',
          num_connections: sockets.size,
          debug_info: { host: 'stand-in', approximate_connection_time: 18060 },
          connection_info: { app_id: SLACK_IDS.appId },
        }),
        () => notify(),
      );
    });
  });

  const openSocket = (connection?: number): WebSocket | undefined => {
    const open = [...sockets].filter((ws) => ws.readyState === ws.OPEN);
    return connection === undefined ? open.at(-1) : open[connection];
  };

  const socket: SocketStandIn = {
    envelopes,
    acks,
    connectionCount: () => [...sockets].filter((ws) => ws.readyState === ws.OPEN).length,
    connected: (timeoutMs = DEFAULT_TIMEOUT_MS) =>
      handOut(
        waitUntil(
          () => openSocket(),
          timeoutMs,
          () => `No Socket Mode client connected within ${timeoutMs} ms.`,
        ).then(() => undefined),
      ),
    disconnect: (reason = 'refresh_requested') => {
      const message = JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'stand-in' } });
      for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(message);
    },
    send: (type, payload, sendOptions = {}) => handOut(sendEnvelope(type, payload, sendOptions)),
  };

  async function sendEnvelope(
    type: SocketEnvelopeType,
    payload: unknown,
    sendOptions: SocketSendOptions,
  ): Promise<SocketAck> {
    const timeoutMs = sendOptions.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const ws = await waitUntil(
      () => openSocket(sendOptions.connection),
      timeoutMs,
      () =>
        `handle.socket.send('${type}'): no Socket Mode client connected within ${timeoutMs} ms ` +
        '(did the app start with an xapp- token and clientOptions.slackApiUrl = handle.apiUrl?).',
    );
    const envelope: SocketEnvelope = {
      envelope_id: randomUUID(),
      type,
      payload,
      accepts_response_payload: sendOptions.acceptsResponsePayload ?? type !== 'events_api',
      ...(type === 'events_api'
        ? { retry_attempt: sendOptions.retryAttempt ?? 0, retry_reason: sendOptions.retryReason ?? '' }
        : {}),
    };
    envelopes.push(envelope);
    const promise = new Promise<SocketAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        pendingAcks.delete(envelope.envelope_id);
        reject(
          new Error(
            `Socket Mode envelope ${envelope.envelope_id} (${type}) was not acknowledged within ${timeoutMs} ms. ` +
              `Payload: ${brief(payload)}. Acks received so far: ${acks.length}.`,
          ),
        );
      }, timeoutMs);
      pendingAcks.set(envelope.envelope_id, { type, sentAt: Date.now(), resolve, reject, timer });
      ws.send(JSON.stringify(envelope), (error) => {
        if (error === undefined || error === null) return;
        clearTimeout(timer);
        pendingAcks.delete(envelope.envelope_id);
        reject(error);
      });
    });
    return promise;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('The stand-in is not listening on TCP.');
  port = address.port;
  const baseUrl = `http://127.0.0.1:${port}`;

  const filterCalls = (method: string | undefined, includeFailed: boolean): RecordedCall[] =>
    recorded.filter((c) => (method === undefined || c.method === method) && (includeFailed || !c.failed));

  const handle: SlackStandIn = {
    url: baseUrl,
    apiUrl: `${baseUrl}/api/`,
    port,
    responses,
    uploads,
    socket,
    calls: (method) => filterCalls(method, false),
    allCalls: (method) => filterCalls(method, true),
    waitFor: (method, predicate = () => true, timeoutMs = DEFAULT_TIMEOUT_MS) =>
      handOut(
        waitUntil(
          () => filterCalls(method, false).find(predicate),
          timeoutMs,
          () =>
            `waitFor('${method}'): no matching delivered call within ${timeoutMs} ms.\n${describeCalls(recorded)}`,
        ),
      ),
    waitForResponse: (predicate = () => true, timeoutMs = DEFAULT_TIMEOUT_MS) =>
      handOut(
        waitUntil(
          () => responses.find((r) => !r.failed && predicate(r)),
          timeoutMs,
          () =>
            `waitForResponse: no matching response_url post within ${timeoutMs} ms. ` +
            `Recorded (${responses.length}): ${brief(
              responses.map((r) => r.body),
              600,
            )}`,
        ),
      ),
    waitForUpload: (predicate = () => true, timeoutMs = DEFAULT_TIMEOUT_MS) =>
      handOut(
        waitUntil(
          () => uploads.find(predicate),
          timeoutMs,
          () =>
            `waitForUpload: no matching upload within ${timeoutMs} ms. ` +
            `Recorded (${uploads.length}): ${brief(
              uploads.map((u) => ({ fileId: u.fileId, filename: u.filename, completed: u.completed })),
              600,
            )}\n${describeCalls(recorded)}`,
        ),
      ),
    messages: (channel) =>
      [...messages.values()].filter((m) => channel === undefined || m.channel === channel),
    responseUrl: (id = randomUUID()) => `${baseUrl}/response/${encodeURIComponent(id)}`,
    failNext: (method, failure, times = 1) => {
      rules.push({ method, failure, remaining: times });
    },
    failWhile: (method, failure) => {
      rules.push({ method, failure, remaining: Number.POSITIVE_INFINITY });
    },
    holdNext: (method) => {
      let arrived = () => {};
      let release = () => {};
      const reached = new Promise<void>((r) => {
        arrived = r;
      });
      const released = new Promise<void>((r) => {
        release = r;
      });
      holds.push({ method, arrived, released });
      return { reached, release };
    },
    recover: (method) => {
      rules = method === undefined ? [] : rules.filter((r) => r.method !== method);
    },
    removeBot: (channel, error = 'not_in_channel') => {
      absent.set(channel, error);
    },
    inviteBot: (channel) => {
      absent.delete(channel);
    },
    reset: () => {
      recorded.length = 0;
      responses.length = 0;
      uploads.length = 0;
      envelopes.length = 0;
      acks.length = 0;
      messages.clear();
      views.clear();
      pendingFiles.clear();
      rules = [];
      absent.clear();
    },
    takeViolations: () => violations.splice(0),
    checkAck,
    close: async () => {
      if (closed) return;
      closed = true;
      liveStandIns.delete(handle);
      const error = new Error('The Slack stand-in was closed while this was pending.');
      for (const waiter of [...waiters]) waiter.abort(error);
      for (const promise of handedOut) promise.catch(() => undefined);
      for (const pending of pendingAcks.values()) {
        clearTimeout(pending.timer);
        pending.reject(error);
      }
      pendingAcks.clear();
      // Close handshake first (a client that is shutting down then sees a clean close, not an error); terminate
      // whatever has not completed it shortly after.
      await Promise.all(
        [...sockets].map(
          (ws) =>
            new Promise<void>((resolve) => {
              if (ws.readyState === ws.CLOSED) {
                resolve();
                return;
              }
              const timer = setTimeout(() => {
                ws.terminate();
                resolve();
              }, 500);
              ws.once('close', () => {
                clearTimeout(timer);
                resolve();
              });
              if (ws.readyState === ws.OPEN) ws.close(1001, 'stand-in closing');
            }),
        ),
      );
      sockets.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // Refused after the last test looked (in an afterAll, say): fail the hook that closes it.
      failOnViolations(violations.splice(0));
    },
  };
  liveStandIns.add(handle);
  return handle;
}
