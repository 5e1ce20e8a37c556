/**
 * Signing of requests exactly as Slack signs them, and a helper that posts a signed request to a Bolt app in
 * HTTP mode (HTTPReceiver / ExpressReceiver, `POST /slack/events`).
 */
import { createHmac } from 'node:crypto';
import { formEncode } from './payloads.js';

export interface SlackSignatureHeaders {
  'X-Slack-Signature': string;
  'X-Slack-Request-Timestamp': string;
}

/** `X-Slack-Signature: v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}` keyed with the signing secret. */
export function signSlackRequest(
  secret: string,
  rawBody: string,
  timestampSeconds: number = Math.floor(Date.now() / 1000),
): SlackSignatureHeaders {
  const digest = createHmac('sha256', secret).update(`v0:${timestampSeconds}:${rawBody}`).digest('hex');
  return { 'X-Slack-Signature': `v0=${digest}`, 'X-Slack-Request-Timestamp': String(timestampSeconds) };
}

export interface PostToBoltOptions {
  /** `form`: application/x-www-form-urlencoded (slash commands, interactivity); `json`: Events API. */
  kind: 'form' | 'json';
  /** Request timestamp in seconds; defaults to now. A value over 5 minutes old makes Bolt reject the request. */
  timestamp?: number;
  /** Sign with a wrong secret, so the signature does not match. */
  badSignature?: boolean;
  /** Events API redelivery headers (`X-Slack-Retry-Num`, `X-Slack-Retry-Reason`). */
  retryNum?: number;
  retryReason?: string;
  headers?: Record<string, string>;
}

export interface BoltResponse {
  status: number;
  headers: Headers;
  /** Raw response body ('' when Bolt acked without a body). */
  text: string;
  /** The body parsed as JSON; throws with the raw text when it is not JSON. */
  json(): unknown;
}

/**
 * Posts a signed request to a Bolt HTTP endpoint. `body` is sent as-is when it is a string (e.g. from
 * `slashCommandForm` or `interactiveForm`); an object is form-encoded (kind `form`) or JSON-stringified (`json`).
 */
export async function postToBolt(
  url: string,
  secret: string,
  body: string | object,
  options: PostToBoltOptions,
): Promise<BoltResponse> {
  const rawBody = typeof body === 'string' ? body : encodeBody(body, options.kind);
  const signed = signSlackRequest(
    options.badSignature ? `${secret}-wrong` : secret,
    rawBody,
    options.timestamp,
  );
  const headers: Record<string, string> = {
    'Content-Type': options.kind === 'form' ? 'application/x-www-form-urlencoded' : 'application/json',
    'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    ...signed,
  };
  if (options.retryNum !== undefined) headers['X-Slack-Retry-Num'] = String(options.retryNum);
  if (options.retryReason !== undefined) headers['X-Slack-Retry-Reason'] = options.retryReason;
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...headers, ...options.headers },
    body: rawBody,
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json(): unknown {
      try {
        return JSON.parse(text);
      } catch {
        throw new Error(
          `Bolt answered ${response.status} with a body that is not JSON: ${JSON.stringify(text)}`,
        );
      }
    },
  };
}

function encodeBody(body: object, kind: 'form' | 'json'): string {
  if (kind === 'json') return JSON.stringify(body);
  const fields: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined || value === null) continue;
    fields[key] = typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return formEncode(fields);
}
