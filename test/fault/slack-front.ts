/**
 * A front to the Slack stand-in for one bot process: every Web API call goes through to the stand-in and back, so
 * a test knows which process made it and can act at that moment (`afterCall`: kill -9 the process right after
 * Slack took its post, before the answer reaches it). It also answers `conversations.history` from the stand-in's
 * channel, as Slack does (newest first, `oldest` exclusive, metadata with `include_all_metadata`), which the
 * stand-in does not serve: a replica taking over the alerts looks there for what the last holder posted.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { SlackStandIn } from '../slack/stand-in.js';

export interface SlackFront {
  /** For the process's `SLACK_API_URL`. */
  readonly apiUrl: string;
  close(): Promise<void>;
}

/** What the front does with the stand-in's answer: send it back, or drop the connection without it. */
export type AfterCall = (method: string, args: URLSearchParams) => Promise<'answer' | 'drop'>;

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The stand-in's messages in `channel` newer than `oldest`, as conversations.history answers them. */
function history(slack: SlackStandIn, args: URLSearchParams): object {
  const channel = args.get('channel') ?? '';
  const oldest = Number(args.get('oldest') ?? '0');
  const withMetadata = args.get('include_all_metadata') === 'true';
  const limit = Number(args.get('limit') ?? '100');
  const messages = slack
    .messages(channel)
    .filter((m) => Number(m.ts) > oldest)
    .reverse()
    .slice(0, limit)
    .map((m) => ({
      type: 'message',
      user: 'UBOT',
      ts: m.ts,
      text: m.text,
      ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
    }));
  return { ok: true, messages, has_more: false };
}

export async function startSlackFront(slack: SlackStandIn, afterCall?: AfterCall): Promise<SlackFront> {
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await bodyOf(req);
      const method = /^\/api\/([\w.]+)/.exec(req.url ?? '')?.[1] ?? '';
      const args = new URLSearchParams(body.toString('utf8'));
      if (method === 'conversations.history') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(history(slack, args)));
        return;
      }
      const headers = Object.fromEntries(
        Object.entries(req.headers).flatMap(([k, v]) =>
          typeof v === 'string' && !['host', 'content-length', 'connection'].includes(k) ? [[k, v]] : [],
        ),
      );
      const answer = await fetch(`${slack.url}${req.url ?? '/'}`, {
        method: req.method ?? 'POST',
        headers,
        ...(body.length ? { body } : {}),
      });
      const text = await answer.text();
      if ((await afterCall?.(method, args)) === 'drop') {
        req.socket.destroy();
        return;
      }
      const type = answer.headers.get('content-type');
      const retryAfter = answer.headers.get('retry-after');
      res
        .writeHead(answer.status, {
          ...(type ? { 'content-type': type } : {}),
          ...(retryAfter ? { 'retry-after': retryAfter } : {}),
        })
        .end(text);
    })().catch(() => req.socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
