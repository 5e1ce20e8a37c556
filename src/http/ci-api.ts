/**
 * The CI door: a pipeline reports a gate result or logs evidence over HTTP, as the CI actor, through the same
 * service (rules, history "CI: <name>", alerts) as a change made in Slack.
 *
 *   POST /api/programs/<program-id>/gates/<gate-id>         {"status": "green"|"red"|"pending", "sha", "evidence_url"?, "run_url"?, "ci_name"?}
 *   POST /api/programs/<program-id>/evidence/<evidence-id>  {"url", "sha"?, "ci_name"?}
 *   POST /api/gates/<gate-id>, POST /api/evidence/<evidence-id>: the same, for a bot holding exactly one active
 *        program (the paths before programs were many); with several, 409 `ambiguous_program` naming their ids
 *   GET  /api/programs/<program-id>/readiness: the deploy gate's read (decisions, phases, blockers, gates)
 *   GET  /healthz                     {"ok": true, "store": "writable"} or 503
 *   GET  /api/programs/<program-id>/readiness   the readiness report as JSON (ci-reads.ts)
 *   GET  /api/programs/<program-id>/go?decision=<id>&sha=<40-hex>   the go check: 200 only when it passes, 423
 *        while the deployment may yet be released, 409 when it never will as things stand (ci-reads.ts)
 *   GET  /api/programs/<program-id>/record      the decision record as Markdown with an ETag (ci-records.ts)
 *   POST /api/programs/<program-id>/records     {"side", "repo", "commit", "content_hash"}: this commit holds it
 *
 * A gate result names the commit it verified (`sha`, full 40-hex, required). A result for another commit than the
 * current target's is stored against that commit and answered 200 with `counts: false` and `current_target`: it
 * never turns the current target's gate green (a pipeline that ran on another commit does not fail for reporting).
 * Whether it counts is the core's answer (core/gate-results.ts): a `"perTarget": false` gate counts its latest result.
 * Evidence with a `sha` that is not the current target's is 409 `stale_target`.
 *
 * An `Idempotency-Key` header applies a request once (key `ci:<key>`, with a hash of method, path and raw body):
 * the same key and request again answers 200 as the first time (`replayed: true`, `changed: false`) and writes
 * nothing; the same key with another request is 422 `idempotency_conflict`.
 *
 * `Authorization: Bearer <token>`: CUTOVER_API_TOKEN (the operator's, every program; compared in constant time), or a
 * program's CI token (service/tokens.ts), found by its SHA-256 and held to its scope by the core (core/tokens.ts):
 * unknown or revoked, 401; beyond its program or side, 403 `forbidden_scope` naming the scope, decided before
 * anything of another program is read, and again inside the change's transaction. History names the token. Answers: 200 with the new state
 * (`changed: false` when the report restates what is stored), 400 naming the bad field, 401, 404, 405, 409
 * when a rule refuses or the target moved (`stale_target`), 413 over the body cap, 422 for a reused
 * Idempotency-Key, 503 when the API is off (no token configured) or the store failed. A refusal writes nothing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Outcome } from '../core/commands.js';
import type { DomainError } from '../core/errors.js';
import { forbidden } from '../core/errors.js';
import { gateResultCounts } from '../core/gate-results.js';
import { currentEvidence, gateState, nextPhase, readiness } from '../core/readiness.js';
import {
  type CiToken,
  CommitSha,
  type Cutover,
  GateStatus,
  HttpUrl,
  OPERATOR_TOKEN,
} from '../core/schema.js';
import { otherProgram, type TokenRefusal, type TokenUse, tokenAllows } from '../core/tokens.js';
import { type Unmet, unmetWords } from '../core/unmet.js';
import { serveRecord } from '../record/ledger.js';
import type { CutoverService, RunOptions } from '../service/cutover-service.js';
import type { Programs } from '../service/programs.js';
import { findToken, tokenIn, touchToken, usedAt } from '../service/tokens.js';
import { StoreError } from '../store/store.js';
import { goAnswer, goQuery, readinessJson } from './ci-reads.js';
import { RecordBody, recordAnswer, recordReportInput, recordsJson } from './ci-records.js';

/** Request bodies above this many bytes are refused with 413. */
const BODY_LIMIT = 16 * 1024;
/** Beyond this the connection is closed instead of read to the end. */
const DRAIN_LIMIT = 1024 * 1024;

