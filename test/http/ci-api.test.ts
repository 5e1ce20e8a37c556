/**
 * The CI door through the real bot: every answer of POST /api/gates/<id>, POST /api/evidence/<id> and
 * GET /healthz, on Bolt's own port in HTTP mode and on its own server in Socket Mode; the change goes through
 * the same rules and history as Slack ("CI: <name>"), and a refusal writes nothing.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HistoryEntry } from '../../src/core/schema.js';
import { createCiApi } from '../../src/http/ci-api.js';
import { startApiServer } from '../../src/http/server.js';
import { newDocument, STORE_VERSION, StoreDocument } from '../../src/service/document.js';
import { loadProgram } from '../../src/service/program-file.js';
import { logPathOf, openJsonFileStore, type StoreIo } from '../../src/store/json-file/index.js';
import { SHIPPED_PROGRAM } from '../fixtures/programs.js';
import { programsOf } from '../fixtures/programs-of.js';
import { assignRoles, type Harness, PEOPLE, startHarness } from '../slack/harness.js';

const TOKEN = 'ci-token-0123456789abcdef';
/** The commit the CI runs of these tests verified: published as the target where a result must count. */
const SHA = '1f0e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c';
const LABEL = `service.v3.0 @ ${SHA.slice(0, 12)}`;

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** `token` null: the bot runs without CUTOVER_API_TOKEN. */
async function start(mode: 'http' | 'socket' = 'http', token: string | null = TOKEN) {
  h = await startHarness({ mode, env: token ? { CUTOVER_API_TOKEN: token } : {} });
  return h;
}

