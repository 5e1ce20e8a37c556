/**
 * What a change costs as the day goes on and the program grows (issue 20), the built bot in its own process (as
 * `npm start` runs it) against the Slack stand-in, beside a bare Bolt app in its own process, signed HTTP requests:
 * - `changes`: waves of 100 concurrent *different* changes (a blocker added, a gate result on the current commit,
 *   evidence logged), interleaved with waves to bare Bolt: changes per second as a ratio, and the CPU each change
 *   costs the bot's process (utime + stime from /proc) beside bare Bolt's per request.
 * - `keys`: many changes in waves of 50, each with its request key live (24 h): the last 1,000's throughput
 *   against the first 1,000's, and a change's p99 (one at a time) at 10 live keys and at the end.
 * - `crowd`: 500 concurrent `/cutover blocker add …` on a program that already has 200 blockers: answered within
 *   3 s as the sender sees it, committed after a late answer, lost (answered as made but not in the store).
 * Each runs alone with `--only=changes|keys|crowd`; `--keys=<n>` sets how many changes `keys` makes (20,000).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HistoryEntry } from '../src/core/schema.js';
import { STORE_VERSION, StoreDocument } from '../src/service/document.js';
import { openJsonFileStore } from '../src/store/json-file/index.js';
import { slashCommand, slashCommandForm } from '../test/slack/payloads.js';
import { postToBolt } from '../test/slack/signing.js';
import { type SlackStandIn, startSlackStandIn } from '../test/slack/stand-in.js';
import { type Child, SECRET, startBotAndBare } from './concurrency.js';
import { PEOPLE, programPath, realisticProgram } from './fixtures.js';
import type { AddRow } from './row.js';

const ACK_WINDOW_MS = 3000;
const SHA = 'a'.repeat(40);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces), 1-based in proc(5): utime is 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Rig {
  slack: SlackStandIn;
  bot: Child;
  bare: Child;
  dbPath: string;
  programId: string;
  send(port: number, user: string, text: string): Promise<{ ms: number; status: number; text: string }>;
  stop(): Promise<void>;
}

async function rig(work: string, name: string, blockers = 40): Promise<Rig> {
  const slack = await startSlackStandIn({ validateBlocks: false });
  const program = realisticProgram('programs/service-v3.json', { blockers, gates: 10 });
  const dir = join(work, name);
  const { bot, bare, dbPath } = await startBotAndBare(dir, program, slack.apiUrl, 1000);
  const send = async (port: number, user: string, text: string) => {
    const body = slashCommandForm(slashCommand({ text, user_id: user, response_url: slack.responseUrl() }));
    const t = performance.now();
    const r = await postToBolt(`http://127.0.0.1:${port}/slack/events`, SECRET, body, { kind: 'form' });
    return { ms: performance.now() - t, status: r.status, text: r.text };
  };
  return {
    slack,
    bot,
    bare,
    dbPath,
    programId: program.id,
    send,
    async stop() {
      await bot.stop();
      await bare.stop();
      await slack.close();
    },
  };
}

const isChange = (r: { status: number; text: string }) =>
  r.status === 200 && (r.text.includes(':white_check_mark:') || r.text === 'ok');

/** Publishes the release target, so that gate results and evidence are on its commit. */
async function publishTarget(r: Rig) {
  const t = await r.send(r.bot.port, PEOPLE['producer-rollback-owner'], `target v3.0.0 ${SHA}`);
  if (!isChange(t)) throw new Error(`could not publish the target: ${t.text}`);
}

let serial = 0;
/** The i-th of a rotation of different changes: a blocker, a gate result, evidence. */
function mixedChange(i: number): { user: string; text: string } {
  const n = ++serial;
  switch (i % 3) {
    case 0:
      return { user: PEOPLE['decision-log-owner'], text: `blocker add decision-log-owner Bench item ${n}` };
    case 1:
      return {
        user: PEOPLE['decision-log-owner'],
        text: `gate alignment ${n % 2 ? 'green' : 'red'} https://ci.example.com/runs/${n}`,
      };
    default:
      return {
        user: PEOPLE['producer-incident-commander'],
        text: `evidence producer-handoff https://evidence.example.com/${n}`,
      };
  }
}

/** A gate result flipping on the current commit: the document stays the same size. */
const gateChange = () => {
  const n = ++serial;
  return {
    user: PEOPLE['decision-log-owner'],
    text: `gate alignment ${n % 2 ? 'green' : 'red'} https://ci.example.com/runs/${n}`,
  };
};

