/**
 * What a pipeline reads from the CI API (issue 21): GET …/readiness and the go check GET …/go, over real HTTP, behind
 * the same token check as the writes, on a program in a memory store built from the core's fixtures.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Cutover, HistoryEntry } from '../../src/core/schema.js';
import { createCiApi } from '../../src/http/ci-api.js';
import { type ApiServer, startApiServer } from '../../src/http/server.js';
import { newDocument, StoreDocument } from '../../src/service/document.js';
import type { Programs } from '../../src/service/programs.js';
import { MemoryStore } from '../../src/store/memory.js';
import {
  A,
  approveTarget,
  at,
  decidedGo,
  GO_RUNTIME,
  readyForGo,
  run,
  SHA1,
  SHA2,
  seeded,
  T0,
} from '../core/fixtures.js';
import { programsOf } from '../fixtures/programs-of.js';

const TOKEN = 'ci-token-0123456789abcdef';
const WINDOW = { type: 'window', start: '2026-02-09T10:00Z', end: '2026-02-09T14:00Z' } as const;

let server: ApiServer | undefined;
let programs: Programs | undefined;
afterEach(async () => {
  await server?.close();
  await programs?.close();
  server = undefined;
  programs = undefined;
});

/** Serves `c` as its only program; `now` is the API's clock. */
async function serve(c: Cutover, now: () => Date = () => T0, token: string | null = TOKEN) {
  const store = new MemoryStore({
    schema: StoreDocument,
    create: () => newDocument(c),
    log: { field: 'history', entry: HistoryEntry },
  });
  programs = await programsOf(store);
  const api = createCiApi({
    programs,
    token: token ?? undefined,
    health: async () => ({ ok: true }),
    now,
    logger: { error: () => {} },
  });
  server = await startApiServer(api, { host: '127.0.0.1', port: 0 });
  const port = server.port;
  return async (path: string, opts: { token?: string | null; method?: string } = {}) => {
    const headers: Record<string, string> = {};
    const t = opts.token === undefined ? TOKEN : opts.token;
    if (t !== null) headers.authorization = `Bearer ${t}`;
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: opts.method ?? 'GET', headers });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      json: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
    };
  };
}

const GO = (sha: string) => `/api/programs/service-v3/go?decision=runtime-cutover&sha=${sha}`;

