/**
 * `npm start` as a newcomer runs it: the built dist/main.js in a child process, configured only by its
 * environment (or by a `.env` made from `.env.example` exactly as README's step 4 says), answering /cutover status
 * with the seeds' state in both modes; and refusing to start, with one message and no stack trace, on a bad
 * environment, a token Slack refuses, a Slack it cannot reach, or a corrupt store. dist/ is built once by
 * test/global-setup.ts, as `npm start` builds it first.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnBot } from './fixtures/child-process.js';
import { SHIPPED_PROGRAM } from './fixtures/programs.js';
import { slashCommand, slashCommandForm } from './slack/payloads.js';
import { postToBolt } from './slack/signing.js';
import { type SlackStandIn, startSlackStandIn } from './slack/stand-in.js';

const SECRET = 'main-test-signing-secret';
const ENV_EXAMPLE = fileURLToPath(new URL('../.env.example', import.meta.url));
let child: ChildProcess | undefined;
let slack: SlackStandIn | undefined;
let dir = '';

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child?.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  child = undefined;
  await slack?.close();
  slack = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = '';
});

/**
 * Starts dist/main.js with the suite's start helper: in `cwd` (default an empty directory of its own, so the
 * project's `.env` and `data/` are never read) with exactly `env` (plus PATH), resolving with its output
 * once it says it runs or exits. One that does neither within `giveUpMs` (a start hanging on retries; generous,
 * since a loaded 2-core machine starts a Node process slowly: this is a bound, not a measure) is killed,
 * and resolves with `code: null` and what it printed.
 */
