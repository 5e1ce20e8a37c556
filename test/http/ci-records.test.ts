/**
 * The record lands in both repos (issue 21): GET …/record serves the decision record as Markdown with an ETag of its
 * content; POST …/records reports the commit that holds it, checked against the records the bot served while the
 * bilateral GO stood (record/ledger.ts). Over real HTTP, on a memory store with the bot's own compose hook.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { blockerState } from '../../src/core/readiness.js';
import { type Cutover, HistoryEntry } from '../../src/core/schema.js';
import { createCiApi } from '../../src/http/ci-api.js';
import { type ApiServer, startApiServer } from '../../src/http/server.js';
import { recordLedgerHook } from '../../src/record/ledger.js';
import { createCutoverService } from '../../src/service/cutover-service.js';
import { Catalog, newDocument, StoreDocument } from '../../src/service/document.js';
import { openPrograms, type Programs } from '../../src/service/programs.js';
import { MemoryStore } from '../../src/store/memory.js';
import { A, at, byId, decidedGo, GO_RUNTIME, readyForGo, U } from '../core/fixtures.js';

const TOKEN = 'ci-token-0123456789abcdef';
const COMMIT_P = 'c'.repeat(40);
const COMMIT_C = 'd'.repeat(40);

let server: ApiServer | undefined;
let programs: Programs | undefined;
afterEach(async () => {
  await server?.close();
  await programs?.close();
  server = undefined;
  programs = undefined;
});

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

async function serve(c: Cutover) {
  const store = new MemoryStore({
    schema: StoreDocument,
    create: () => newDocument(c),
    log: { field: 'history', entry: HistoryEntry },
  });
  const catalog = new MemoryStore({
    schema: Catalog,
    create: () => Catalog.parse({ programs: [{ id: c.id }] }),
  });
  programs = await openPrograms({
    layout: {
      catalog,
      documents: { keys: async () => [c.id], open: async () => store, close: () => store.close() },
    },
    makeService: (s) => createCutoverService(s, { compose: recordLedgerHook() }),
  });
  const api = createCiApi({
    programs,
    token: TOKEN,
    health: async () => ({ ok: true }),
    now: () => at(30),
    logger: { error: () => {} },
  });
  server = await startApiServer(api, { host: '127.0.0.1', port: 0 });
  const port = server.port;
  const service = programs.get(c.id);
  if (!service) throw new Error('no program');
  const call = async (
    path: string,
    opts: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method: opts.method ?? 'GET',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...opts.headers },
      ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
    });
    return { status: res.status, headers: res.headers, text: await res.text() };
  };
  return { call, service };
}

const RECORD = '/api/programs/service-v3/record';
const REPORTS = '/api/programs/service-v3/records';

describe('GET /api/programs/<id>/record', () => {
  it('serves the decision record as Markdown with an ETag of its content; If-None-Match with it is 304', async () => {
    const { call, service } = await serve(readyForGo());
    const a = await call(RECORD);
    expect(a.status).toBe(200);
    expect(a.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(a.text).toContain('# Runtime Cutover Decision Record');
    expect(a.headers.get('etag')).toBe(`"${sha256(a.text)}"`);
    const etag = a.headers.get('etag') ?? '';
    const again = await call(RECORD, { headers: { 'if-none-match': etag } });
    expect(again).toMatchObject({ status: 304, text: '' });
    expect(again.headers.get('etag')).toBe(etag);
    // A change moves the record, and its ETag.
    await service.run({ type: 'scope.set', text: 'service.v3 runtime switch' }, A.dlo, at(20));
    const moved = await call(RECORD, { headers: { 'if-none-match': etag } });
    expect(moved.status).toBe(200);
    expect(moved.headers.get('etag')).not.toBe(etag);
    expect((await call(RECORD, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
  });
});

describe('POST /api/programs/<id>/records: each side reports the commit holding the record of the current GO', () => {
  it('both sides report the record fetched after the GO: the joint-record blocker clears', async () => {
    const { call, service } = await serve(decidedGo());
    // A change while the GO stands writes the record's hash to the ledger.
    await service.run({ type: 'scope.set', text: 'the runtime switch' }, A.dlo, at(20));
    const fetched = await call(RECORD);
    const hash = sha256(fetched.text);
    const p = await call(REPORTS, {
      method: 'POST',
      body: { side: 'producer', repo: 'memorykernel/service', commit: COMMIT_P, content_hash: hash },
      headers: { 'x-ci-name': 'GitHub Actions' },
    });
    expect(p.status).toBe(200);
    expect(JSON.parse(p.text)).toMatchObject({
      ok: true,
      changed: true,
      records: [{ side: 'producer', repo: 'memorykernel/service', commit: COMMIT_P, content_hash: hash }],
    });
    // The producer's report moved the record; the consumer's copy, fetched before it, still holds this GO.
    expect(sha256((await call(RECORD)).text)).not.toBe(hash);
    const c = await call(REPORTS, {
      method: 'POST',
      body: { side: 'consumer', repo: 'assistsupport/app', commit: COMMIT_C, content_hash: hash },
    });
    expect(c.status).toBe(200);
    const after = service.cutover();
    expect(blockerState(after, byId(after.blockers, 'joint-go-record'))).toEqual({
      status: 'cleared',
      unmet: [],
    });
    expect(service.history(1)[0]).toMatchObject({
      by: 'cutover-bot',
      event: { type: 'blocker.cleared', derived: true },
    });
  });

  it('a record fetched before the decision was GO holds no GO: refused (409 unknown_record) after it, nothing written', async () => {
    const { call, service } = await serve(readyForGo());
    const early = sha256((await call(RECORD)).text);
    await service.run(GO_RUNTIME, A.dlo, at(10));
    const before = JSON.stringify(service.document());
    const r = await call(REPORTS, {
      method: 'POST',
      body: { side: 'producer', repo: 'memorykernel/service', commit: COMMIT_P, content_hash: early },
    });
    expect(r.status).toBe(409);
    expect(JSON.parse(r.text)).toMatchObject({ ok: false, error: 'unknown_record' });
    expect(JSON.stringify(service.document())).toBe(before);
    const after = service.cutover();
    expect(blockerState(after, byId(after.blockers, 'joint-go-record')).status).toBe('open');
  });

  it('a record fetched before both sides signed GO is refused (409 unknown_record), nothing written', async () => {
    const start = decidedGo();
    const { call, service } = await serve(start);
    await service.run(
      { type: 'signoff', side: 'consumer', decision: 'no-go', rationale: 'hold' },
      A.cic,
      at(10),
    );
    const early = await call(RECORD);
    const before = JSON.stringify(service.document());
    const r = await call(REPORTS, {
      method: 'POST',
      body: {
        side: 'producer',
        repo: 'memorykernel/service',
        commit: COMMIT_P,
        content_hash: sha256(early.text),
      },
    });
    expect(r.status).toBe(409);
    expect(JSON.parse(r.text)).toMatchObject({ ok: false, error: 'unknown_record' });
    expect(JSON.stringify(service.document())).toBe(before);
  });

  it('a record served, then changed by the bot’s own bookkeeping (a display name cached), still counts when reported', async () => {
    const { call, service } = await serve(decidedGo());
    const fetched = await call(RECORD);
    const hash = sha256(fetched.text);
    // The bot caches a display name (bookkeeping, no change): the record now reads otherwise.
    await service.update((doc) => ({
      next: {
        ...doc,
        users: { ...doc.users, [U.dlo]: { name: 'Logan Log', fetchedAt: at(25).toISOString() } },
      },
      result: null,
    }));
    expect(sha256((await call(RECORD)).text)).not.toBe(hash);
    const r = await call(REPORTS, {
      method: 'POST',
      body: { side: 'producer', repo: 'memorykernel/service', commit: COMMIT_P, content_hash: hash },
    });
    expect(r.status).toBe(200);
    expect(service.cutover().records).toEqual([
      expect.objectContaining({ side: 'producer', contentHash: hash }),
    ]);
  });

  it('a record of an earlier GO is refused as stale once the GO changed', async () => {
    const { call, service } = await serve(decidedGo());
    await service.run({ type: 'scope.set', text: 'the runtime switch' }, A.dlo, at(20));
    const old = sha256((await call(RECORD)).text);
    await service.run(
      { type: 'signoff', side: 'producer', decision: 'go', rationale: 'again' },
      A.pic,
      at(21),
    );
    const r = await call(REPORTS, {
      method: 'POST',
      body: { side: 'producer', repo: 'memorykernel/service', commit: COMMIT_P, content_hash: old },
    });
    expect(r.status).toBe(409);
    expect(JSON.parse(r.text)).toMatchObject({
      error: 'stale_target',
      message: expect.stringContaining('earlier GO'),
    });
  });

  it('a bad body is 400 naming the field; GET on …/records is 405', async () => {
    const { call } = await serve(readyForGo());
    const bad = (body: unknown) => call(REPORTS, { method: 'POST', body });
    expect(
      JSON.parse(
        (await bad({ side: 'producer', repo: 'x', commit: COMMIT_P, content_hash: 'a'.repeat(64) })).text,
      ),
    ).toMatchObject({ field: 'repo' });
    expect(
      JSON.parse(
        (await bad({ side: 'producer', repo: 'o/r', commit: 'abc', content_hash: 'a'.repeat(64) })).text,
      ),
    ).toMatchObject({ field: 'commit' });
    expect(
      JSON.parse((await bad({ side: 'producer', repo: 'o/r', commit: COMMIT_P, content_hash: 'zz' })).text),
    ).toMatchObject({ field: 'content_hash' });
    expect(
      JSON.parse((await bad({ repo: 'o/r', commit: COMMIT_P, content_hash: 'a'.repeat(64) })).text),
    ).toMatchObject({ field: 'side' });
    expect((await call(REPORTS)).status).toBe(405);
  });
});
