/**
 * The bot as a GitHub App's custom deployment protection rule (issue 21).
 *
 * `POST /github/webhook`: GitHub's `deployment_protection_rule` webhook, its `X-Hub-Signature-256` checked with the
 * App's webhook secret by `@octokit/webhooks` (a forged or unsigned one is 401, nothing written). The deployment is
 * mapped by repository and environment to the program whose `github` field names them, and stored in that program's
 * document (`deployments`) in one write with the channel's alert: approved at once when the go check passes for its
 * commit, rejected when it never will (another commit, an archived program), otherwise it waits.
 *
 * The worker answers what the store says is to be answered, and only that: woken by every committed change of any
 * program (the second GO), by another replica's commit, by a webhook, and at the approved window's start. Exactly once:
 * an answer is decided and claimed in the store (`answering`, with the replica and until when) before GitHub is
 * called, and marked approved/rejected — with the channel's alert — after GitHub said yes. A replica that dies between
 * the two leaves the claim, which runs out; the next pass calls again, and GitHub answers a gate no longer pending with
 * 422, which the bot takes as answered (so GitHub acts on one answer, and the channel is told once).
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import { Webhooks } from '@octokit/webhooks';
import { z } from 'zod';
import { goRefusalWords } from '../core/go-check.js';
import type { Clock } from '../runtime/clock.js';
import { createWorker, type Worker } from '../runtime/worker.js';
import type { CutoverService } from '../service/cutover-service.js';
import type { StoreDocument } from '../service/document.js';
import type { Programs } from '../service/programs.js';
import { type GitHubPort, ReviewError } from './client.js';
import {
  answerFor,
  bounded,
  checkDeployment,
  type Deployment,
  deploymentAlert,
  deploymentKey,
  governs,
  wakeAt,
} from './rule.js';

export const WEBHOOK_PATH = '/github/webhook';
/** Webhook bodies above this are refused (GitHub caps payloads at 25 MB; a deployment rule's is a few KB). */
const BODY_LIMIT = 1024 * 1024;
/** How long a replica's claim on an answer lasts before another may answer in its place. */
export const CLAIM_MS = 60_000;
const BACKOFF = { baseMs: 5_000, maxMs: 10 * 60_000 };

interface Logger {
  info(...msg: unknown[]): void;
  warn(...msg: unknown[]): void;
  error(...msg: unknown[]): void;
}

export interface GitHubRuleDeps {
  programs: Programs;
  github: GitHubPort;
  webhookSecret: string;
  clock: Clock;
  logger: Logger;
  /** Wakes a program's alert delivery (a bookkeeping write does not): the outbox has a new item. */
  wakeAlerts?: (programId: string) => void;
  /** This replica's name in claims (default host:pid). */
  replica?: string;
}

export interface GitHubRule {
  owns(pathname: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse): void;
  worker: Worker;
  start(): void;
  stop(): Promise<void>;
}

/** The fields of GitHub's `deployment_protection_rule` payload the bot reads (GitHub's webhook docs). */
const Payload = z.object({
  action: z.string(),
  environment: z.string().min(1),
  event: z.string().optional(),
  deployment_callback_url: z.url(),
  deployment: z.object({ id: z.number().int(), sha: z.string().regex(/^[0-9a-fA-F]{40}$/) }),
  repository: z.object({ full_name: z.string().min(3) }),
  installation: z.object({ id: z.number().int() }),
});