function start(
  env: Record<string, string>,
  { cwd, giveUpMs = 18_000 }: { cwd?: string; giveUpMs?: number } = {},
): Promise<{ out: string; code: number | null }> {
  const proc = spawnBot(env, cwd ? { cwd } : {});
  child = proc;
  let out = '';
  return new Promise((resolve) => {
    const giveUp = setTimeout(() => {
      proc.kill('SIGKILL');
      resolve({ out, code: null });
    }, giveUpMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('cutover-bot is running')) {
        clearTimeout(giveUp);
        resolve({ out, code: null });
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.once('exit', (code) => {
      clearTimeout(giveUp);
      resolve({ out, code });
    });
  });
}

/** A loopback port nothing listens on: listened on, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** README step 4: `cp .env.example .env`, then fill in these four; every other line stays as it is. */
const README_FOUR = {
  SLACK_BOT_TOKEN: 'xoxb-1234-5678-first-contact',
  SLACK_APP_TOKEN: 'xapp-1-A0FIRST-1234-contact',
  CUTOVER_CHANNEL_ID: 'C0CUTOVER',
  CUTOVER_ADMINS: 'U0ADMIN',
};

/** Copies `.env.example` to `<dir>/.env` with `values` filled in on their own lines (each must be there). */
async function envFromExample(values: Record<string, string>) {
  let text = await readFile(ENV_EXAMPLE, 'utf8');
  for (const [name, value] of Object.entries(values)) {
    const line = new RegExp(`^${name}=.*$`, 'm');
    expect(text, `.env.example has a line ${name}=`).toMatch(line);
    text = text.replace(line, `${name}=${value}`);
  }
  await writeFile(join(dir, '.env'), text);
}

async function setup() {
  slack = await startSlackStandIn();
  dir = await mkdtemp(join(tmpdir(), 'cutover-main-'));
  return {
    SLACK_BOT_TOKEN: 'xoxb-main-test',
    SLACK_API_URL: slack.apiUrl,
    CUTOVER_CHANNEL_ID: 'C0CUTOVER',
    CUTOVER_DB_PATH: join(dir, 'cutover.json'),
    CUTOVER_PROGRAM: SHIPPED_PROGRAM,
    HOST: '127.0.0.1',
    PORT: '0',
  };
}

describe('npm start', { timeout: 45_000 }, () => {
  it("in Socket Mode answers /cutover status with the seeds' state, and releases the store's lock on SIGTERM", async () => {
    const env = await setup();
    const started = await start({ ...env, SLACK_APP_TOKEN: 'xapp-main-test' });
    expect(started.out).toContain('cutover-bot is running (Socket Mode)');
    await slack?.socket.connected();
    const ack = await slack?.socket.send(
      'slash_commands',
      slashCommand({ text: 'status', user_id: 'U0ANY' }),
    );
    expect(JSON.stringify(ack?.payload)).toContain('Blockers before phase 8 — 4 of 4 open');
    const exited = new Promise<number | null>((r) => child?.once('exit', r));
    child?.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(stat(`${env.CUTOVER_DB_PATH}.lock`)).rejects.toThrow();
  });

  it("in HTTP mode answers a signed /cutover status with the seeds' state", async () => {
    const env = await setup();
    const started = await start({ ...env, SLACK_SIGNING_SECRET: SECRET });
    const port = /HTTP on port (\d+)/.exec(started.out)?.[1];
    expect(port).toBeDefined();
    const res = await postToBolt(
      `http://127.0.0.1:${port}/slack/events`,
      SECRET,
      slashCommandForm(slashCommand({ text: 'status', user_id: 'U0ANY' })),
      { kind: 'form' },
    );
    expect(res.status).toBe(200);
    expect(res.text).toContain('Runtime cutover execution (`runtime-cutover`): *NO-GO*');
  });

  it('refuses to start on a bad environment, naming each variable, without a stack trace', async () => {
    const r = await start({ SLACK_BOT_TOKEN: 'nope' });
    expect(r.code).toBe(1);
    expect(r.out).toContain('SLACK_BOT_TOKEN: a bot token starts with xoxb-');
    expect(r.out).toContain('SLACK_APP_TOKEN: set it');
    expect(r.out).not.toMatch(/\n\s+at /);
  });

  it('refuses to start on a corrupt store, leaves the file untouched, and says how to restore', async () => {
    const env = await setup();
    await writeFile(env.CUTOVER_DB_PATH, '{"schemaVersion":1,"data":{"cutover":');
    const before = await readFile(env.CUTOVER_DB_PATH, 'utf8');
    const r = await start({ ...env, SLACK_APP_TOKEN: 'xapp-main-test' });
    expect(r.code).toBe(1);
    expect(r.out).toContain(env.CUTOVER_DB_PATH);
    expect(r.out).toMatch(/restore/i);
    expect(r.out).not.toMatch(/\n\s+at /);
    expect(await readFile(env.CUTOVER_DB_PATH, 'utf8')).toBe(before);
  });
});

describe('npm start after README step 4, with a .env made from .env.example', { timeout: 45_000 }, () => {
  // Only SLACK_API_URL (Slack here is the stand-in) comes from the environment. Everything else, the lines left
  // empty included (`CUTOVER_PROGRAM=`, `SLACK_SIGNING_SECRET=`…), main reads from .env itself, as `npm start` does.
  it("with only README's four variables filled in, runs in Socket Mode and answers /cutover status", async () => {
    slack = await startSlackStandIn();
    dir = await mkdtemp(join(tmpdir(), 'cutover-first-'));
    await envFromExample(README_FOUR);
    const started = await start({ SLACK_API_URL: slack.apiUrl }, { cwd: dir });
    expect(started.out).toContain('cutover-bot is running (Socket Mode)');
    await slack.socket.connected();
    const ack = await slack.socket.send(
      'slash_commands',
      slashCommand({ text: 'status', user_id: 'U0ADMIN' }),
    );
    expect(JSON.stringify(ack.payload)).toContain('Blockers before phase 8 — 4 of 4 open');
    // The store is where .env.example says: the catalog lists the shipped program, whose document is beside it.
    const catalog = JSON.parse(await readFile(join(dir, 'data', 'cutover.json'), 'utf8'));
    expect(catalog.data.programs.map((p: { id: string }) => p.id)).toEqual(['service-v3']);
    const doc = JSON.parse(await readFile(join(dir, 'data', 'cutover.programs', 'service-v3.json'), 'utf8'));
    expect(doc.data.cutover.id).toBe('service-v3');
  });

  it('in HTTP mode as README says (SLACK_APP_TOKEN left empty, a signing secret), answers a signed /cutover status', async () => {
    slack = await startSlackStandIn();
    dir = await mkdtemp(join(tmpdir(), 'cutover-first-'));
    await envFromExample({ ...README_FOUR, SLACK_APP_TOKEN: '', SLACK_SIGNING_SECRET: SECRET });
    // HOST and PORT from the environment win over .env's 0.0.0.0:3000: tests listen on a free loopback port.
    const started = await start({ SLACK_API_URL: slack.apiUrl, HOST: '127.0.0.1', PORT: '0' }, { cwd: dir });
    const port = /HTTP on port (\d+)/.exec(started.out)?.[1];
    expect(port, started.out).toBeDefined();
    const res = await postToBolt(
      `http://127.0.0.1:${port}/slack/events`,
      SECRET,
      slashCommandForm(slashCommand({ text: 'status', user_id: 'U0ADMIN' })),
      { kind: 'form' },
    );
    expect(res.status).toBe(200);
    expect(res.text).toContain('Runtime cutover execution (`runtime-cutover`): *NO-GO*');
  });
});

/**
 * A refusal at start is exactly one line naming the variable and the fix; exit code 1; no "running" before it; no
 * stack trace; and no store file written.
 */
async function expectOneLineRefusal(r: { out: string; code: number | null }, dbPath: string, line: RegExp) {
  expect(r.out).not.toContain('is running');
  expect(r.code, r.out).toBe(1);
  expect(r.out.trimEnd().split('\n'), r.out).toHaveLength(1);
  expect(r.out).toMatch(line);
  await expect(stat(dbPath)).rejects.toThrow();
}

describe('npm start with a token Slack refuses, or a Slack it cannot reach', { timeout: 45_000 }, () => {
  const refusals = [
    {
      title: 'a wrong bot token in HTTP mode (auth.test answers invalid_auth)',
      mode: 'http',
      method: 'auth.test',
      error: 'invalid_auth',
      line: /^cutover-bot cannot start: SLACK_BOT_TOKEN was refused by Slack \(invalid_auth\): copy the Bot User OAuth Token \(xoxb-…\) again from OAuth & Permissions/,
    },
    {
      title: 'a wrong bot token in Socket Mode (auth.test answers invalid_auth)',
      mode: 'socket',
      method: 'auth.test',
      error: 'invalid_auth',
      line: /^cutover-bot cannot start: SLACK_BOT_TOKEN was refused by Slack \(invalid_auth\)/,
    },
    {
      title: 'a revoked bot token (auth.test answers token_revoked)',
      mode: 'socket',
      method: 'auth.test',
      error: 'token_revoked',
      line: /^cutover-bot cannot start: SLACK_BOT_TOKEN is no longer valid \(Slack answered token_revoked\): reinstall the app to the workspace \(Install App\) and put its new Bot User OAuth Token/,
    },
    {
      title: 'no token reaching Slack (auth.test answers not_authed)',
      mode: 'http',
      method: 'auth.test',
      error: 'not_authed',
      line: /^cutover-bot cannot start: SLACK_BOT_TOKEN did not reach Slack \(Slack answered not_authed\): set it in \.env to the Bot User OAuth Token/,
    },
    {
      title: 'an app token that cannot open a connection (apps.connections.open answers invalid_auth)',
      mode: 'socket',
      method: 'apps.connections.open',
      error: 'invalid_auth',
      line: /^cutover-bot cannot start: SLACK_APP_TOKEN cannot open a Socket Mode connection \(Slack answered invalid_auth\): make an app-level token with the connections:write scope/,
    },
  ] as const;

  for (const { title, mode, method, error, line } of refusals)
    it(`refuses ${title} in one line, exit code 1`, async () => {
      const env = await setup();
      slack?.failWhile(method, { error });
      const r = await start({
        ...env,
        ...(mode === 'socket' ? { SLACK_APP_TOKEN: 'xapp-main-test' } : { SLACK_SIGNING_SECRET: SECRET }),
      });
      await expectOneLineRefusal(r, env.CUTOVER_DB_PATH, line);
      expect(slack?.allCalls(method).at(-1)?.error).toBe(error);
    });

  it.each(['http', 'socket'] as const)(
    'refuses in one line when nothing answers at SLACK_API_URL (connection refused, %s mode)',
    async (mode) => {
      const env = await setup();
      const apiUrl = `http://127.0.0.1:${await closedPort()}/api/`;
      const r = await start({
        ...env,
        SLACK_API_URL: apiUrl,
        ...(mode === 'socket' ? { SLACK_APP_TOKEN: 'xapp-main-test' } : { SLACK_SIGNING_SECRET: SECRET }),
      });
      await expectOneLineRefusal(
        r,
        env.CUTOVER_DB_PATH,
        new RegExp(
          `^cutover-bot cannot start: cannot reach Slack at ${apiUrl.replaceAll('.', '\\.')} \\(ECONNREFUSED\\): check SLACK_API_URL \\(leave it empty for https://slack\\.com/api/\\)`,
        ),
      );
    },
  );

  it('refuses in one line when Slack answers HTTP 503, naming SLACK_API_URL', async () => {
    const env = await setup();
    slack?.failWhile('auth.test', { status: 503 });
    const r = await start({ ...env, SLACK_SIGNING_SECRET: SECRET });
    await expectOneLineRefusal(
      r,
      env.CUTOVER_DB_PATH,
      /^cutover-bot cannot start: Slack at http:\/\/127\.0\.0\.1:\d+\/api\/ answered HTTP 503 to auth\.test: check SLACK_API_URL .*Slack may be down/,
    );
  });

  it('refuses in one line when Slack drops the connection, naming SLACK_API_URL', async () => {
    const env = await setup();
    slack?.failWhile('auth.test', { drop: 'before' });
    const r = await start({ ...env, SLACK_APP_TOKEN: 'xapp-main-test' });
    await expectOneLineRefusal(
      r,
      env.CUTOVER_DB_PATH,
      /^cutover-bot cannot start: cannot reach Slack at http:\/\/127\.0\.0\.1:\d+\/api\/ \(.+\): check SLACK_API_URL/,
    );
  });
});
