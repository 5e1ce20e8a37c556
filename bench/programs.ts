/**
 * Many programs (issue 12): 200 programs (10 blockers, 6 gates, 1,000 history events each, `p001`… in `C0P001`…,
 * 2,000 distinct role holders, `UMANY` holding a role in 20 of them), measured beside references in the same run:
 * - cold start and RSS of the built bot (`dist-bench/src/main.js`) in its own process, as `npm start` runs it;
 * - `/cutover status` acks of the bot of 200 programs, interleaved with a bare Bolt app;
 * - a change (`/cutover role …`) to the bot of 200 programs and to a bot of 1 program of the same shape, alternated;
 * - `UMANY`'s App Home (the real publisher, selection and render and hash, its `views.publish` captured in memory),
 *   interleaved with the Home of a person who holds one role in the bot of one program.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { App, LogLevel, type types, type webApi } from '@slack/bolt';
import { type Bot, startBot } from '../src/bot.js';
import { systemClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { createHomePublisher } from '../src/slack/home-publisher.js';
import { slashCommand, slashCommandForm } from '../test/slack/payloads.js';
import { postToBolt } from '../test/slack/signing.js';
import { type SlackStandIn, startSlackStandIn } from '../test/slack/stand-in.js';
import { MANY_USER, manyPrograms, seedPrograms, writeProgram } from './fixtures.js';
import type { AddRow } from './row.js';

const SECRET = 'bench-signing-secret-0123456789';
const SECTION = 'Many programs';
const COUNT = 200;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const ms = (x: number) => `${x.toFixed(2)} ms`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/** Spawns the built bot on `dbPath` and waits for it to say it is running: the time it took and its RSS then. */
async function coldStartOnce(slack: SlackStandIn, dbPath: string, programFile: string) {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['dist-bench/src/main.js'], {
    env: {
      PATH: process.env.PATH ?? '',
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
      HOST: '127.0.0.1',
      PORT: '0',
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
  const start = performance.now() - t0;
  // Let start-up garbage settle, then read the resident set from the kernel.
  await new Promise((r) => setTimeout(r, 500));
  const status = await readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => '');
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  return { start, rss };
}

async function inProcessBot(slack: SlackStandIn, dbPath: string, programFile: string): Promise<Bot> {
  const loaded = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    CUTOVER_ADMINS: 'UADMIN',
    CUTOVER_DB_PATH: dbPath,
    CUTOVER_PROGRAM: programFile,
    LOG_LEVEL: 'error',
  });
  if (!loaded.ok) throw new Error(loaded.message);
  return startBot(loaded.config, { host: '127.0.0.1' });
}

