/**
 * The real bot (startBot: program -> store -> service -> Bolt) against the Slack stand-in, in HTTP or Socket
 * Mode, with a store file in a temp directory. Tests talk to it as Slack would: signed form posts, or envelopes.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertOptions } from '../../src/alerts/index.js';
import { type Bot, startBot } from '../../src/bot.js';
import { type Clock, systemClock } from '../../src/runtime/clock.js';
import { loadConfig } from '../../src/runtime/config.js';
import type { CutoverService } from '../../src/service/cutover-service.js';
import { documentsDirOf, logPathOf } from '../../src/store/json-file/index.js';
import { BOT_ADMIN, BOT_CAST, SHIPPED_ROLES } from '../fixtures/people.js';
import { SHIPPED_PROGRAM } from '../fixtures/programs.js';
import { interactiveForm, slashCommand, slashCommandForm } from './payloads.js';
import { postToBolt } from './signing.js';
import { type SlackStandIn, type StandInOptions, startSlackStandIn } from './stand-in.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';
export const CHANNEL = 'C0CUTOVER';
/** The admin of the bot the harness starts (test/fixtures/people.ts). */
export const ADMIN = BOT_ADMIN;

/** The five roles of the shipped program, each held by a different person (test/fixtures/people.ts). */
export const PEOPLE = BOT_CAST;

/** The role each of `PEOPLE` holds. */
export const ROLE_OF: Record<keyof typeof PEOPLE, string> = SHIPPED_ROLES;

export interface Answer {
  /** HTTP status in HTTP mode; 200 for an acked envelope in Socket Mode. */
  status: number;
  /** The ack's body: what Slack shows the person (ephemeral text/blocks, or modal errors). */
  body: Record<string, unknown>;
  text: string;
}