interface CiApiOptions {
  programs: Programs;
  /** CUTOVER_API_TOKEN; without it every /api route answers 503 "the API is off". */
  token: string | undefined;
  /** Whether the store can save a change now, for /healthz (the store's `health()`). */
  health: () => Promise<{ ok: boolean; message?: string }>;
  now: () => Date;
  logger?: { error: (...msg: unknown[]) => void };
  bodyLimit?: number;
}

export interface CiApi {
  /** Whether a path belongs to the API (and /healthz). */
  owns(pathname: string): boolean;
  /** Answers a request on one of the API's paths. Never throws; every failure is an HTTP answer. */
  handle(req: IncomingMessage, res: ServerResponse): void;
}

type Json = Record<string, unknown>;

interface Answer {
  status: number;
  body: Json;
  headers?: Record<string, string>;
  /** A body that is not JSON (the decision record's Markdown), sent as is with its own content-type header. */
  text?: string;
}

const answer = (status: number, body: Json, headers?: Record<string, string>): Answer =>
  headers ? { status, body, headers } : { status, body };
const problem = (status: number, error: string, message: string, extra: Json = {}) =>
  answer(status, { ok: false, error, message, ...extra });
const badField = (field: string, message: string) =>
  problem(400, 'invalid', `${field}: ${message}`, { field });
/** A path that is not valid percent-encoding (`%E0%A4%A`), or no path at all. */
const malformedPath = (raw: string) =>
  badField(
    'path',
    `${JSON.stringify(raw.slice(0, 200))} is not a valid URL path: check its percent-encoding (encode an id with encodeURIComponent).`,
  );

const CiName = z
  .string()
  .trim()
  .min(1, 'give a name, e.g. "GitHub Actions"')
  .max(64, 'at most 64 characters')
  .regex(/^[^\p{Cc}]+$/u, 'no control characters');

/** zod's message for a field, as a person reads it. */
const fieldError = (what: string) => (iss: { input?: unknown }) =>
  iss.input === undefined ? `required: ${what}` : what;

/** The commit a result verified or evidence is for: the full 40-hex SHA, as `${{ github.sha }}` gives it. */
const Sha = z
  .string({ error: fieldError('give the full 40-character hex commit SHA the run verified') })
  .pipe(CommitSha);

const GateBody = z.object({
  status: z.enum(GateStatus.options, { error: fieldError('give "green", "red" or "pending"') }),
  sha: Sha,
  evidence_url: HttpUrl.nullish(),
  run_url: HttpUrl.nullish(),
  ci_name: CiName.optional(),
});

const EvidenceBody = z.object({
  url: z.string({ error: fieldError('give the evidence link, a full http(s) URL') }).pipe(HttpUrl),
  /** Optional: the commit the evidence is for; refused (409 stale_target) unless it is the current target's. */
  sha: Sha.optional(),
  ci_name: CiName.optional(),
});

/** Core field names as the API spells them. */
const API_FIELD: Record<string, string> = {
  evidenceUrl: 'evidence_url',
  runUrl: 'run_url',
  url: 'url',
  status: 'status',
  gate: 'gate',
  evidence: 'evidence',
  sha: 'sha',
};

/** `Idempotency-Key`: printable, at most 200 characters. */
const IdempotencyKey = z
  .string()
  .min(1, 'give a key of 1 to 200 printable characters')
  .max(200, 'a key has at most 200 characters')
  .regex(/^[\x21-\x7E]+$/, 'a key has printable ASCII characters only, no spaces');

const bearerOf = (header: string | undefined) => /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '')?.[1];

function tokenMatches(given: string, token: string): boolean {
  // Equal-length digests, so timingSafeEqual runs on every input and leaks neither content nor length.
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(token));
}

/** Who a request is: the operator (CUTOVER_API_TOKEN, everything), or a program's token (its scope). */
type Caller = { kind: 'operator' } | { kind: 'token'; token: CiToken; service: CutoverService };

