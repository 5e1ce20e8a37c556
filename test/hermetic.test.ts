/**
 * The suite is hermetic: a bot it starts reads exactly the environment its test gives it, never the developer's
 * `.env`, `data/` or shell. Here the project holds what a newcomer's clone holds after README's set-up and one
 * `npm start` (a `.env` with SLACK_APP_TOKEN filled, a `data/` store), made hostile (a Slack nobody answers, a
 * corrupt store, a database that is not there), and the shell exports the same: the suite's start helper still
 * starts the bot in HTTP mode on the test's own store, and it answers.
 *
 * A `.env` or `data/cutover.json` the developer already has is left exactly as it is (they are no less hostile: the
 * issue's `.env` was README's own); what this test writes is removed afterwards.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runRecordCli } from '../src/record/record-cli.js';
import { spawnBot } from './fixtures/child-process.js';
import { SHIPPED_PROGRAM } from './fixtures/programs.js';
import { slashCommand, slashCommandForm } from './slack/payloads.js';
import { postToBolt } from './slack/signing.js';
import { type SlackStandIn, startSlackStandIn } from './slack/stand-in.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECRET = 'hermetic-test-signing-secret';
const HOSTILE = {
  SLACK_BOT_TOKEN: 'xoxb-hostile-developer',
  SLACK_APP_TOKEN: 'xapp-1-AHOSTILE-developer',
  SLACK_API_URL: 'http://127.0.0.1:9/api/',
  CUTOVER_CHANNEL_ID: 'C0HOSTILE',
  CUTOVER_ADMINS: 'U0HOSTILE',
  DATABASE_URL: 'postgres://hostile:hostile@127.0.0.1:9/hostile',
  // Half a GitHub App: the bot would refuse to start on it.
  GITHUB_APP_ID: '12345',
};
/** What this test wrote into the project (and so removes), and the shell it changed (and so restores). */
const wrote: string[] = [];
const shell: Record<string, string | undefined> = {};
let slack: SlackStandIn;
let dir = '';

async function writeIfAbsent(path: string, text: string) {
  try {
    await writeFile(path, text, { flag: 'wx' });
    wrote.push(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}

beforeAll(async () => {
  slack = await startSlackStandIn();
  dir = await mkdtemp(join(tmpdir(), 'cutover-hermetic-'));
  const env = Object.entries(HOSTILE).map(([k, v]) => `${k}=${v}`);
  await writeIfAbsent(join(ROOT, '.env'), `${env.join('\n')}\nCUTOVER_DB_PATH=data/cutover.json\n`);
  const data = join(ROOT, 'data');
  if (!existsSync(data)) {
    await mkdir(data);
    wrote.push(data);
  }
  await writeIfAbsent(join(data, 'cutover.json'), '{"schemaVersion":1,"data":{"cutover":');
  for (const [k, v] of Object.entries({ ...HOSTILE, CUTOVER_DB_PATH: join(ROOT, 'data', 'cutover.json') })) {
    shell[k] = process.env[k];
    process.env[k] = v;
  }
});

afterAll(async () => {
  for (const [k, v] of Object.entries(shell)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  for (const path of wrote.reverse()) {
    if (path.endsWith('data')) await rmdir(path);
    else await rm(path, { force: true });
  }
  await slack?.close();
  await rm(dir, { recursive: true, force: true });
});

it("the suite's start helper gives a bot only its test's environment: no .env, no data/, no shell variable", async () => {
  expect(existsSync(join(ROOT, '.env'))).toBe(true);
  expect(process.env.SLACK_APP_TOKEN).toBe(HOSTILE.SLACK_APP_TOKEN);
  const dbPath = join(dir, 'cutover.json');
  const child = spawnBot({
    SLACK_BOT_TOKEN: 'xoxb-hermetic-test',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    HOST: '127.0.0.1',
    PORT: '0',
    CUTOVER_CHANNEL_ID: 'C0CUTOVER',
    CUTOVER_ADMINS: 'U0ADMIN',
    CUTOVER_DB_PATH: dbPath,
    CUTOVER_PROGRAM: SHIPPED_PROGRAM,
  });
  const exited = new Promise((r) => child.once('exit', r));
  try {
    let out = '';
    const port = await new Promise<string>((resolve, reject) => {
      const onData = (d: Buffer) => {
        out += d.toString();
        const found = /HTTP on port (\d+)/.exec(out)?.[1];
        if (found) resolve(found);
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => reject(new Error(`the bot exited (${code}): ${out}`)));
    });
    // HTTP mode (the .env's and the shell's SLACK_APP_TOKEN would have made it Socket Mode), on the test's store
    // (theirs is corrupt, and their DATABASE_URL is not there).
    expect(out).toContain(`cutover-bot is running (HTTP on port ${port}`);
    expect(out).toContain(`store ${dbPath}`);
    const res = await postToBolt(
      `http://127.0.0.1:${port}/slack/events`,
      SECRET,
      slashCommandForm(slashCommand({ text: 'status', user_id: 'U0ADMIN', channel_id: 'C0CUTOVER' })),
      { kind: 'form' },
    );
    expect(res.status).toBe(200);
    expect(res.text).toContain('Runtime cutover execution (`runtime-cutover`): *NO-GO*');
    const catalog = JSON.parse(await readFile(dbPath, 'utf8'));
    expect(catalog.data.programs.map((p: { id: string; channel: string }) => [p.id, p.channel])).toEqual([
      ['service-v3', 'C0CUTOVER'],
    ]);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
});

it("`npm run record` reads a relative store path from its own directory, not the project's data/", async () => {
  const out = { stdout: '', stderr: '' };
  const code = await runRecordCli([], {
    cwd: dir,
    env: {},
    now: () => new Date('2026-02-10T00:00:00Z'),
    stdout: (t) => {
      out.stdout += t;
    },
    stderr: (t) => {
      out.stderr += t;
    },
  });
  expect(code).toBe(2);
  expect(out.stderr).toContain('There is no store at data/cutover.json.');
});