export async function mixedChanges(work: string, add: AddRow, quick: boolean) {
  const r = await rig(work, 'changes');
  try {
    await publishTarget(r);
    const wave = async (port: number, size: number, offset: number) => {
      const t0 = performance.now();
      const answers = await Promise.all(
        Array.from({ length: size }, (_, i) => {
          const c = mixedChange(offset + i);
          return r.send(port, c.user, c.text);
        }),
      );
      // Refused too busy, or answered 404 by Bolt after its 3 s window: not kept, counted.
      const bad = answers.filter((a) => !isChange(a) && !a.text.includes('too busy') && a.status !== 404);
      if (bad.length) throw new Error(`not a change: ${bad[0]?.status} ${bad[0]?.text.slice(0, 160)}`);
      return { ms: performance.now() - t0, kept: answers.filter(isChange).length };
    };
    for (let i = 0; i < 3; i++) {
      await wave(r.bot.port, 30, i);
      await wave(r.bare.port, 30, i);
    }
    const size = 100;
    const waves = quick ? 3 : 8;
    let botMs = 0;
    let bareMs = 0;
    let botKept = 0;
    let bareKept = 0;
    let botCpu = 0;
    let bareCpu = 0;
    for (let i = 0; i < waves; i++) {
      const c0 = await cpuSeconds(r.bot.pid);
      const ours = await wave(r.bot.port, size, i);
      botMs += ours.ms;
      botKept += ours.kept;
      // The work a change leaves behind (alerts, App Home) is its cost too: wait for it before reading the CPU.
      await new Promise((s) => setTimeout(s, 1000));
      botCpu += (await cpuSeconds(r.bot.pid)) - c0;
      const b0 = await cpuSeconds(r.bare.pid);
      const theirs = await wave(r.bare.port, size, i);
      bareMs += theirs.ms;
      bareKept += theirs.kept;
      await new Promise((s) => setTimeout(s, 1000));
      bareCpu += (await cpuSeconds(r.bare.pid)) - b0;
    }
    const n = size * waves;
    const botRate = (1000 * botKept) / botMs;
    const bareRate = (1000 * bareKept) / bareMs;
    const section = 'Different changes';
    add({
      section,
      figure: '100 concurrent different changes per second (bare Bolt)',
      value: `${botRate.toFixed(0)}/s (bare ${bareRate.toFixed(0)}/s, ${(botRate / bareRate).toFixed(2)}×); ${n - botKept} of ${n} not kept (too busy or 404)`,
      target: '≥ 0.5× bare Bolt',
      met: botRate / bareRate >= 0.5,
      note: 'waves of 100 concurrent signed changes, rotating blocker add, gate result on the current commit and evidence logged, each kept; waves to bare Bolt interleaved',
      ifMissed:
        'each change still pays the core, its alert composed in the writer and the App Home renders it triggers',
    });
    add({
      section,
      figure: 'CPU per change, bot process (bare Bolt per request)',
      value: `${((1000 * botCpu) / Math.max(1, botKept)).toFixed(2)} ms (bare ${((1000 * bareCpu) / n).toFixed(2)} ms, ${(botCpu / Math.max(1, botKept) / (bareCpu / n)).toFixed(1)}×)`,
      target: 'reported',
      met: null,
      note: 'utime + stime of each process from /proc/<pid>/stat, over the waves and the second after each',
    });
  } finally {
    await r.stop();
  }
}