const unauthorized = (message: string): Answer => ({
  ...problem(401, 'unauthorized', message),
  headers: { 'www-authenticate': 'Bearer' },
});

/** A token's scope refusal: 403 naming the scope. */
const outOfScope = (e: TokenRefusal): Answer =>
  problem(403, 'forbidden_scope', e.message, { scope: e.scope });

type Body = { text: string } | { tooLarge: true; drained: boolean };

function readBody(req: IncomingMessage, limit: number): Promise<Body> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > DRAIN_LIMIT)
    return Promise.resolve({ tooLarge: true, drained: false });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else if (size > DRAIN_LIMIT && !settled) {
        settled = true;
        resolve({ tooLarge: true, drained: false });
      }
    });
    req.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(
        size > limit ? { tooLarge: true, drained: true } : { text: Buffer.concat(chunks).toString('utf8') },
      );
    });
    req.on('error', (e) => {
      if (!settled) reject(e);
      settled = true;
    });
  });
}

function send(res: ServerResponse, a: Answer, head = false) {
  if (res.headersSent) return;
  const text = a.status === 304 ? '' : (a.text ?? JSON.stringify(a.body));
  res.writeHead(a.status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...(a.status === 304 ? {} : { 'content-length': String(Buffer.byteLength(text)) }),
    ...a.headers,
  });
  res.end(head || a.status === 304 ? undefined : text);
}

/** The program's state at a glance, after the change: what CI needs to decide what to do next. */
/** The program's state at a glance, after the change, read from the core's one readiness report. */
function readinessSummary(c: Cutover): Json {
  const r = readiness(c);
  const phase = nextPhase(c);
  const words = (list: Unmet[]) => [...new Set(list.map(unmetWords))];
  return {
    decisions: r.decisions.map((d) => {
      const ask = c.decisions.find((x) => x.id === d.id)?.goRequires && d.status !== 'go';
      return { id: d.id, status: d.status, ...(ask ? { may_be_go: d.mayBeGo, unmet: words(d.unmet) } : {}) };
    }),
    phases: r.phases.map((p) =>
      p.status === 'not-started'
        ? { id: p.id, status: p.status, may_start: p.mayStart, unmet: words(p.unmet) }
        : { id: p.id, status: p.status },
    ),
    ...(phase
      ? {
          open_blockers: r.blockers
            .filter((b) => b.phase === phase.id && b.status === 'open')
            .map((b) => b.id),
        }
      : {}),
    gates: Object.fromEntries(r.gates.map((g) => [g.id, g.status])),
  };
}

/** Whether the gate result counts, as the core decides it (core/gate-results.ts), and the target it counts for. */
function countsFor(c: Cutover, gate: string, sha: string | undefined): Json {
  const { counts, target } = gateResultCounts(c, gate, sha);
  return { counts, current_target: target ? { tag: target.tag, sha: target.sha } : null };
}

function gateJson(c: Cutover, id: string): Json | undefined {
  const g = c.gates.find((x) => x.id === id);
  if (!g) return undefined;
  const v = gateState(c, g);
  return {
    id: g.id,
    title: g.title,
    owner: g.owner,
    derived: !!g.derived,
    per_target: g.perTarget,
    /** The status for the current target: what the rules read. */
    status: v.status,
    ...(v.result?.sha ? { result_sha: v.result.sha } : {}),
    ...(v.result?.evidenceUrl ? { evidence_url: v.result.evidenceUrl } : {}),
    ...(v.result?.runUrl ? { run_url: v.result.runUrl } : {}),
    ...(v.result ? { updated: { by: v.result.by, at: v.result.at } } : {}),
    /** A result exists, but for another commit: shown, never counted. */
    stale: v.stale,
    ...(v.stale && v.latest
      ? { latest: { sha: v.latest.sha, status: v.latest.status, at: v.latest.at } }
      : {}),
  };
}

function evidenceJson(c: Cutover, id: string): Json | undefined {
  const e = c.evidence.find((x) => x.id === id);
  if (!e) return undefined;
  const cur = currentEvidence(c, e);
  return { id: e.id, title: e.title, side: e.side, current: cur ?? null };
}