export interface Harness {
  bot: Bot;
  slack: SlackStandIn;
  dir: string;
  /** The store file (the catalog of programs). */
  dbPath: string;
  /** The document file of the program in `CHANNEL` (the shipped one, unless a test started another there). */
  programFile: string;
  mode: 'http' | 'socket';
  /** The service of the program in `channel` (default `CHANNEL`), or of the program `id`; fails the test if none. */
  program(where?: { channel?: string; id?: string }): CutoverService;
  /** Sends `/cutover <text>` as `user`, in `CHANNEL` unless `extra.channel_id` says another. */
  command(user: string, text: string, extra?: { trigger_id?: string; channel_id?: string }): Promise<Answer>;
  /** Sends an interactivity payload (block_actions, view_submission). */
  interact(payload: object): Promise<Answer>;
  /** Sends an Events API body (`eventCallback(…)`, e.g. `appHomeOpened(…)`). */
  event(body: object): Promise<Answer>;
  /** The program's store document (`programFile`) as it is on disk now. */
  disk(): Promise<{ schemaVersion: number; logLength: number; data: { cutover: Record<string, unknown> } }>;
  /** The history log (`<name>.history.jsonl`) as it is on disk now, one entry per line. */
  historyOnDisk(): Promise<Record<string, unknown>[]>;
  diskBytes(): Promise<string>;
  /**
   * Stops the bot (not the stand-in) and starts a new one on the same store file, as after a crash or deploy; `env`
   * changes variables for the new one (`CUTOVER_CHANNEL_ID`, say).
   */
  restart(env?: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
}

export async function startHarness(
  options: {
    mode?: 'http' | 'socket';
    program?: string;
    /** The bot's clock (test/alerts/clock.ts: a manual one). */
    clock?: Clock;
    /** Only the bot's time, its timers real (when no `clock` is given). */
    now?: () => Date;
    env?: Record<string, string>;
    /** Options of the Slack stand-in, e.g. `users` for users.info. */
    slack?: StandInOptions;
    /**
     * Alert delivery, the status board and reminders (test/alerts/). Off unless given: they write the store in the
     * background, which tests comparing the store's bytes around a refusal must not see. `true` for the defaults.
     */
    alerts?: AlertOptions | true;
  } = {},
): Promise<Harness> {
  const mode = options.mode ?? 'http';
  const slack = await startSlackStandIn(options.slack);
  const dir = await mkdtemp(join(tmpdir(), 'cutover-it-'));
  const dbPath = options.env?.CUTOVER_DB_PATH ?? join(dir, 'data', 'cutover.json');
  const configWith = (env: Record<string, string> = {}) => {
    const loaded = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      ...(mode === 'socket'
        ? { SLACK_APP_TOKEN: 'xapp-test-token' }
        : { SLACK_SIGNING_SECRET: SIGNING_SECRET }),
      SLACK_API_URL: slack.apiUrl,
      PORT: '0',
      CUTOVER_CHANNEL_ID: CHANNEL,
      CUTOVER_ADMINS: ADMIN,
      CUTOVER_DB_PATH: dbPath,
      CUTOVER_PROGRAM: options.program ?? SHIPPED_PROGRAM,
      LOG_LEVEL: 'error',
      ...options.env,
      ...env,
    });
    if (!loaded.ok) throw new Error(loaded.message);
    return loaded.config;
  };
  const clock = options.clock ?? (options.now ? { ...systemClock, now: options.now } : undefined);
  const launch = (env?: Record<string, string>) =>
    startBot(configWith(env), {
      host: '127.0.0.1',
      ...(clock ? { clock } : {}),
      alerts: options.alerts === true ? {} : (options.alerts ?? false),
    });
  let bot = await launch();
  if (mode === 'socket') await slack.socket.connected();
  let url = `http://127.0.0.1:${bot.port}/slack/events`;
  const program = (where: { channel?: string; id?: string } = {}) => {
    const service = where.id
      ? bot.programs.get(where.id)
      : (bot.programs.inChannel(where.channel ?? CHANNEL) ??
        bot.programs.all().findLast((s) => s.cutover().channel === (where.channel ?? CHANNEL)));
    if (!service) throw new Error(`no program ${where.id ?? `in ${where.channel ?? CHANNEL}`}`);
    return service;
  };
  const programFile = () => join(documentsDirOf(dbPath), `${program().cutover().id}.json`);

  const answer = (status: number, raw: unknown): Answer => {
    const body =
      raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : raw ? { text: String(raw) } : {};
    return { status, body, text: typeof body.text === 'string' ? body.text : JSON.stringify(body) };
  };
  const parse = (text: string) => {
    if (!text) return {};
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  };

  return {
    get bot() {
      return bot;
    },
    slack,
    dir,
    dbPath,
    get programFile() {
      return programFile();
    },
    mode,
    program,
    async command(user, text, extra = {}) {
      const payload = slashCommand({
        text,
        user_id: user,
        channel_id: CHANNEL,
        response_url: slack.responseUrl(),
        ...extra,
      });
      if (mode === 'socket') {
        const ack = await slack.socket.send('slash_commands', payload);
        return answer(200, ack.payload);
      }
      const res = await postToBolt(url, SIGNING_SECRET, slashCommandForm(payload), { kind: 'form' });
      const body = parse(res.text);
      // Socket Mode acks are checked by the stand-in itself; over HTTP the answer comes back here.
      slack.checkAck(payload, body);
      return answer(res.status, body);
    },
    async interact(payload) {
      if (mode === 'socket') {
        const ack = await slack.socket.send('interactive', payload);
        return answer(200, ack.payload);
      }
      const res = await postToBolt(url, SIGNING_SECRET, interactiveForm(payload), { kind: 'form' });
      const body = parse(res.text);
      slack.checkAck(payload, body);
      return answer(res.status, body);
    },
    async event(body) {
      if (mode === 'socket') {
        const ack = await slack.socket.send('events_api', body);
        return answer(200, ack.payload);
      }
      const res = await postToBolt(url, SIGNING_SECRET, body, { kind: 'json' });
      return answer(res.status, parse(res.text));
    },
    async disk() {
      return JSON.parse(await readFile(programFile(), 'utf8'));
    },
    diskBytes: () => readFile(programFile(), 'utf8'),
    async historyOnDisk() {
      const text = await readFile(logPathOf(programFile(), 'history'), 'utf8');
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line));
    },
    async restart(env) {
      await bot.stop();
      bot = await launch(env);
      if (mode === 'socket') await slack.socket.connected();
      url = `http://127.0.0.1:${bot.port}/slack/events`;
    },
    async stop() {
      await bot.stop();
      await slack.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Assigns the five roles through `/cutover role` as the admin. */
export async function assignRoles(h: Harness) {
  for (const [who, role] of Object.entries(ROLE_OF)) {
    const a = await h.command(ADMIN, `role ${role} <@${PEOPLE[who as keyof typeof PEOPLE]}|${who}>`);
    if (!a.text.includes(':white_check_mark:')) throw new Error(`role ${role}: ${a.text}`);
  }
}