describe('GET /api/programs/<id>/go: the go check for one commit', () => {
  it('answers 200 only for the GO of this very commit', async () => {
    const get = await serve(decidedGo());
    const a = await get(GO(SHA1));
    expect(a.status).toBe(200);
    expect(a.json).toMatchObject({
      ok: true,
      go: true,
      decision: 'runtime-cutover',
      sha: SHA1,
      target: { tag: 'service.v3.0.0', sha: SHA1 },
      window: null,
    });
    expect(a.headers.get('cache-control')).toBe('no-store');
  });

  it('a GO for another commit: 409, final, naming the approved target', async () => {
    const get = await serve(decidedGo());
    const a = await get(GO(SHA2));
    expect(a.status).toBe(409);
    expect(a.json).toMatchObject({
      ok: false,
      go: false,
      error: 'other_commit',
      final: true,
      reason: { kind: 'other-commit', sha: SHA2, target: { sha: SHA1 } },
      message: expect.stringContaining('is not the approved target'),
    });
  });

  it('NO-GO: 423, saying why, with the unmet items and the roles (and holders) that may act', async () => {
    const get = await serve(approveTarget(seeded()));
    const a = await get(GO(SHA1.toUpperCase()));
    expect(a.status).toBe(423);
    expect(a.json).toMatchObject({ error: 'not_go', final: false, sha: SHA1 });
    expect(a.json.unmet).toContainEqual({
      words: expect.stringContaining('producer-suite'),
      item: expect.objectContaining({ kind: 'gate-not-green', gate: 'producer-suite' }),
      may_act: [{ role: 'producer-incident-commander', assignee: expect.any(String) }],
    });
  });

  it('outside the approved window the deploy waits (423), inside it the check passes', async () => {
    const c = run(run(readyForGo(), WINDOW, A.dlo, at(1)).cutover, GO_RUNTIME, A.dlo, at(2)).cutover;
    let now = at(30);
    const get = await serve(c, () => now);
    const early = await get(GO(SHA1));
    expect(early.status).toBe(423);
    expect(early.json).toMatchObject({
      error: 'window_not_open',
      window: { start: '2026-02-09T10:00:00.000Z', end: '2026-02-09T14:00:00.000Z' },
    });
    now = new Date('2026-02-09T11:00Z');
    expect((await get(GO(SHA1))).status).toBe(200);
    now = new Date('2026-02-09T14:00Z');
    expect((await get(GO(SHA1))).json).toMatchObject({ error: 'window_closed' });
  });

  it('an archived program: 409 archived', async () => {
    const get = await serve(run(decidedGo(), { type: 'archive', reason: 'done' }, A.admin).cutover);
    expect((await get(GO(SHA1))).json).toMatchObject({ error: 'archived', final: true });
  });

  it('a malformed or missing sha, or no decision: 400 naming the field; an unknown decision or program: 404', async () => {
    const get = await serve(decidedGo());
    expect((await get(GO('abc123'))).json).toMatchObject({ field: 'sha', error: 'invalid' });
    expect((await get(GO('abc123'))).status).toBe(400);
    expect((await get(GO(`${SHA1}0`))).status).toBe(400);
    const noSha = await get('/api/programs/service-v3/go?decision=runtime-cutover');
    expect(noSha).toMatchObject({
      status: 400,
      json: { field: 'sha', message: expect.stringContaining('required') },
    });
    const noDecision = await get(`/api/programs/service-v3/go?sha=${SHA1}`);
    expect(noDecision).toMatchObject({ status: 400, json: { field: 'decision' } });
    const unknown = await get(`/api/programs/service-v3/go?decision=launch&sha=${SHA1}`);
    expect(unknown).toMatchObject({
      status: 404,
      json: { error: 'not_found', reason: { known: ['rehearsal', 'runtime-cutover'] } },
    });
    expect((await get(`/api/programs/nope/go?decision=runtime-cutover&sha=${SHA1}`)).status).toBe(404);
  });

  it('takes the same token as the writes: 401 without it, 503 while the API is off; 405 for POST', async () => {
    const get = await serve(decidedGo());
    const a = await get(GO(SHA1), { token: null });
    expect(a.status).toBe(401);
    expect(a.headers.get('www-authenticate')).toBe('Bearer');
    expect((await get(GO(SHA1), { token: `${TOKEN}x` })).status).toBe(401);
    expect((await get(GO(SHA1), { method: 'POST' })).status).toBe(405);
    await server?.close();
    await programs?.close();
    const off = await serve(decidedGo(), () => T0, null);
    expect((await off(GO(SHA1))).json).toMatchObject({ error: 'api_off' });
  });
});

describe('GET /api/programs/<id>/readiness: the readiness report as JSON', () => {
  it('gives decisions, phases, blockers, gates, the target, the window, and what waits on whom', async () => {
    const get = await serve(run(approveTarget(seeded()), WINDOW, A.dlo).cutover);
    const a = await get('/api/programs/service-v3/readiness');
    expect(a.status).toBe(200);
    expect(a.json).toMatchObject({
      ok: true,
      program: { id: 'service-v3', archived: null },
      target: { tag: 'service.v3.0.0', sha: SHA1, approved: true },
      window: { set: true, approved: false, start: '2026-02-09T10:00:00.000Z' },
      decisions: expect.arrayContaining([
        expect.objectContaining({ id: 'runtime-cutover', status: 'no-go', may_be_go: false }),
      ]),
      phases: expect.arrayContaining([expect.objectContaining({ id: '8', may_start: false })]),
      gates: expect.arrayContaining([expect.objectContaining({ id: 'producer-suite', status: 'pending' })]),
    });
    expect(a.json.unmet).toContainEqual({
      words: expect.any(String),
      item: expect.objectContaining({ kind: 'signoff-missing', side: 'producer' }),
      may_act: [{ role: 'producer-incident-commander', assignee: expect.any(String) }],
    });
    expect((await get('/api/programs/service-v3/readiness', { token: null })).status).toBe(401);
  });
});
