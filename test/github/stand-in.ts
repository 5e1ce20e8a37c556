/**
 * A GitHub stand-in for the deployment protection rule, as GitHub documents it: it delivers `deployment_protection_rule`
 * webhooks signed as GitHub signs them (HMAC-SHA256 of the raw body with the App's webhook secret, in
 * `X-Hub-Signature-256: sha256=<hex>`, with `X-GitHub-Event` and `X-GitHub-Delivery`), issues installation tokens at
 * `POST /app/installations/{id}/access_tokens` to a JWT signed (RS256) with the App's private key, and records every
 * review sent to a deployment callback (`POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule`).
 * A gate answered once is no longer pending: a second review is 422, as GitHub answers one it no longer waits on.
 * Listens on 127.0.0.1 on a free port.
 */
import { createHmac, createVerify, generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface Review {
  repo: string;
  runId: number;
  environment_name: string;
  state?: string;
  comment?: string;
  /** The installation token the call carried. */
  token: string;
}

export interface ProtectionRule {
  repo: string;
  environment: string;
  sha: string;
  deploymentId: number;
  runId: number;
  installationId?: number;
}

export interface GitHubStandIn {
  apiUrl: string;
  appId: string;
  privateKey: string;
  webhookSecret: string;
  /** Every review call, in order (also those refused). */
  reviews: Review[];
  /** Reviews GitHub accepted (204). */
  accepted(): Review[];
  /** Installation tokens issued, by installation id. */
  tokens: { installationId: number; token: string }[];
  /** The payload GitHub sends for a deployment waiting on the App's rule; the gate is pending from now on. */
  protectionRule(rule: ProtectionRule): Record<string, unknown>;
  /**
   * Delivers a webhook to `url` as GitHub does. `secret` signs with another secret (a forgery); `signature: null`
   * sends none; `event` another event name.
   */
  deliver(
    url: string,
    payload: unknown,
    opts?: { secret?: string; signature?: string | null; event?: string; raw?: string },
  ): Promise<{ status: number; json: Record<string, unknown> }>;
  /** Resolves once `n` reviews were accepted. */
  waitForReviews(n: number, timeoutMs?: number): Promise<Review[]>;
  close(): Promise<void>;
}

/** GitHub's signature of a webhook body. */
export const signBody = (secret: string, body: string) =>
  `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const b64url = (s: string) => Buffer.from(s, 'base64url');

export async function startGitHubStandIn(
  options: { appId?: string; webhookSecret?: string } = {},
): Promise<GitHubStandIn> {
  const appId = options.appId ?? '123456';
  const webhookSecret = options.webhookSecret ?? 'github-webhook-secret-0123456789';
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const reviews: Review[] = [];
  const acceptedReviews: Review[] = [];
  const tokens: { installationId: number; token: string }[] = [];
  /** Gates waiting for the App: `<repo>#<run>#<environment>`. */
  const pending = new Set<string>();
  const waiters: { n: number; resolve: (r: Review[]) => void }[] = [];

  /** Whether the JWT was signed with the App's key and names the App. */
  function appJwt(header: string | undefined): boolean {
    const jwt = /^(?:Bearer|bearer) (.+)$/.exec(header ?? '')?.[1];
    const [h, p, s] = jwt?.split('.') ?? [];
    if (!h || !p || !s) return false;
    const verifier = createVerify('RSA-SHA256');
    verifier.update(`${h}.${p}`);
    if (!verifier.verify(publicKey, b64url(s))) return false;
    const claims = JSON.parse(b64url(p).toString('utf8')) as { iss?: unknown; alg?: string };
    const head = JSON.parse(b64url(h).toString('utf8')) as { alg?: string };
    return head.alg === 'RS256' && String(claims.iss) === appId;
  }

  const server: Server = createServer((req, res) => {
    const send = (status: number, body?: unknown) => {
      const text = body === undefined ? '' : JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(text);
    };
    readBody(req).then(
      (raw) => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        const tokenPath = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(url.pathname);
        if (req.method === 'POST' && tokenPath) {
          if (!appJwt(req.headers.authorization))
            return send(401, { message: 'A JSON web token could not be decoded' });
          const installationId = Number(tokenPath[1]);
          const token = `ghs_${randomUUID().replaceAll('-', '')}`;
          tokens.push({ installationId, token });
          return send(201, {
            token,
            expires_at: new Date(Date.now() + 3600_000).toISOString(),
            permissions: { deployments: 'write', actions: 'read' },
            repository_selection: 'all',
          });
        }
        const review = /^\/repos\/([^/]+\/[^/]+)\/actions\/runs\/(\d+)\/deployment_protection_rule$/.exec(
          url.pathname,
        );
        if (req.method === 'POST' && review) {
          const token = /^token (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
          if (!tokens.some((t) => t.token === token)) return send(401, { message: 'Bad credentials' });
          const body = JSON.parse(raw || '{}') as {
            environment_name?: string;
            state?: string;
            comment?: string;
          };
          const r: Review = {
            repo: review[1] ?? '',
            runId: Number(review[2]),
            environment_name: body.environment_name ?? '',
            ...(body.state ? { state: body.state } : {}),
            ...(body.comment ? { comment: body.comment } : {}),
            token,
          };
          reviews.push(r);
          const key = `${r.repo}#${r.runId}#${r.environment_name}`;
          if (!pending.has(key))
            return send(422, { message: 'No pending deployment requests to approve or reject' });
          if (r.state) {
            pending.delete(key);
            acceptedReviews.push(r);
            for (const w of [...waiters])
              if (acceptedReviews.length >= w.n) {
                waiters.splice(waiters.indexOf(w), 1);
                w.resolve([...acceptedReviews]);
              }
          }
          return send(204);
        }
        return send(404, { message: 'Not Found' });
      },
      () => send(500, { message: 'stand-in failed' }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const apiUrl = `http://127.0.0.1:${port}`;

  return {
    apiUrl,
    appId,
    privateKey,
    webhookSecret,
    reviews,
    accepted: () => [...acceptedReviews],
    tokens,
    protectionRule(rule) {
      pending.add(`${rule.repo}#${rule.runId}#${rule.environment}`);
      const [owner, name] = rule.repo.split('/');
      return {
        action: 'requested',
        environment: rule.environment,
        event: 'push',
        deployment_callback_url: `${apiUrl}/repos/${rule.repo}/actions/runs/${rule.runId}/deployment_protection_rule`,
        deployment: {
          url: `${apiUrl}/repos/${rule.repo}/deployments/${rule.deploymentId}`,
          id: rule.deploymentId,
          node_id: `DE_${rule.deploymentId}`,
          sha: rule.sha,
          ref: 'main',
          task: 'deploy',
          payload: {},
          original_environment: rule.environment,
          environment: rule.environment,
          description: null,
          creator: { login: 'github-actions[bot]', id: 41898282, type: 'Bot' },
          created_at: new Date().toISOString(),
          updated_at: new Date().toISOString(),
          statuses_url: `${apiUrl}/repos/${rule.repo}/deployments/${rule.deploymentId}/statuses`,
          repository_url: `${apiUrl}/repos/${rule.repo}`,
        },
        repository: {
          id: 1296269,
          name,
          full_name: rule.repo,
          owner: { login: owner, id: 1, type: 'Organization' },
          private: true,
        },
        organization: { login: owner, id: 1 },
        installation: {
          id: rule.installationId ?? 4242,
          node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI0Mg==',
        },
        sender: { login: 'octocat', id: 583231, type: 'User' },
      };
    },
    async deliver(url, payload, opts = {}) {
      const raw = opts.raw ?? JSON.stringify(payload);
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': 'GitHub-Hookshot/stand-in',
        'x-github-event': opts.event ?? 'deployment_protection_rule',
        'x-github-delivery': randomUUID(),
        'x-github-hook-installation-target-type': 'integration',
        'x-github-hook-installation-target-id': appId,
      };
      if (opts.signature !== null)
        headers['x-hub-signature-256'] = opts.signature ?? signBody(opts.secret ?? webhookSecret, raw);
      const res = await fetch(url, { method: 'POST', headers, body: raw });
      const text = await res.text();
      return { status: res.status, json: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
    },
    waitForReviews(n, timeoutMs = 10_000) {
      if (acceptedReviews.length >= n) return Promise.resolve([...acceptedReviews]);
      return new Promise((resolve, reject) => {
        const w = { n, resolve };
        waiters.push(w);
        setTimeout(() => {
          const i = waiters.indexOf(w);
          if (i < 0) return;
          waiters.splice(i, 1);
          reject(
            new Error(
              `expected ${n} accepted reviews, got ${acceptedReviews.length}: ${JSON.stringify(reviews)}`,
            ),
          );
        }, timeoutMs).unref();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