export async function liveKeys(work: string, add: AddRow, total: number) {
  const r = await rig(work, 'keys');
  try {
    await publishTarget(r);
    let busy = 0;
    const one = async () => {
      const c = gateChange();
      const a = await r.send(r.bot.port, c.user, c.text);
      if (a.text.includes('too busy') || a.status === 404) busy++;
      else if (!isChange(a)) throw new Error(`not a change: ${a.status} ${a.text.slice(0, 160)}`);
      return a.ms;
    };
    const serialP99 = async (count: number) => {
      const xs: number[] = [];
      for (let i = 0; i < count; i++) xs.push(await one());
      return pct(xs, 99);
    };
    /**
     * Until the alerts, board and Home work left by the changes before has gone out (no call reaches the stand-in for
     * 1.5 s): each p99 is then a change's own cost at that many live keys, not that of the burst before it.
     */
    const settled = async () => {
      const made = () =>
        ['chat.postMessage', 'chat.update', 'views.publish'].reduce((n, m) => n + r.slack.calls(m).length, 0);
      for (let quiet = 0, seen = made(), waited = 0; quiet < 1500 && waited < 30_000; waited += 250) {
        await new Promise((s) => setTimeout(s, 250));
        const now = made();
        quiet = now === seen ? quiet + 250 : 0;
        seen = now;
      }
    };
    for (let i = 0; i < 9; i++) await one(); // 10 live keys with the target's
    await settled();
    const early = await serialP99(200);
    const size = 50;
    let done = 210;
    const rates: { at: number; ms: number }[] = [];
    while (done < total) {
      const k = Math.min(size, total - done);
      const t0 = performance.now();
      await Promise.all(Array.from({ length: k }, one));
      rates.push({ at: done, ms: performance.now() - t0 });
      done += k;
    }
    await settled();
    const late = await serialP99(200);
    const windowOf = (from: number, to: number) => {
      const ws = rates.filter((w) => w.at >= from && w.at < to);
      return (1000 * ws.length * size) / ws.reduce((a, w) => a + w.ms, 0);
    };
    const first = windowOf(210, 1210);
    const last = windowOf(done - 1000 - size, done);
    const section = 'Live request keys';
    add({
      section,
      figure: `${total} changes: last 1,000's throughput / first 1,000's`,
      value: `${last.toFixed(0)}/s vs ${first.toFixed(0)}/s (${(last / first).toFixed(2)}×)`,
      target: '≥ 0.9×',
      met: last / first >= 0.9,
      note: `gate results flipping on the current commit in waves of 50 concurrent, every request key live (kept 24 h); ${busy} not kept (too busy or 404)`,
    });
    add({
      section,
      figure: `a change's p99 at ${done + 200} live keys / at 10`,
      value: `${late.toFixed(1)} ms vs ${early.toFixed(1)} ms (${(late / early).toFixed(2)}×)`,
      target: '≤ 1.2×',
      met: late / early <= 1.2,
      note: '200 changes one at a time, after 10 keys and after all of them, each once the alerts, board and Home work of the changes before had gone out',
    });
  } finally {
    await r.stop();
  }
}

export async function crowd(work: string, add: AddRow) {
  const r = await rig(work, 'crowd', 200);
  let answered: { title: string; ms: number; ok: boolean; status: number; text: string }[] = [];
  try {
    for (let i = 0; i < 20; i++) await r.send(r.bot.port, 'U0ANY', 'status');
    answered = await Promise.all(
      Array.from({ length: 500 }, async (_, i) => {
        const title = `Crowd item ${String(i).padStart(3, '0')} checked`;
        const a = await r.send(
          r.bot.port,
          PEOPLE['decision-log-owner'],
          `blocker add decision-log-owner ${title}`,
        );
        return { title, ms: a.ms, ok: isChange(a), status: a.status, text: a.text };
      }),
    );
    await new Promise((s) => setTimeout(s, 2000));
  } finally {
    await r.stop();
  }
  const store = await openJsonFileStore({
    path: programPath(r.dbPath, r.programId),
    schema: StoreDocument,
    version: STORE_VERSION,
    create: () => {
      throw new Error('the crowd bench store is missing');
    },
    log: { field: 'history', entry: HistoryEntry },
  });
  const titles = new Set(store.snapshot().cutover.blockers.map((b) => b.title));
  await store.close();
  const inTime = answered.filter((a) => a.ok && a.ms < ACK_WINDOW_MS);
  const late = answered.filter((a) => !(a.ok && a.ms < ACK_WINDOW_MS));
  const committedLate = late.filter((a) => titles.has(a.title)).length;
  const lost = inTime.filter((a) => !titles.has(a.title)).length;
  const section = 'Crowd on a big program';
  add({
    section,
    figure: '500 concurrent blocker adds (200 blockers): answered as made within 3 s',
    value: `${inTime.length} of 500 (p99 ${pct(
      answered.map((a) => a.ms),
      99,
    ).toFixed(0)} ms)`,
    target: '500',
    met: inTime.length === 500,
    ifMissed: 'the changes that wait behind the rest are refused unwritten when their deadline passes',
  });
  add({
    section,
    figure: 'committed after a late answer / lost',
    value: `${committedLate} / ${lost}`,
    target: '0 / 0',
    met: committedLate === 0 && lost === 0,
  });
}
