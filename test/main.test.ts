/**
 * `npm start` as a newcomer runs it: the built dist/main.js in a child process, configured only by its
 * environment, answering /cutover status with the seeds' state in both modes; and refusing to start, with a
 * message and no stack trace, on a bad environment or a corrupt store. dist/ is built once by
 * test/global-setup.ts, as `npm start` builds it first.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SHIPPED_PROGRAM } from './fixtures/programs.js';
import { slashCommand, slashCommandForm } from './slack/payloads.js';
import { postToBolt } from './slack/signing.js';
import { type SlackStandIn, startSlackStandIn } from './slack/stand-in.js';

const SECRET = 'main-test-signing-secret';
let child: ChildProcess | undefined;
let slack: SlackStandIn | undefined;
let dir = '';

afterEach(async () => {
  if (child && child.exitCode === null) {
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

/** Starts dist/main.js with exactly `env` (plus PATH), resolving with its output once it says it runs or exits. */
function start(env: Record<string, string>): Promise<{ out: string; code: number | null }> {
  const proc = spawn(process.execPath, ['dist/main.js'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: 'pipe',
  });
  child = proc;
  let out = '';
  return new Promise((resolve) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('cutover-bot is running')) resolve({ out, code: null });
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.once('exit', (code) => resolve({ out, code }));
  });
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

describe('npm start', () => {
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
    expect(r.out).toContain('CUTOVER_CHANNEL_ID: required');
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