interface Call {
  method?: string;
  token?: string | null;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

async function api(w: Harness, path: string, call: Call = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...call.headers };
  const token = call.token === undefined ? TOKEN : call.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const method = call.method ?? 'POST';
  const res = await fetch(`http://127.0.0.1:${w.bot.apiPort}${path}`, {
    method,
    headers,
    ...(method === 'GET' || method === 'HEAD'
      ? {}
      : { body: call.raw ?? (call.body === undefined ? '{}' : JSON.stringify(call.body)) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    json: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
  };
}

/** The store as it is on disk: document and history log. */
const onDisk = async (w: Harness) =>
  `${await w.diskBytes()}\n---\n${await readFile(logPathOf(w.programFile, 'history'), 'utf8')}`;

/** Asserts the answer, and that the store on disk is byte for byte what it was. */
async function refusedWith(
  w: Harness,
  path: string,
  call: Call,
  status: number,
  expected: Record<string, unknown>,
) {
  const before = await onDisk(w);
  const a = await api(w, path, call);
  expect(a.status).toBe(status);
  expect(a.json).toMatchObject({ ok: false, ...expected });
  expect(await onDisk(w)).toBe(before);
  return a;
}

describe('the CI API (HTTP mode, on the Slack port)', () => {
  it('answers 401 without the right bearer token, compared whatever its length', async () => {
    const w = await start();
    expect(w.bot.apiPort).toBe(w.bot.port);
    const gate = '/api/gates/producer-suite';
    const body = { status: 'green' };
    const a = await refusedWith(w, gate, { token: null, body }, 401, { error: 'unauthorized' });
    expect(a.headers.get('www-authenticate')).toBe('Bearer');
    await refusedWith(w, gate, { token: `${TOKEN.slice(0, -1)}x`, body }, 401, { error: 'unauthorized' });
    await refusedWith(w, gate, { token: 'short', body }, 401, { error: 'unauthorized' });
    await refusedWith(w, gate, { token: `${TOKEN}${TOKEN}`, body }, 401, { error: 'unauthorized' });
    await refusedWith(w, gate, { token: null, headers: { authorization: `Basic ${TOKEN}` }, body }, 401, {});
  });

  it('answers 400 naming the bad field, for bad JSON, a bad status and bad links', async () => {
    const w = await start();
    const gate = '/api/gates/producer-suite';
    await refusedWith(w, gate, { raw: '{"status": "green"' }, 400, {
      field: 'body',
      message: expect.stringContaining('not valid JSON'),
    });
    await refusedWith(w, gate, { raw: '["green"]' }, 400, { field: 'body' });
    await refusedWith(w, gate, { body: {} }, 400, {
      field: 'status',
      message: expect.stringContaining('required'),
    });
    await refusedWith(w, gate, { body: { status: 'blue', sha: SHA } }, 400, {
      field: 'status',
      message: 'status: give "green", "red" or "pending"',
    });
    await refusedWith(
      w,
      gate,
      { body: { status: 'green', sha: SHA, evidence_url: 'ftp://ci.example.com/1' } },
      400,
      {
        field: 'evidence_url',
        message: expect.stringContaining('http(s) link'),
      },
    );
    await refusedWith(w, gate, { body: { status: 'green', sha: SHA, run_url: 'javascript:alert(1)' } }, 400, {
      field: 'run_url',
    });
    await refusedWith(w, '/api/evidence/producer-handoff', { body: {} }, 400, { field: 'url' });
    await refusedWith(w, '/api/evidence/producer-handoff', { body: { url: 'not a link' } }, 400, {
      field: 'url',
    });
    await refusedWith(
      w,
      gate,
      { body: { status: 'green', sha: SHA }, headers: { 'x-ci-name': 'x'.repeat(65) } },
      400,
      {
        field: 'X-CI-Name',
      },
    );
    await refusedWith(w, gate, { body: { status: 'green', sha: SHA, ci_name: 'a\u0007b' } }, 400, {
      field: 'ci_name',
    });
  });

  it('answers 404 for an unknown gate, evidence or path, 405 for a wrong method, 413 over the body cap', async () => {
    const w = await start();
    await refusedWith(w, '/api/gates/no-such-gate', { body: { status: 'green', sha: SHA } }, 404, {
      error: 'not_found',
      message: expect.stringContaining('producer-suite, consumer-suite, alignment'),
    });
    await refusedWith(w, '/api/evidence/no-such-evidence', { body: { url: 'https://x.example/1' } }, 404, {
      message: expect.stringContaining('There is no evidence "no-such-evidence"'),
    });
    await refusedWith(w, '/api/targets/x', { body: {} }, 404, { error: 'not_found' });
    const get = await refusedWith(w, '/api/gates/producer-suite', { method: 'GET' }, 405, {
      error: 'method_not_allowed',
    });
    expect(get.headers.get('allow')).toBe('POST');
    await refusedWith(w, '/healthz', { method: 'POST' }, 405, {});
    await refusedWith(
      w,
      '/api/gates/producer-suite',
      { raw: JSON.stringify({ status: 'green', pad: 'x'.repeat(17 * 1024) }) },
      413,
      { error: 'too_large', message: 'The request body is over 16384 bytes.' },
    );
  });

  it('sets a gate as CI: 200 with the new state, a "CI: <name>" history line on disk, shown escaped in Slack', async () => {
    const w = await start();
    await assignRoles(w);
    await w.command(PEOPLE.producerRollback, `target service.v3.0 ${SHA}`);
    const a = await api(w, '/api/gates/producer-suite', {
      body: {
        status: 'green',
        sha: SHA,
        evidence_url: 'https://ci.example.com/producer/42',
        run_url: 'https://ci.example.com/producer/runs/42',
      },
      headers: { 'x-ci-name': 'GitHub Actions <!channel>' },
    });
    expect(a.status).toBe(200);
    expect(a.json).toMatchObject({
      ok: true,
      changed: true,
      message: `Gate producer-suite: pending → green for ${LABEL}.`,
      counts: true,
      gate: {
        id: 'producer-suite',
        status: 'green',
        result_sha: SHA,
        stale: false,
        evidence_url: 'https://ci.example.com/producer/42',
        run_url: 'https://ci.example.com/producer/runs/42',
        updated: { by: 'CI: GitHub Actions <!channel> (token operator)' },
      },
      readiness: {
        decisions: expect.arrayContaining([
          expect.objectContaining({ id: 'runtime-cutover', may_be_go: false }),
        ]),
        phases: expect.arrayContaining([
          expect.objectContaining({ id: '8', status: 'not-started', may_start: false }),
        ]),
        open_blockers: ['release-target', 'joint-go-record', 'evidence-bundle', 'rollback-evidence'],
        gates: { 'producer-suite': 'green', 'consumer-suite': 'pending' },
      },
    });
    const disk = await w.disk();
    const gates = (
      disk.data.cutover as { gates: { id: string; results: { sha: string; status: string }[] }[] }
    ).gates;
    expect(gates.find((g) => g.id === 'producer-suite')?.results).toEqual([
      expect.objectContaining({ sha: SHA, status: 'green' }),
    ]);
    expect((await w.historyOnDisk()).at(-1)).toMatchObject({
      by: 'CI: GitHub Actions <!channel> (token operator)',
      action: 'gate.set',
      subject: 'gate producer-suite',
      before: 'pending',
      after: 'green',
    });
    const history = await w.command(PEOPLE.logOwner, 'history 1');
    expect(history.text).toContain(
      'CI: GitHub Actions &lt;!channel&gt; (token operator) · gate producer-suite turned green (was pending)',
    );
    expect(history.text).not.toContain('<!channel>');

    // The same report again changes nothing, and says so.
    const before = await onDisk(w);
    const again = await api(w, '/api/gates/producer-suite', { body: { status: 'green', sha: SHA } });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({
      ok: true,
      changed: false,
      message: `Gate producer-suite is already green for ${LABEL}.`,
    });
    expect(await onDisk(w)).toBe(before);
  });

  it('refuses what the rules refuse with 409 and the reason, writing nothing; logs evidence once there is a target', async () => {
    const w = await start();
    await assignRoles(w);
    await refusedWith(w, '/api/gates/bilateral-signoff', { body: { status: 'green', sha: SHA } }, 409, {
      error: 'refused',
      message: expect.stringContaining('derived'),
      unmet: expect.arrayContaining([expect.stringContaining('MemoryKernel has not signed GO')]),
    });
    await refusedWith(
      w,
      '/api/evidence/producer-handoff',
      { body: { url: 'https://x.example/handoff' } },
      409,
      {
        message: expect.stringContaining('none is published yet'),
      },
    );

    const published = await w.command(PEOPLE.producerRollback, `target service.v3.0 ${'1'.repeat(40)}`);
    expect(published.text).toContain(':white_check_mark:');
    const a = await api(w, '/api/evidence/producer-handoff', { body: { url: 'https://x.example/handoff' } });
    expect(a.status).toBe(200);
    expect(a.json).toMatchObject({
      ok: true,
      changed: true,
      evidence: {
        id: 'producer-handoff',
        current: {
          url: 'https://x.example/handoff',
          by: 'CI: CI (token operator)',
          target: { tag: 'service.v3.0' },
        },
      },
    });
    expect((await w.historyOnDisk()).at(-1)).toMatchObject({
      by: 'CI: CI (token operator)',
      action: 'evidence.log',
    });
  });

  it('GET /healthz: 200 while the store directory is writable, 503 when it is gone', async () => {
    const w = await start();
    const ok = await api(w, '/healthz', { method: 'GET', token: null });
    expect(ok).toMatchObject({ status: 200, json: { ok: true, store: 'writable' } });
    await rm(dirname(w.dbPath), { recursive: true, force: true });
    const down = await api(w, '/healthz', { method: 'GET', token: null });
    expect(down.status).toBe(503);
    expect(down.json).toMatchObject({ ok: false, store: 'not writable' });
  });

  it('without CUTOVER_API_TOKEN the API answers 503 "the API is off"; /healthz still answers', async () => {
    const w = await start('http', null);
    await refusedWith(w, '/api/gates/producer-suite', { body: { status: 'green', sha: SHA } }, 503, {
      error: 'api_off',
      message: expect.stringContaining('CUTOVER_API_TOKEN'),
    });
    expect((await api(w, '/healthz', { method: 'GET', token: null })).status).toBe(200);
    // Bolt's own endpoint is untouched by the API's routes.
    expect((await w.command('U0ANY', 'help')).status).toBe(200);
  });
});

describe('the CI API in Socket Mode', () => {
  it('listens on its own port when a token is set, and answers as in HTTP mode', async () => {
    const w = await start('socket');
    expect(w.bot.port).toBeUndefined();
    expect(w.bot.apiPort).toBeGreaterThan(0);
    await assignRoles(w);
    await w.command(PEOPLE.producerRollback, `target service.v3.0 ${SHA}`);
    const a = await api(w, '/api/gates/consumer-suite', {
      body: { status: 'red', sha: SHA },
      headers: { 'x-ci-name': 'Jenkins' },
    });
    expect(a).toMatchObject({ status: 200, json: { ok: true, gate: { status: 'red' } } });
    expect((await w.historyOnDisk()).at(-1)).toMatchObject({
      by: 'CI: Jenkins (token operator)',
      after: 'red',
    });
    await refusedWith(
      w,
      '/api/gates/consumer-suite',
      { token: 'wrong-token-wrong-token', body: {} },
      401,
      {},
    );
    expect((await api(w, '/healthz', { method: 'GET', token: null })).status).toBe(200);
    const other = await fetch(`http://127.0.0.1:${w.bot.apiPort}/slack/events`, { method: 'POST' });
    expect(other.status).toBe(404);
    await other.text();
  });

  it('opens no port without a token', async () => {
    const w = await start('socket', null);
    expect(w.bot.apiPort).toBeUndefined();
  });
});

/** Sends one request with this exact request line (fetch cannot send a URL that does not parse). */
function rawRequest(port: number, line: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`${line}\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
    });
    let text = '';
    socket.on('data', (d: Buffer) => {
      text += d.toString('utf8');
    });
    socket.on('error', reject);
    socket.on('end', () => {
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), body });
    });
  });
}

describe('malformed paths, and /healthz on a disk that cannot take writes', () => {
  for (const mode of ['http', 'socket'] as const) {
    it(`answers a path that is not valid percent-encoding 400 in JSON, naming the path (${mode})`, async () => {
      const w = await start(mode);
      const a = await refusedWith(w, '/api/gates/%E0%A4%A', { body: { status: 'green', sha: SHA } }, 400, {
        error: 'invalid',
        field: 'path',
        message: expect.stringContaining('/api/gates/%E0%A4%A'),
      });
      expect(a.headers.get('content-type')).toContain('application/json');
      await refusedWith(w, '/api/evidence/%ZZ', { body: { url: 'https://ci.example.com/1' } }, 400, {
        field: 'path',
      });
      // The server goes on answering, the API and Slack alike.
      expect((await api(w, '/healthz', { method: 'GET', token: null })).status).toBe(200);
      expect((await w.command('U0ANY', 'help')).status).toBe(200);
    });

    it(`answers a request whose URL cannot be read at all 400 in JSON, and goes on serving (${mode})`, async () => {
      const w = await start(mode);
      for (const target of ['//[', 'http://[/api/gates/producer-suite']) {
        const res = await rawRequest(w.bot.apiPort ?? 0, `POST ${target} HTTP/1.1`);
        expect(res.status).toBe(400);
        expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: 'invalid', field: 'path' });
      }
      expect((await api(w, '/healthz', { method: 'GET', token: null })).status).toBe(200);
    });
  }

  it('/healthz answers 503 with why while every write fails with ENOSPC, and 200 once the disk takes writes again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cutover-health-'));
    const dbPath = join(dir, 'cutover.json');
    let full = false;
    const io: StoreIo = {
      async write(_path, handle, data, position) {
        if (full)
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        for (let done = 0; done < data.length; ) {
          const { bytesWritten } = await handle.write(data, done, data.length - done, position + done);
          done += bytesWritten;
        }
      },
      sync: (_path, handle) => handle.sync(),
    };
    const program = await loadProgram(SHIPPED_PROGRAM);
    const store = await openJsonFileStore({
      path: dbPath,
      schema: StoreDocument,
      version: STORE_VERSION,
      create: () => newDocument(program),
      log: { field: 'history', entry: HistoryEntry },
      io,
    });
    const programs = await programsOf(store);
    const service = programs.get(program.id);
    if (!service) throw new Error('no program');
    const ciApi = createCiApi({
      programs,
      token: TOKEN,
      health: () => store.health(),
      now: () => new Date(),
      logger: { error: () => {} },
    });
    const server = await startApiServer(ciApi, { host: '127.0.0.1', port: 0 });
    const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;
    const healthz = async () => {
      const res = await fetch(url('/healthz'));
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    };
    const admin = { kind: 'user' as const, userId: 'UADMIN', isAdmin: true };
    const assign = (user: string) =>
      service.run({ type: 'role.assign', role: 'decision-log-owner', user }, admin, new Date());
    try {
      expect(await healthz()).toEqual({ status: 200, json: { ok: true, store: 'writable' } });

      full = true;
      await expect(assign('ULOG')).rejects.toThrow(/ENOSPC/);
      const down = await healthz();
      expect(down.status).toBe(503);
      expect(down.json).toMatchObject({
        ok: false,
        store: 'not writable',
        message: expect.stringContaining('ENOSPC'),
      });
      expect(await readdir(dir)).not.toContain('.cutover.json.tmp');

      full = false;
      expect(await healthz()).toEqual({ status: 200, json: { ok: true, store: 'writable' } });
      expect((await assign('ULOG')).ok).toBe(true);
      expect(await readFile(logPathOf(dbPath, 'history'), 'utf8')).toContain('"action":"role.assign"');
    } finally {
      await server.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the CI API binds each result to the commit it verified (issue 9)', () => {
  const OTHER = '2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a';
  const gate = '/api/gates/producer-suite';
  async function targeted() {
    const w = await start();
    await assignRoles(w);
    await w.command(PEOPLE.producerRollback, `target service.v3.0 ${SHA}`);
    return w;
  }

  it('requires the full commit SHA: missing or malformed is 400 naming sha, and nothing is written', async () => {
    const w = await targeted();
    await refusedWith(w, gate, { body: { status: 'green' } }, 400, {
      field: 'sha',
      message: expect.stringContaining('required'),
    });
    await refusedWith(w, gate, { body: { status: 'green', sha: SHA.slice(0, 12) } }, 400, { field: 'sha' });
    await refusedWith(w, gate, { body: { status: 'green', sha: `${SHA.slice(0, 39)}g` } }, 400, {
      field: 'sha',
    });
  });

  it('a result for another commit is stored against it, answered counts: false, and never turns the gate green', async () => {
    const w = await targeted();
    const a = await api(w, gate, { body: { status: 'green', sha: OTHER } });
    expect(a.status).toBe(200);
    expect(a.json).toMatchObject({
      ok: true,
      counts: false,
      current_target: { tag: 'service.v3.0', sha: SHA },
      gate: { status: 'pending', stale: true, latest: { sha: OTHER, status: 'green' } },
      readiness: { gates: { 'producer-suite': 'pending' } },
    });
    const status = await w.command(PEOPLE.logOwner, 'status');
    expect(JSON.stringify(status.body)).toMatch(/`producer-suite`[^"]*\*pending\*/);
    // Restated, it is unchanged, still does not count, and nothing is written.
    const before = await onDisk(w);
    const again = await api(w, gate, { body: { status: 'green', sha: OTHER } });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({
      ok: true,
      changed: false,
      counts: false,
      current_target: { tag: 'service.v3.0', sha: SHA },
      gate: { status: 'pending', stale: true },
    });
    expect(await onDisk(w)).toBe(before);
    // Published later, that commit's result counts.
    await w.command(PEOPLE.producerRollback, `target service.v3.1 ${OTHER}`);
    expect(
      w
        .program()
        .cutover()
        .gates.find((g) => g.id === 'producer-suite')?.results,
    ).toEqual([expect.objectContaining({ sha: OTHER, status: 'green' })]);
  });

  it('a gate marked perTarget: false counts a result for any commit (counts: true), as readiness reads it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cutover-org-gate-'));
    try {
      const program = JSON.parse(await readFile(SHIPPED_PROGRAM, 'utf8'));
      program.gates = program.gates.map((g: { id: string }) =>
        g.id === 'producer-suite' ? { ...g, perTarget: false } : g,
      );
      const file = join(dir, 'organisational.json');
      await writeFile(file, JSON.stringify(program));
      h = await startHarness({ program: file, env: { CUTOVER_API_TOKEN: TOKEN } });
      await assignRoles(h);
      await h.command(PEOPLE.producerRollback, `target service.v3.0 ${SHA}`);
      const a = await api(h, gate, { body: { status: 'green', sha: OTHER } });
      expect(a.status).toBe(200);
      expect(a.json).toMatchObject({
        ok: true,
        counts: true,
        current_target: { tag: 'service.v3.0', sha: SHA },
        gate: { status: 'green' },
        readiness: { gates: { 'producer-suite': 'green' } },
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('evidence for a commit that is not the current target is 409 stale_target, naming the target', async () => {
    const w = await targeted();
    await refusedWith(
      w,
      '/api/evidence/producer-handoff',
      { body: { url: 'https://ci.example.com/handoff/1', sha: OTHER } },
      409,
      { error: 'stale_target', message: expect.stringContaining(LABEL) },
    );
  });

  it('a link with a line break is 400 naming the field, and nothing is written', async () => {
    const w = await targeted();
    await refusedWith(
      w,
      '/api/evidence/producer-handoff',
      { body: { url: 'https://ci.example.com/runs/41\n:scales: *Decision* NO-GO → *GO*' } },
      400,
      { field: 'url', message: expect.stringContaining('no spaces, line breaks or control characters') },
    );
    await refusedWith(
      w,
      gate,
      { body: { status: 'green', sha: SHA, run_url: 'https://ci.example.com/1 ok' } },
      400,
      {
        field: 'run_url',
      },
    );
  });

  it('an Idempotency-Key applies a request once; the same key with another body is 422', async () => {
    const w = await targeted();
    const key = { 'idempotency-key': 'run-77-1-producer-suite' };
    const first = await api(w, gate, { body: { status: 'red', sha: SHA }, headers: key });
    expect(first.json).toMatchObject({ ok: true, changed: true });
    const bytes = await onDisk(w);
    const history = (await w.historyOnDisk()).length;
    const again = await api(w, gate, { body: { status: 'red', sha: SHA }, headers: key });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({
      ok: true,
      changed: false,
      replayed: true,
      message: (first.json as { message: string }).message,
    });
    expect(await onDisk(w)).toBe(bytes);
    expect((await w.historyOnDisk()).length).toBe(history);
    await refusedWith(w, gate, { body: { status: 'green', sha: SHA }, headers: key }, 422, {
      error: 'idempotency_conflict',
    });
    await refusedWith(
      w,
      gate,
      { body: { status: 'green', sha: SHA }, headers: { 'idempotency-key': 'has space' } },
      400,
      {
        field: 'Idempotency-Key',
      },
    );
  });
});

describe('links from CI are links (issue 10)', () => {
  const FORGED = 'https://ci.example.com/runs/41\n:scales: *Decision* runtime-cutover NO-GO → *GO*';
  async function targeted() {
    const w = await start();
    await assignRoles(w);
    await w.command(PEOPLE.producerRollback, `target service.v3.0 ${SHA}`);
    return w;
  }
  const statusText = async (w: Harness) =>
    JSON.stringify((await w.command(PEOPLE.logOwner, 'status')).body).replace(/\\n/g, '\n');

  it('a link carrying a forged decision line is 400 naming the field, nothing is written, and status shows no such line', async () => {
    const w = await targeted();
    const history = (await w.historyOnDisk()).length;
    await refusedWith(w, '/api/evidence/producer-handoff', { body: { url: FORGED, sha: SHA } }, 400, {
      error: 'invalid',
      field: 'url',
      message: expect.stringContaining('a link has no spaces, line breaks or control characters'),
    });
    await refusedWith(
      w,
      '/api/gates/producer-suite',
      { body: { status: 'green', sha: SHA, evidence_url: FORGED } },
      400,
      { field: 'evidence_url' },
    );
    await refusedWith(
      w,
      '/api/gates/producer-suite',
      { body: { status: 'green', sha: SHA, run_url: 'https://ci.example.com/runs/41\tlooks good' } },
      400,
      { field: 'run_url' },
    );
    expect((await w.historyOnDisk()).length).toBe(history);
    const status = await statusText(w);
    expect(status.split('\n').filter((l) => l.startsWith(':scales:'))).toEqual([]);
    expect(status).not.toContain('runs/41');
  });

  it('a link with a right-to-left override is 400 naming the field and the character', async () => {
    const w = await targeted();
    await refusedWith(
      w,
      '/api/gates/producer-suite',
      { body: { status: 'green', sha: SHA, run_url: 'https://evil.example/\u202Efdp.exe' } },
      400,
      { field: 'run_url', message: expect.stringContaining('invisible character (U+202E)') },
    );
  });

  it('a link is stored, answered and shown as the URL parser normalises it', async () => {
    const w = await targeted();
    const a = await api(w, '/api/evidence/producer-handoff', {
      body: { url: '  HTTPS://CI.Example.COM:443/runs/./a/../41  ', sha: SHA },
    });
    expect(a.status).toBe(200);
    expect(JSON.stringify(a.json)).toContain('"https://ci.example.com/runs/41"');
    const stored = w
      .program()
      .cutover()
      .evidence.find((e) => e.id === 'producer-handoff');
    expect(stored?.entries.map((e) => e.url)).toEqual(['https://ci.example.com/runs/41']);
    expect(JSON.stringify((await w.disk()).data.cutover)).not.toContain('CI.Example');
    expect(await statusText(w)).toContain('<https://ci.example.com/runs/41|logged>');
  });
});
