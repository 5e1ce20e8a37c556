/**
 * Changes under concurrency: waves of 1, 10, 100 and 500 concurrent signed `/cutover role …` changes (an admin
 * assigning a role to someone new each time: every one a real change, history and alert included) to the built
 * bot in its own process, as `npm start` runs it, interleaved with the same waves to a bare Bolt app in its own
 * process. Counts changes per second and the ack latency as the sender sees it, and every answer that was not a
 * change: Bolt's 404 after its 3 s window, or the bot's "too busy" refusal.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Cutover } from '../src/core/schema.js';
import { slashCommand, slashCommandForm } from '../test/slack/payloads.js';
import { postToBolt } from '../test/slack/signing.js';
import { startSlackStandIn } from '../test/slack/stand-in.js';
import { realisticProgram, seedStore, writeProgram } from './fixtures.js';
import type { AddRow } from './row.js';

export const SECRET = 'bench-signing-secret-0123456789';
const ACK_WINDOW_MS = 3000;

export interface Child {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/** Starts `node <script>` and waits for it to print its port. */
export async function child(script: string, env: Record<string, string>, portLine: RegExp): Promise<Child> {
  // `BENCH_CPU_PROF=<dir>` profiles the bot (node --cpu-prof), to see where a change's CPU goes.
  const prof =
    process.env.BENCH_CPU_PROF && script.endsWith('main.js')
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
      : [];
  const proc: ChildProcess = spawn(process.execPath, [...prof, script], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = portLine.exec(out);
      if (m) resolve(Number(m[1]));
    });
    proc.stderr?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    proc.once('exit', (code) => reject(new Error(`${script} exited ${code}: ${out}`)));
  });
  return {
    port,
    pid: proc.pid ?? 0,
    async stop() {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

interface Wave {
  ms: number;
  latencies: number[];
  changes: number;
  notFound: number;
  busy: number;
  other: string[];
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};

/**
 * The built bot (as `npm start` runs it, over HTTP, on a store seeded with `events` history entries of `program`)
 * and a bare Bolt app, each in its own process, both pointed at the Slack stand-in at `slackApiUrl`.
 */
export async function startBotAndBare(
  dir: string,
  program: Cutover,
  slackApiUrl: string,
  events: number,
): Promise<{ bot: Child; bare: Child; dbPath: string }> {
  const dbPath = await seedStore(dir, program, events);
  const bot = await child(
    'dist-bench/src/main.js',
    {
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slackApiUrl,
      HOST: '127.0.0.1',
      PORT: '0',
      CUTOVER_CHANNEL_ID: 'C0CUTOVER',
      CUTOVER_ADMINS: 'UADMIN',
      CUTOVER_DB_PATH: dbPath,
      CUTOVER_PROGRAM: await writeProgram(dir, program),
      LOG_LEVEL: 'error',
    },
    /HTTP on port (\d+)/,
  );
  const bare = await child(
    'dist-bench/bench/bare-bolt.js',
    { SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slackApiUrl },
    /bare Bolt on port (\d+)/,
  );
  return { bot, bare, dbPath };
}

export async function concurrency(work: string, add: AddRow, quick: boolean) {
  const slack = await startSlackStandIn({ validateBlocks: false });
  const program = realisticProgram('programs/service-v3.json');
  const dir = join(work, 'concurrency');
  const { bot, bare } = await startBotAndBare(dir, program, slack.apiUrl, 10_000);

  let n = 0;
  const wave = async (port: number, size: number): Promise<Wave> => {
    const w: Wave = { ms: 0, latencies: [], changes: 0, notFound: 0, busy: 0, other: [] };
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: size }, async () => {
        const user = `UB${String(++n).padStart(7, '0')}`;
        const body = slashCommandForm(
          slashCommand({ text: `role decision-log-owner <@${user}|${user}>`, user_id: 'UADMIN' }),
        );
        const t = performance.now();
        const r = await postToBolt(`http://127.0.0.1:${port}/slack/events`, SECRET, body, { kind: 'form' });
        w.latencies.push(performance.now() - t);
        if (r.status === 404) w.notFound++;
        else if (r.status !== 200) w.other.push(`HTTP ${r.status}`);
        else if (r.text.includes('too busy')) w.busy++;
        else if (r.text.includes(':white_check_mark:') || r.text === 'ok') w.changes++;
        else w.other.push(r.text.slice(0, 120));
      }),
    );
    w.ms = performance.now() - t0;
    return w;
  };

  // Warm both up (JIT, connections, the bot's first writes).
  for (let i = 0; i < 3; i++) {
    await wave(bot.port, 20);
    await wave(bare.port, 20);
  }

  const section = 'Concurrency (HTTP)';
  for (const size of [1, 10, 100, 500]) {
    const requests = quick ? Math.max(size, 40) : Math.max(size * 2, 200);
    const waves = Math.ceil(requests / size);
    const ours: Wave[] = [];
    const theirs: Wave[] = [];
    for (let i = 0; i < waves; i++) {
      ours.push(await wave(bot.port, size));
      theirs.push(await wave(bare.port, size));
      await new Promise((r) => setTimeout(r, size >= 100 ? 500 : 0)); // let the alert delivery catch up
    }
    const sum = (ws: Wave[], f: (w: Wave) => number) => ws.reduce((a, w) => a + f(w), 0);
    const rate = (ws: Wave[], f: (w: Wave) => number) => (1000 * sum(ws, f)) / sum(ws, (w) => w.ms);
    const botRate = rate(ours, (w) => w.changes);
    const bareRate = rate(theirs, (w) => w.changes);
    const botP99 = pct(
      ours.flatMap((w) => w.latencies),
      99,
    );
    const bareP99 = pct(
      theirs.flatMap((w) => w.latencies),
      99,
    );
    const notFound = sum(ours, (w) => w.notFound);
    const busy = sum(ours, (w) => w.busy);
    const other = ours.flatMap((w) => w.other);
    if (other.length)
      throw new Error(`unexpected answers at ${size} concurrent: ${other.slice(0, 3).join(' | ')}`);
    const total = waves * size;
    add({
      section,
      figure: `${size} concurrent: changes per second (bare Bolt)`,
      value: `${botRate.toFixed(0)}/s (bare ${bareRate.toFixed(0)}/s, ${(botRate / bareRate).toFixed(2)}×)`,
      target: 'reported',
      met: null,
      ...(size === 1
        ? {
            note: 'waves of N concurrent signed `/cutover role …` changes (each a real change, with its history line and alert) to the built bot and to a bare Bolt app, each in its own process, waves interleaved; the store commits whatever waits for the writer as one group (one log append, one document write)',
          }
        : {}),
    });
    add({
      section,
      figure: `${size} concurrent: p99 ack as sent (bare Bolt)`,
      value: `${p99(botP99)} (bare ${p99(bareP99)}, ${(botP99 / bareP99).toFixed(1)}×)`,
      target: size === 500 ? '< 3000 ms' : 'reported',
      met: size === 500 ? botP99 < ACK_WINDOW_MS : null,
      ifMissed:
        'the sender and the bot share two noisy cores; a change costs the core, the alert it composes and the schema check of the whole document, which a burst of 500 pays in series',
    });
    add({
      section,
      figure: `${size} concurrent: answered 404 / refused too busy, of ${total}`,
      value: `${notFound} / ${busy}`,
      target: '0 / reported',
      met: notFound === 0,
      ifMissed: 'Bolt answered after its 3 s window: a change decided too late for Slack',
    });
  }
  await bot.stop();
  await bare.stop();
  await slack.close();
}

const p99 = (x: number) => `${x.toFixed(0)} ms`;