export async function manyProgramsSection(work: string, add: AddRow, quick: boolean, shipped: string) {
  const shape = { blockers: 10, gates: 6, events: 1000, people: 2000 };
  const many = manyPrograms(shipped, { ...shape, count: COUNT, manyIn: 20 });
  const holders = new Set(
    many.flatMap((p) => p.cutover.roles.flatMap((r) => (r.assignee ? [r.assignee] : []))),
  );
  const manyHeld = many.filter((p) => p.cutover.roles.some((r) => r.assignee === MANY_USER)).length;
  if (holders.size !== shape.people || manyHeld !== 20)
    throw new Error(`fixture: ${holders.size} role holders, ${MANY_USER} in ${manyHeld} programs`);
  // The reference of one program: the first program of the many, alone in its store.
  const [first] = many;
  if (!first) throw new Error('fixture: no program');
  const dir = join(work, 'many');
  const manyDb = await seedPrograms(join(dir, 'many'), many);
  const oneDb = await seedPrograms(join(dir, 'one'), [first]);
  const programFile = await writeProgram(dir, first.cutover);
  const note = `${COUNT} programs of 10 blockers, 6 gates, 1,000 history events and 11 roles each, ${holders.size.toLocaleString('en')} distinct role holders, ${MANY_USER} holding a role in ${manyHeld}; seeded in the layout of many (catalog + one document and history log per program, through the JSON adapter)`;

  const slack = await startSlackStandIn({ validateBlocks: false });

  // ---- cold start and memory: the built bot in its own process, before anything else holds the store's locks.
  const starts: number[] = [];
  const rss: number[] = [];
  const oneStarts: number[] = [];
  const oneRss: number[] = [];
  // Alternated with starts of the bot of one program (the same program alone in its store), for reference.
  for (let i = 0; i < (quick ? 2 : 5); i++) {
    const r = await coldStartOnce(slack, manyDb, programFile);
    starts.push(r.start);
    rss.push(r.rss);
    const o = await coldStartOnce(slack, oneDb, programFile);
    oneStarts.push(o.start);
    oneRss.push(o.rss);
  }
  const start = pct(starts, 50);
  const mem = pct(rss, 50);
  add({
    section: SECTION,
    figure: 'start to ready / RSS (median), 1 program',
    value: `${ms(pct(oneStarts, 50))} / ${pct(oneRss, 50).toFixed(1)} MB`,
    target: 'reference',
    met: null,
  });
  add({
    section: SECTION,
    figure: `start to ready (median), ${COUNT} programs`,
    value: ms(start),
    target: '≤ 1500 ms',
    met: start <= 1500,
    note: `${note}. Cold start: process spawn of the built bot to "cutover-bot is running", HTTP mode, stand-in answering auth.test; median of ${starts.length}, alternated with as many starts of the bot of one program`,
    ifMissed:
      'start opens every program document (8 at a time), each checked against the schema, and counts each history log',
  });
  add({
    section: SECTION,
    figure: `RSS when ready (median), ${COUNT} programs`,
    value: `${mem.toFixed(1)} MB`,
    target: '≤ 200 MB',
    met: mem <= 200,
    ifMissed: 'every program document is held in memory with its newest history',
  });

  // ---- the bots in this process, and a bare Bolt app.
  const botMany = await inProcessBot(slack, manyDb, programFile);
  const botOne = await inProcessBot(slack, oneDb, programFile);
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
  const manyPort = botMany.port ?? 0;
  const onePort = botOne.port ?? 0;
  const barePort = bareServer.address().port;
  const send = (port: number, user: string, channel: string, text: string) =>
    postToBolt(
      `http://127.0.0.1:${port}/slack/events`,
      SECRET,
      slashCommandForm(
        slashCommand({ text, user_id: user, channel_id: channel, response_url: slack.responseUrl() }),
      ),
      { kind: 'form' },
    ).then((r) => {
      if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${r.text}`);
      return r;
    });
  const channelOf = (i: number) => `C0P${String((i % COUNT) + 1).padStart(3, '0')}`;
  const status = (i: number) =>
    send(manyPort, 'UR0001', channelOf(i * 37), 'status').then((r) => {
      if (r.text.includes('no program') || r.text.includes('No program')) throw new Error(r.text);
    });
  // An admin hands a reviewer role back and forth: a real change every time (history, alert, Homes).
  const flips = new Map<number, number>();
  const change = (port: number, channel: string) => {
    const n = (flips.get(port) ?? 0) + 1;
    flips.set(port, n);
    const user = n % 2 ? 'UFLIPA' : 'UFLIPB';
    return send(port, 'UADMIN', channel, `role reviewer-6 <@${user}>`).then((r) => {
      if (!r.text.includes(':white_check_mark:')) throw new Error(`not a change: ${r.text}`);
    });
  };
  // The many-programs change goes to a program in the middle of the catalog, the one-program change to its one.
  const manyChannel = channelOf(99);
  const oneChannel = first.cutover.channel ?? '';

  // Warm-up: JIT, connections, the first writes.
  for (let i = 0; i < 60; i++) {
    await status(i);
    await send(barePort, 'UR0001', channelOf(i), 'status');
    await change(manyPort, manyChannel);
    await change(onePort, oneChannel);
  }

  const rounds = quick ? 150 : 1000;
  const statusT: number[] = [];
  const bareT: number[] = [];
  const manyChange: number[] = [];
  const oneChange: number[] = [];
  for (let i = 0; i < rounds; i++) {
    // Alternate which goes first, so neither always takes the slot right after the changes' background work.
    const bareStatus = () => timed(() => send(barePort, 'UR0001', channelOf(i), 'status'));
    if (i % 2) {
      statusT.push(await timed(() => status(i)));
      bareT.push(await bareStatus());
    } else {
      bareT.push(await bareStatus());
      statusT.push(await timed(() => status(i)));
    }
    // Alternate which bot goes first, so neither always follows the other's background work.
    if (i % 2) {
      manyChange.push(await timed(() => change(manyPort, manyChannel)));
      oneChange.push(await timed(() => change(onePort, oneChannel)));
    } else {
      oneChange.push(await timed(() => change(onePort, oneChannel)));
      manyChange.push(await timed(() => change(manyPort, manyChannel)));
    }
  }
  const b50 = pct(bareT, 50);
  const b99 = pct(bareT, 99);
  const s50 = pct(statusT, 50);
  const s99 = pct(statusT, 99);
  add({
    section: SECTION,
    figure: 'bare Bolt ack p50 / p99',
    value: `${ms(b50)} / ${ms(b99)}`,
    target: 'reference',
    met: null,
    note: `${rounds} interleaved rounds, each: \`/cutover status\` to the bot of ${COUNT} programs (signed HTTP, in this process, channel_id of one of its programs, a different one each round), the same to a bare Bolt app, then one change to each bot (order alternated)`,
  });
  add({
    section: SECTION,
    figure: `/cutover status p50, ${COUNT} programs (ratio to bare)`,
    value: `${ms(s50)} (${ratio(s50, b50)})`,
    target: '≤ 1.2×',
    met: s50 / b50 <= 1.2,
    ifMissed:
      'the status is rendered from memory (no disk): a p50 of a millisecond or two moves by tenths with the load others put on the shared machine; read it beside the p99 ratio',
  });
  add({
    section: SECTION,
    figure: `/cutover status p99, ${COUNT} programs (ratio to bare)`,
    value: `${ms(s99)} (${ratio(s99, b99)})`,
    target: '≤ 1.5×',
    met: s99 / b99 <= 1.5,
  });
  const m50 = pct(manyChange, 50);
  const m99 = pct(manyChange, 99);
  const o50 = pct(oneChange, 50);
  const o99 = pct(oneChange, 99);
  add({
    section: SECTION,
    figure: `one change p50: ${COUNT} programs / 1 program`,
    value: `${ms(m50)} / ${ms(o50)} (${ratio(m50, o50)})`,
    target: 'reported',
    met: null,
    note: "a change: an admin's `/cutover role reviewer-6 @…` (a real change each time: history line, alert, Homes of the program's role holders), to a program in the middle of the 200 and to the one program of a bot of one (the same program, alone in its store), both bots in this process, alternated",
  });
  add({
    section: SECTION,
    figure: `one change p99: ${COUNT} programs ÷ 1 program`,
    value: `${ms(m99)} / ${ms(o99)} (${ratio(m99, o99)})`,
    target: '≤ 1.5×',
    met: m99 / o99 <= 1.5,
    ifMissed:
      'a change is durable before its ack (fsyncs of one document and its log, whatever the number of programs): the p99 is the fsync tail of a shared virtual disk; compare the p50s',
  });

  // ---- App Home: the real publisher over each bot's programs, its views.publish captured in memory.
  const capture = () => {
    const views: types.HomeView[] = [];
    const client = {
      views: {
        publish: async (args: { view: types.HomeView }) => {
          views.push(args.view);
          return { ok: true };
        },
      },
    } as unknown as webApi.WebClient;
    return { views, client };
  };
  const logger = botMany.slack.app.logger;
  const manyHome = capture();
  const oneHome = capture();
  const manyPublisher = createHomePublisher({
    client: manyHome.client,
    programs: botMany.programs,
    admins: ['UADMIN'],
    logger,
    clock: systemClock,
  });
  const onePublisher = createHomePublisher({
    client: oneHome.client,
    programs: botOne.programs,
    admins: ['UADMIN'],
    logger,
    clock: systemClock,
  });
  manyPublisher.start();
  onePublisher.start();
  // A person who holds one role in the one program (the decision log).
  const oneUser = first.cutover.roles.find((r) => r.id === 'decision-log-owner')?.assignee ?? '';
  if (first.cutover.roles.filter((r) => r.assignee === oneUser).length !== 1)
    throw new Error(`fixture: ${oneUser} should hold one role`);
  const homeRounds = quick ? 100 : 600;
  const manyT: number[] = [];
  const oneT: number[] = [];
  for (let i = 0; i < 30; i++) {
    await manyPublisher.publishFor(MANY_USER);
    await onePublisher.publishFor(oneUser);
  }
  for (let i = 0; i < homeRounds; i++) {
    if (i % 2) {
      manyT.push(await timed(() => manyPublisher.publishFor(MANY_USER)));
      oneT.push(await timed(() => onePublisher.publishFor(oneUser)));
    } else {
      oneT.push(await timed(() => onePublisher.publishFor(oneUser)));
      manyT.push(await timed(() => manyPublisher.publishFor(MANY_USER)));
    }
  }
  await manyPublisher.stop();
  await onePublisher.stop();
  const manyView = manyHome.views.at(-1);
  const oneView = oneHome.views.at(-1);
  if (!manyView || !oneView) throw new Error('no Home was published');
  const blocks = manyView.blocks.length;
  const shownPrograms = manyView.blocks.filter(
    (b) => b.type === 'section' && JSON.stringify(b).includes('` in <#C0P'),
  ).length;
  add({
    section: SECTION,
    figure: `App Home of ${MANY_USER} (roles in ${manyHeld} programs): blocks`,
    value: `${blocks} (${shownPrograms} programs shown; one-program Home ${oneView.blocks.length})`,
    target: '≤ 100',
    met: blocks <= 100,
  });
  const h50 = pct(manyT, 50);
  const h1 = pct(oneT, 50);
  add({
    section: SECTION,
    figure: `App Home p50: ${MANY_USER} ÷ one role in 1 program`,
    value: `${ms(h50)} / ${ms(h1)} (${ratio(h50, h1)})`,
    target: '≤ 2×',
    met: h50 / h1 <= 2,
    note: `the bot's own Home publisher (slack/home-publisher.ts: the programs where the person holds a role among the ${COUNT}, most recent first, \`homeAcross\`, the hash), its \`views.publish\` answered in memory so the network is not timed; ${homeRounds} interleaved renders (order alternated) of ${MANY_USER}'s Home and of the Home of a person with one role in a bot of one program (that program's full Home)`,
    ifMissed: `${MANY_USER}'s Home scans all ${COUNT} programs' roles and renders a summary of each program of theirs (readiness and what waits), where the one-program Home renders one program in full`,
  });

  await botMany.stop();
  await botOne.stop();
  await bare.stop();
  await slack.close();
}
