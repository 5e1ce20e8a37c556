/**
 * An alert burst: 200 changes in 10 s through the real bot against the stand-in. Counts the messages posted
 * to the joint channel, the most in any one second, and the changes no message told of (must be 0).
 */
import { join } from 'node:path';
import { startBot } from '../src/bot.js';
import { loadConfig } from '../src/runtime/config.js';
import { startSlackStandIn } from '../test/slack/stand-in.js';
import { realisticProgram, seedStore, writeProgram } from './fixtures.js';
import type { AddRow } from './row.js';

const CHANNEL = 'C0CUTOVER';

export async function burst(work: string, add: AddRow) {
  const slack = await startSlackStandIn();
  const program = realisticProgram('programs/service-v3.json');
  const dir = join(work, 'burst');
  const dbPath = await seedStore(dir, program, 100);
  const loaded = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_APP_TOKEN: 'xapp-bench',
    SLACK_API_URL: slack.apiUrl,
    CUTOVER_CHANNEL_ID: CHANNEL,
    CUTOVER_DB_PATH: dbPath,
    CUTOVER_PROGRAM: await writeProgram(dir, program),
    LOG_LEVEL: 'error',
  });
  if (!loaded.ok) throw new Error(loaded.message);
  const bot = await startBot(loaded.config, { host: '127.0.0.1' });
  const titles = Array.from({ length: 200 }, (_, i) => `Burst item ${String(i).padStart(3, '0')} done`);
  const t0 = Date.now();
  for (const [i, title] of titles.entries()) {
    const wait = t0 + i * 50 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const [program] = bot.programs.active();
    if (!program) throw new Error('the bench bot holds no program');
    const r = await program.run(
      { type: 'blocker.add', owner: 'decision-log-owner', title },
      { kind: 'user', userId: 'ULOG', isAdmin: false },
      new Date(),
    );
    if (!r.ok) throw new Error(r.error.message);
  }
  const posted = () => slack.calls('chat.postMessage').filter((c) => c.args.channel === CHANNEL);
  const told = () => {
    const all = posted()
      .map((c) => String(c.args.text ?? '') + JSON.stringify(c.args.blocks ?? ''))
      .join('\n');
    return titles.filter((t) => all.includes(t)).length;
  };
  const deadline = Date.now() + 120_000;
  while (told() < titles.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  const calls = posted();
  const perSecond = new Map<number, number>();
  for (const c of calls) {
    const s = Math.floor(c.at.getTime() / 1000);
    perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
  }
  const most = Math.max(0, ...perSecond.values());
  const lost = titles.length - told();
  const section = 'Alert burst';
  add({
    section,
    figure: 'messages posted for 200 changes in 10 s',
    value: String(calls.length),
    target: 'reported',
    met: null,
  });
  add({
    section,
    figure: 'most messages in any second, one channel',
    value: String(most),
    target: '≈ 1 per second',
    met: most <= 2,
    note: 'Slack tolerates short bursts above 1/s; counted per wall-clock second on the stand-in',
  });
  add({
    section,
    figure: 'changes lost (told in no message)',
    value: String(lost),
    target: '0',
    met: lost === 0,
  });
  await bot.stop();
  await slack.close();
}