/**
 * A refusal as JSON: the core's message (plain words, roles by id), what is unmet both in words and as data, and,
 * for a refusal by permission, the roles that may act with who holds them.
 */
function refusal(error: DomainError, c: Cutover): Answer {
  const items = error.items ?? [];
  const extra: Json = {
    ...(items.length ? { unmet: [...new Set(items.map(unmetWords))], unmet_items: items } : {}),
    ...(error.mayAct
      ? {
          may_act: error.mayAct.roles.map((role) => ({
            role,
            assignee: c.roles.find((r) => r.id === role)?.assignee ?? null,
          })),
        }
      : {}),
  };
  const message = error.message;
  switch (error.code) {
    case 'invalid': {
      const field = API_FIELD[error.field ?? ''] ?? error.field ?? 'body';
      return problem(400, 'invalid', message, { field, ...extra });
    }
    case 'unknown':
      return problem(404, 'not_found', message, extra);
    case 'forbidden':
      return problem(403, 'forbidden', message, extra);
    case 'stale':
      return problem(409, 'stale_target', message, extra);
    case 'conflict':
      return problem(422, 'idempotency_conflict', message, extra);
    default:
      return problem(409, 'refused', message, extra);
  }
}

export function createCiApi(options: CiApiOptions): CiApi {
  const { programs, token, now } = options;
  const limit = options.bodyLimit ?? BODY_LIMIT;
  const logger = options.logger ?? console;

  /** What the store says of itself: its last write, and a probe file written and fsynced beside it. */
  async function health(): Promise<Answer> {
    const h = await options.health();
    return h.ok
      ? answer(200, { ok: true, store: 'writable' })
      : answer(503, {
          ok: false,
          store: 'not writable',
          message: h.message ?? 'The store cannot save changes now.',
        });
  }

  /** The program a path names, or the one active program for the paths without one. */
  function programOf(programId: string | undefined): CutoverService | Answer {
    if (programId !== undefined) {
      const service = programs.get(programId);
      if (service) return service;
      const known = programs.all().map((s) => s.cutover().id);
      return problem(
        404,
        'not_found',
        `There is no program "${programId}". Known: ${known.join(', ') || 'none'}.`,
        { programs: known },
      );
    }
    const active = programs.active();
    const [only] = active;
    if (only && active.length === 1) return only;
    const ids = active.map((s) => s.cutover().id);
    if (ids.length === 0)
      return problem(
        404,
        'not_found',
        'The bot holds no active program: start one in Slack with /cutover new.',
      );
    return problem(
      409,
      'ambiguous_program',
      `The bot holds ${ids.length} active programs (${ids.join(', ')}): name one, as POST /api/programs/<program-id>/gates/<gate-id>.`,
      { programs: ids },
    );
  }

  /**
   * The caller of a request: CUTOVER_API_TOKEN is the operator's; any other bearer is looked up by its hash among
   * the programs' tokens. Unknown or revoked: 401.
   */
  function callerOf(req: IncomingMessage): Caller | Answer {
    if (!token)
      return problem(
        503,
        'api_off',
        'The CI API is off: the bot has no CUTOVER_API_TOKEN. Set one (16+ characters, e.g. `openssl rand -hex 32`) and restart the bot.',
      );
    const given = bearerOf(req.headers.authorization);
    if (!given)
      return unauthorized(
        'Send "Authorization: Bearer <token>" with CUTOVER_API_TOKEN or a program\'s CI token (`/cutover token create`).',
      );
    if (tokenMatches(given, token)) return { kind: 'operator' };
    const found = findToken(programs, given);
    if (!found)
      return unauthorized(
        "The bot knows no such token: send CUTOVER_API_TOKEN or a program's CI token (`/cutover token list` shows them).",
      );
    if (found.token.revoked)
      return unauthorized(
        `The token "${found.token.name}" was revoked at ${found.token.revoked.at}: it authorises nothing. Make a new one with \`/cutover token create\`.`,
      );
    return { kind: 'token', token: found.token, service: found.service };
  }

  /** The program of a request: named by the path, else a token's own, else the one active program. */
  function programFor(caller: Caller, programId: string | undefined): CutoverService | Answer {
    if (caller.kind === 'token') {
      if (programId === undefined) return caller.service;
      // Refused by the id alone: nothing of another program is told to a token, not even which programs exist.
      const elsewhere = otherProgram(caller.token, programId);
      if (elsewhere) return outOfScope(elsewhere);
    }
    return programOf(programId);
  }

  /**
   * The program a read names, for a caller that may read it (any token of that program, or the operator's), with
   * the token's last use noted: 503/401/403/404 as for the writes otherwise.
   */
  function readable(req: IncomingMessage, programId: string | undefined): CutoverService | Answer {
    const caller = callerOf(req);
    if (!('kind' in caller)) return caller;
    const program = programFor(caller, programId);
    if (!('cutover' in program)) return program;
    if (caller.kind === 'token') {
      const allowed = tokenAllows(caller.token, program.cutover(), { action: 'read' });
      if (!allowed.ok) return outOfScope(allowed.error);
      void touchToken(program, caller.token.hash, now()).catch((e: unknown) =>
        logger.error("the token's last use could not be saved", e),
      );
    }
    return program;
  }

  async function change(
    kind: 'gates' | 'evidence' | 'records',
    id: string,
    req: IncomingMessage,
    programId: string | undefined,
  ): Promise<Answer> {
    const caller = callerOf(req);
    if (!('kind' in caller)) return caller;
    const body = await readBody(req, limit);
    if ('tooLarge' in body) {
      const a = problem(413, 'too_large', `The request body is over ${limit} bytes.`);
      return body.drained ? a : { ...a, headers: { connection: 'close' } };
    }
    let json: unknown;
    try {
      json = JSON.parse(body.text);
    } catch (e) {
      return badField('body', `not valid JSON (${(e as Error).message})`);
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json))
      return badField('body', 'send a JSON object');
    const parsed = (kind === 'gates' ? GateBody : kind === 'records' ? RecordBody : EvidenceBody).safeParse(
      json,
    );
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return badField(String(issue?.path[0] ?? 'body'), issue?.message ?? 'not valid');
    }
    const keyHeader = req.headers['idempotency-key'];
    let requestKey: string | undefined;
    if (keyHeader !== undefined) {
      const k = IdempotencyKey.safeParse(Array.isArray(keyHeader) ? keyHeader.join(',') : keyHeader);
      if (!k.success) return badField('Idempotency-Key', k.error.issues[0]?.message ?? 'not valid');
      requestKey = `ci:${k.data}`;
    }
    const header = req.headers['x-ci-name'];
    let name = parsed.data.ci_name ?? 'CI';
    if (typeof header === 'string') {
      const n = CiName.safeParse(header);
      if (!n.success) return badField('X-CI-Name', n.error.issues[0]?.message ?? 'not valid');
      name = n.data;
    }
    const program = programFor(caller, programId);
    if (!('cutover' in program)) return program;
    const service = program;
    const c = service.cutover();
    const use: TokenUse =
      kind === 'gates'
        ? { action: 'gate.set', gate: id }
        : kind === 'records'
          ? { action: 'record.report', side: 'side' in parsed.data ? parsed.data.side : '' }
          : { action: 'evidence.log', evidence: id };
    const list = kind === 'gates' ? c.gates : c.evidence;
    if (kind !== 'records' && !list.some((x) => x.id === id))
      return problem(
        404,
        'not_found',
        `There is no ${kind === 'gates' ? 'gate' : 'evidence'} "${id}". Known: ${list.map((x) => x.id).join(', ') || 'none'}.`,
      );
    if (caller.kind === 'token') {
      const allowed = tokenAllows(caller.token, c, use);
      if (!allowed.ok) return outOfScope(allowed.error);
    }
    const data = parsed.data;
    let report: Record<string, unknown> | undefined;
    if ('content_hash' in data) {
      // Against the latest committed document: another replica may have served (and noted) the record.
      const r = await service.update((doc) => ({ result: recordReportInput(doc, data, now()) }));
      if ('error' in r) return problem(409, r.error, r.message);
      report = r.input;
    }
    const input = report
      ? report
      : 'status' in data
        ? {
            type: 'gate.set',
            gate: id,
            status: data.status,
            sha: data.sha,
            ...(data.evidence_url ? { evidenceUrl: data.evidence_url } : {}),
            ...(data.run_url ? { runUrl: data.run_url } : {}),
          }
        : 'url' in data
          ? { type: 'evidence.log', evidence: id, url: data.url, ...(data.sha ? { sha: data.sha } : {}) }
          : {};
    // The same key with the same request answers as the first time; with another request, 422.
    const requestHash = createHash('sha256')
      .update(`${req.method} ${kind}/${id}\n${body.text}`)
      .digest('hex');
    let outcome: Outcome;
    const at = now();
    // A token is checked again inside the transaction: one revoked (or re-scoped) meanwhile authorises nothing.
    let revoked: string | undefined;
    const scoped: RunOptions =
      caller.kind === 'token'
        ? {
            guard: (doc) => {
              const stored = tokenIn(doc, caller.token.hash);
              const check = stored ? tokenAllows(stored, doc.cutover, use) : undefined;
              if (!stored || stored.revoked) {
                revoked = stored?.revoked?.at ?? 'just now';
                return forbidden('revoked');
              }
              return check && !check.ok ? check.error : undefined;
            },
            also: (doc) => usedAt(doc, caller.token.hash, at),
          }
        : {};
    const actor = {
      kind: 'ci' as const,
      name,
      token: caller.kind === 'token' ? caller.token.name : OPERATOR_TOKEN,
    };
    try {
      outcome = await service.run(input, actor, at, {
        ...(requestKey ? { requestKey, requestHash } : {}),
        ...scoped,
      });
    } catch (e) {
      logger.error('the CI change could not be saved', e);
      // The commit was lost with the connection: the change may stand, so the answer must not say it does not.
      const unsure = e instanceof StoreError && e.maybeSaved;
      return problem(
        503,
        'store',
        unsure
          ? `The change may or may not have been saved (${(e as Error).message}).`
          : `The change could not be saved (${(e as Error).message}); nothing changed.`,
      );
    }
    const after = service.cutover();
    const state =
      kind === 'gates'
        ? { gate: gateJson(after, id) }
        : kind === 'records'
          ? { records: recordsJson(after) }
          : { evidence: evidenceJson(after, id) };
    const counts = kind === 'gates' ? countsFor(after, id, 'sha' in data ? data.sha : undefined) : {};
    if (caller.kind === 'token' && (!outcome.ok || outcome.replayed))
      void touchToken(service, caller.token.hash, at).catch((e: unknown) =>
        logger.error("the token's last use could not be saved", e),
      );
    if (!outcome.ok && revoked !== undefined && caller.kind === 'token')
      return unauthorized(
        `The token "${caller.token.name}" was revoked at ${revoked}: it authorises nothing.`,
      );
    if (!outcome.ok && caller.kind === 'token' && 'scope' in outcome.error)
      return outOfScope(outcome.error as TokenRefusal);
    if (!outcome.ok) {
      // A restatement of the stored result for that commit: nothing written, answered as the state stands.
      if (outcome.error.code === 'unchanged')
        return answer(200, {
          ok: true,
          changed: false,
          message: outcome.error.message,
          ...counts,
          ...state,
          readiness: readinessSummary(after),
          history: [],
        });
      return refusal(outcome.error, after);
    }
    return answer(200, {
      ok: true,
      changed: !outcome.replayed,
      ...(outcome.replayed ? { replayed: true } : {}),
      message: outcome.message,
      ...counts,
      ...state,
      readiness: readinessSummary(after),
      history: outcome.history.map((h) => ({ ...h })),
    });
  }

  /** GET …/readiness and GET …/go: read only, behind the same token check as the writes. */
  async function readRoute(
    what: 'readiness' | 'go',
    programId: string,
    req: IncomingMessage,
    query: URLSearchParams,
  ): Promise<Answer> {
    const program = readable(req, programId);
    if (!('cutover' in program)) return program;
    if (what === 'readiness') return answer(200, readinessJson(program.cutover()));
    const q = goQuery(query);
    if ('field' in q) return badField(q.field, q.message);
    // Read inside the store's queue, against the latest committed document (not this replica's snapshot, which
    // may lag another's NO-GO): a go check releases a deployment. Nothing is written.
    const c = await program.update((doc) => ({ result: doc.cutover }));
    const a = goAnswer(c, q, now());
    return answer(a.status, a.body);
  }

  async function route(req: IncomingMessage): Promise<Answer> {
    let path: string;
    let query: URLSearchParams;
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      path = url.pathname;
      query = url.searchParams;
    } catch {
      return malformedPath(req.url ?? '');
    }
    const method = (req.method ?? 'GET').toUpperCase();
    if (path === '/healthz')
      return method === 'GET' || method === 'HEAD'
        ? health()
        : { ...problem(405, 'method_not_allowed', 'Use GET /healthz.'), headers: { allow: 'GET, HEAD' } };
    const records = /^\/api\/programs\/([^/]+)\/(record|records)$/.exec(path);
    if (records) {
      let programId: string;
      try {
        programId = decodeURIComponent(records[1] ?? '');
      } catch {
        return malformedPath(path);
      }
      if (records[2] === 'records')
        return method === 'POST'
          ? change('records', '', req, programId)
          : { ...problem(405, 'method_not_allowed', `Use POST ${path}.`), headers: { allow: 'POST' } };
      if (method !== 'GET' && method !== 'HEAD')
        return { ...problem(405, 'method_not_allowed', `Use GET ${path}.`), headers: { allow: 'GET, HEAD' } };
      const program = readable(req, programId);
      if (!('cutover' in program)) return program;
      const header = req.headers['if-none-match'];
      // Served from the latest committed document, its hash noted in the same queue (record/ledger.ts serveRecord).
      const at = now();
      const served = await program.update((doc) => serveRecord(doc, at));
      const r = recordAnswer(programId, served, Array.isArray(header) ? header.join(',') : header);
      return { status: r.status, body: {}, text: r.text, headers: r.headers };
    }
    const read = /^\/api\/programs\/([^/]+)\/(readiness|go)$/.exec(path);
    if (read) {
      const what = read[2] === 'go' ? 'go' : 'readiness';
      if (method !== 'GET' && method !== 'HEAD')
        return { ...problem(405, 'method_not_allowed', `Use GET ${path}.`), headers: { allow: 'GET, HEAD' } };
      let programId: string;
      try {
        programId = decodeURIComponent(read[1] ?? '');
      } catch {
        return malformedPath(path);
      }
      return readRoute(what, programId, req, query);
    }
    const m = /^\/api\/(?:programs\/([^/]+)\/)?(gates|evidence)\/([^/]+)$/.exec(path);
    if (!m)
      return problem(
        404,
        'not_found',
        `There is no ${path}. The API has POST /api/programs/<program-id>/gates/<gate-id> and POST /api/programs/<program-id>/evidence/<evidence-id>.`,
      );
    if (method !== 'POST')
      return {
        ...problem(405, 'method_not_allowed', `Use POST ${path}.`),
        headers: { allow: 'POST' },
      };
    let id: string;
    let programId: string | undefined;
    try {
      id = decodeURIComponent(m[3] ?? '');
      programId = m[1] === undefined ? undefined : decodeURIComponent(m[1]);
    } catch {
      return malformedPath(path);
    }
    return change(m[2] === 'gates' ? 'gates' : 'evidence', id, req, programId);
  }

  return {
    owns: (pathname) => pathname === '/healthz' || pathname.startsWith('/api/'),
    handle(req, res) {
      const head = req.method?.toUpperCase() === 'HEAD';
      route(req).then(
        (a) => send(res, a, head),
        (e: unknown) => {
          logger.error('the CI API failed on a request', e);
          send(res, problem(500, 'internal', 'The bot failed on this request; nothing changed.'));
        },
      );
    },
  };
}
