/**
 * The built bot (`dist/main.js`, as `npm start` runs it) as one replica of a deployment: a child process in HTTP
 * mode on a port it picks (`PORT=0`, read from its start line), on a PostgreSQL database shared with the other
 * replicas, posting to Slack through a front of its own (slack-front.ts). Requests are signed as Slack signs them.
 */
import type { ChildProcess } from 'node:child_process';
import { spawnBot } from '../fixtures/child-process.js';
import { SHIPPED_PROGRAM } from '../fixtures/programs.js';
import { slashCommand, slashCommandForm } from '../slack/payloads.js';
import { postToBolt } from '../slack/signing.js';

export const SECRET = 'replica-fault-test-secret';
export const CHANNEL = 'C0CUTOVER';
export const ADMIN = 'UADMIN';

/** What a person would see: the ephemeral answer, or nothing at all (the connection was lost). */
export type Answer = { status: number; text: string } | { lost: string };

export interface ReplicaProcess {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  /** Its name in the programs' leases (the default, `host:pid`, ends with the pid). */
  holds(leaseBy: string | undefined): boolean;
  /** `/cutover <text>` as the admin, signed, to this replica. */
  command(text: string): Promise<Answer>;
  healthz(): Promise<{ status: number; body: Record<string, unknown> }>;
  /** kill -9, and the exit seen. */
  kill(): Promise<void>;
  /** SIGTERM (a clean stop), or kill -9 if it has not exited in 5 s. */
  stop(): Promise<void>;
  /** What it printed, for a failure's message. */
  output(): string;
}

export async function startReplica(options: {
  name: string;
  databaseUrl: string;
  slackApiUrl: string;
  responseUrl: () => string;
}): Promise<ReplicaProcess> {
  const child: ChildProcess = spawnBot(
    {
      SLACK_BOT_TOKEN: 'xoxb-replica-fault-test',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: options.slackApiUrl,
      HOST: '127.0.0.1',
      PORT: '0',
      CUTOVER_CHANNEL_ID: CHANNEL,
      CUTOVER_ADMINS: ADMIN,
      CUTOVER_PROGRAM: SHIPPED_PROGRAM,
      DATABASE_URL: options.databaseUrl,
      LOG_LEVEL: 'error',
    },
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const found = /HTTP on port (\d+)/.exec(out)?.[1];
      if (found) resolve(Number(found));
    });
    child.stderr?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`${options.name} exited (${code ?? signal}): ${out}`)),
    );
  });
  const pid = child.pid ?? 0;
  const base = `http://127.0.0.1:${port}`;
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    name: options.name,
    pid,
    port,
    holds: (by) => by?.endsWith(`:${pid}`) ?? false,
    async command(text) {
      try {
        const res = await postToBolt(
          `${base}/slack/events`,
          SECRET,
          slashCommandForm(
            slashCommand({ text, user_id: ADMIN, channel_id: CHANNEL, response_url: options.responseUrl() }),
          ),
          { kind: 'form' },
        );
        return { status: res.status, text: res.text };
      } catch (e) {
        return { lost: (e as Error).message };
      }
    },
    async healthz() {
      const res = await fetch(`${base}/healthz`);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    async kill() {
      if (!gone()) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (gone()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
    output: () => out,
  };
}