function readRaw(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= BODY_LIMIT) chunks.push(c);
    });
    req.on('end', () => resolve(size > BODY_LIMIT ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body: Record<string, unknown>) {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

const backoff = (attempts: number) =>
  Math.min(BACKOFF.maxMs, BACKOFF.baseMs * 2 ** Math.max(0, attempts - 1));

export function createGitHubRule(deps: GitHubRuleDeps): GitHubRule {
  const { programs, github, clock, logger } = deps;
  const webhooks = new Webhooks({ secret: deps.webhookSecret });
  const replica = deps.replica ?? `${hostname()}:${process.pid}`;

  /** The program governing a deployment: an active one first (an archived one still answers, with a rejection). */
  function programFor(repo: string, environment: string): CutoverService | undefined {
    const all = programs.all().filter((s) => governs(s.cutover(), repo, environment));
    return all.find((s) => !s.cutover().archived) ?? all[0];
  }

  async function receive(req: IncomingMessage): Promise<[number, Record<string, unknown>]> {
    if ((req.method ?? '').toUpperCase() !== 'POST') return [405, { ok: false, error: 'method_not_allowed' }];
    const raw = await readRaw(req);
    if (raw === undefined) return [413, { ok: false, error: 'too_large' }];
    const signature = req.headers['x-hub-signature-256'];
    let valid = false;
    if (typeof signature === 'string' && signature.startsWith('sha256='))
      try {
        valid = await webhooks.verify(raw, signature);
      } catch {
        valid = false;
      }
    if (!valid)
      return [
        401,
        {
          ok: false,
          error: 'bad_signature',
          message: 'X-Hub-Signature-256 is missing or does not match the secret.',
        },
      ];
    const event = req.headers['x-github-event'];
    if (event === 'ping') return [200, { ok: true, pong: true }];
    if (event !== 'deployment_protection_rule') return [202, { ok: true, ignored: `event ${String(event)}` }];
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return [400, { ok: false, error: 'invalid', field: 'body', message: 'not valid JSON' }];
    }
    const parsed = Payload.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return [
        400,
        { ok: false, error: 'invalid', field: issue?.path.join('.') ?? 'body', message: issue?.message },
      ];
    }
    const p = parsed.data;
    if (p.action !== 'requested') return [202, { ok: true, ignored: `action ${p.action}` }];
    const repo = p.repository.full_name;
    if (!github.trusts(p.deployment_callback_url))
      return [
        400,
        {
          ok: false,
          error: 'invalid',
          field: 'deployment_callback_url',
          message: 'the callback is not on the GitHub API host the bot is configured for (GITHUB_API_URL)',
        },
      ];
    const service = programFor(repo, p.environment);
    if (!service) {
      logger.warn(
        `github: no program governs ${repo} environment ${p.environment}; the deployment is left as it is`,
      );
      return [202, { ok: true, ignored: 'no program governs this repository and environment' }];
    }
    const now = clock.now();
    const sha = p.deployment.sha.toLowerCase();
    const key = deploymentKey(repo, p.deployment.id, p.environment);
    const outcome = await service.update<{ state: Deployment['state']; known: boolean }>((doc) => {
      const known = doc.deployments.find((d) => d.key === key);
      if (known) return { result: { state: known.state, known: true } };
      const check = checkDeployment(doc.cutover, sha, now);
      const answer = answerFor(doc.cutover, check);
      const d: Deployment = {
        key,
        repo,
        environment: p.environment,
        sha,
        deploymentId: p.deployment.id,
        callbackUrl: p.deployment_callback_url,
        installationId: p.installation.id,
        receivedAt: now.toISOString(),
        state: answer ? 'answering' : 'waiting',
        ...(answer ? { answer } : {}),
        attempts: 0,
      };
      const told =
        check.ok || answer ? [] : deploymentAlert(doc, d, 'waits', goRefusalWords(check.reason), now);
      return {
        next: { ...doc, deployments: bounded([...doc.deployments, d]), outbox: [...doc.outbox, ...told] },
        result: { state: d.state, known: false },
      };
    });
    if (!outcome.known) deps.wakeAlerts?.(service.cutover().id);
    worker.wake();
    return [
      202,
      { ok: true, program: service.cutover().id, key, state: outcome.state, known: outcome.known },
    ];
  }

  /** Claims, in one write, the answers this replica gives now: newly decided ones and lapsed claims. */
  async function claim(service: CutoverService): Promise<{ claimed: Deployment[]; next?: number }> {
    return service.update((doc) => {
      const now = clock.now();
      const t = now.getTime();
      const until = new Date(t + CLAIM_MS).toISOString();
      let next: number | undefined;
      const soonest = (at: number) => {
        next = Math.min(next ?? Number.POSITIVE_INFINITY, Math.max(0, at - t));
      };
      const claimed: Deployment[] = [];
      const deployments = doc.deployments.map((d): Deployment => {
        if (d.state === 'waiting') {
          const check = checkDeployment(doc.cutover, d.sha, now);
          const answer = answerFor(doc.cutover, check);
          if (!answer) {
            const at = wakeAt(check);
            if (at !== undefined) soonest(at);
            return d;
          }
          const c: Deployment = { ...d, state: 'answering', answer, claim: { by: replica, until } };
          claimed.push(c);
          return c;
        }
        if (d.state === 'answering') {
          const lapse = d.claim ? Date.parse(d.claim.until) : 0;
          if (lapse > t) {
            soonest(lapse);
            return d;
          }
          const c: Deployment = { ...d, claim: { by: replica, until } };
          claimed.push(c);
          return c;
        }
        return d;
      });
      return claimed.length
        ? { next: { ...doc, deployments }, result: { claimed, ...(next === undefined ? {} : { next }) } }
        : { result: { claimed, ...(next === undefined ? {} : { next }) } };
    });
  }

  /** Records GitHub's yes (or that it no longer waits) with the channel's alert, once. */
  async function answered(service: CutoverService, d: Deployment, note?: string) {
    const now = clock.now();
    const told = await service.update((doc: StoreDocument) => {
      const cur = doc.deployments.find((x) => x.key === d.key);
      if (cur?.state !== 'answering' || !cur.answer) return { result: false };
      const state = cur.answer.state;
      const done: Deployment = {
        ...cur,
        state,
        answeredAt: now.toISOString(),
        ...(note ? { lastError: note } : {}),
      };
      delete done.claim;
      return {
        next: {
          ...doc,
          deployments: bounded(doc.deployments.map((x) => (x.key === d.key ? done : x))),
          outbox: [
            ...doc.outbox,
            ...deploymentAlert(doc, done, state, cur.answer.why ?? cur.answer.comment, now),
          ],
        },
        result: true,
      };
    });
    if (told) deps.wakeAlerts?.(service.cutover().id);
  }

  async function failed(service: CutoverService, d: Deployment, message: string): Promise<number> {
    const now = clock.now().getTime();
    const attempts = d.attempts + 1;
    const wait = backoff(attempts);
    await service.update((doc: StoreDocument) => ({
      next: {
        ...doc,
        deployments: doc.deployments.map((x) =>
          x.key === d.key && x.state === 'answering'
            ? {
                ...x,
                attempts,
                lastError: message,
                claim: { by: replica, until: new Date(now + wait).toISOString() },
              }
            : x,
        ),
      },
      result: undefined,
    }));
    return wait;
  }

  async function pass(): Promise<number | undefined> {
    let next: number | undefined;
    const soonest = (ms: number | undefined) => {
      if (ms !== undefined) next = Math.min(next ?? Number.POSITIVE_INFINITY, ms);
    };
    for (const service of programs.all()) {
      if (!service.document().deployments.some((d) => d.state === 'waiting' || d.state === 'answering'))
        continue;
      const { claimed, next: later } = await claim(service);
      soonest(later);
      for (const d of claimed) {
        const answer = d.answer;
        if (!answer) continue;
        try {
          await github.review({
            callbackUrl: d.callbackUrl,
            installationId: d.installationId,
            environment: d.environment,
            state: answer.state,
            comment: answer.comment,
          });
          logger.info(`github: ${answer.state} ${d.repo} ${d.environment} @ ${d.sha.slice(0, 12)}`);
          await answered(service, d);
        } catch (e) {
          if (e instanceof ReviewError && e.kind === 'gone') {
            logger.warn(
              `github: ${d.repo} ${d.environment} no longer waits (${e.message}); taken as answered`,
            );
            await answered(service, d, e.message);
          } else {
            const message = e instanceof Error ? e.message : String(e);
            logger.warn(
              `github: answering ${d.repo} ${d.environment} failed (${message}); it is tried again`,
            );
            soonest(await failed(service, d, message));
          }
        }
      }
    }
    return next;
  }

  const worker = createWorker({
    clock,
    pass,
    onError: (e) => logger.error('github: the deployment worker failed', e),
    wakeOn: (wake) => {
      const offCommitted = programs.onCommitted(() => wake());
      const offRemote = programs.onRemoteChange(() => wake());
      return () => {
        offCommitted();
        offRemote();
      };
    },
  });

  return {
    owns: (pathname) => pathname === WEBHOOK_PATH,
    handle(req, res) {
      receive(req).then(
        ([status, body]) => reply(res, status, body),
        (e: unknown) => {
          logger.error('github: the webhook failed', e);
          reply(res, 500, { ok: false, error: 'internal', message: 'The bot failed on this webhook.' });
        },
      );
    },
    worker,
    start: () => worker.start(),
    stop: () => worker.stop(),
  };
}
