/**
 * kill -9 in the middle of a stream of changes: the store file stays valid and every change that was
 * acknowledged to the person is in it. The bot runs as `npm start` runs it (built dist/main.js).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryEntry } from '../../src/core/schema.js';
import { CATALOG_VERSION, Catalog, STORE_VERSION, StoreDocument } from '../../src/service/document.js';
import { documentsDirOf, openJsonFileStore } from '../../src/store/json-file/index.js';
import { spawnBot } from '../fixtures/child-process.js';
import { SHIPPED_PROGRAM } from '../fixtures/programs.js';
import { slashCommand, slashCommandForm } from '../slack/payloads.js';
import { postToBolt } from '../slack/signing.js';
import { type SlackStandIn, startSlackStandIn } from '../slack/stand-in.js';

const SECRET = 'kill-test-signing-secret';
let slack: SlackStandIn;
let dir: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  slack = await startSlackStandIn();
  dir = await mkdtemp(join(tmpdir(), 'cutover-kill-'));
}, 60_000);

afterAll(async () => {
  if (child?.exitCode === null) child.kill('SIGKILL');
  await slack.close();
  await rm(dir, { recursive: true, force: true });
});

function start(dbPath: string): Promise<number> {
  const proc = spawnBot(
    {
      SLACK_BOT_TOKEN: 'xoxb-kill-test',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
      HOST: '127.0.0.1',
      PORT: '0',
      CUTOVER_CHANNEL_ID: 'C0CUTOVER',
      CUTOVER_ADMINS: 'UADMIN',
      CUTOVER_DB_PATH: dbPath,
      CUTOVER_PROGRAM: SHIPPED_PROGRAM,
    },
    { stdio: 'pipe' },
  );
  child = proc;
  let out = '';
  return new Promise((resolve, reject) => {
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const port = /HTTP on port (\d+)/.exec(out)?.[1];
      if (port) resolve(Number(port));
    });
    proc.stderr?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    proc.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

describe('kill -9 during a stream of changes', () => {
  it('leaves a valid store holding every acknowledged change', async () => {
    const dbPath = join(dir, 'cutover.json');
    const port = await start(dbPath);
    const acked: string[] = [];
    let stop = false;
    // Four concurrent streams of changes, each waiting for its ack before the next.
    const stream = async (lane: number) => {
      for (let i = 0; !stop; i++) {
        const title = `lane ${lane} change ${i}`;
        try {
          const res = await postToBolt(
            `http://127.0.0.1:${port}/slack/events`,
            SECRET,
            slashCommandForm(
              slashCommand({ text: `blocker add decision-log-owner ${title}`, user_id: 'UADMIN' }),
            ),
            { kind: 'form' },
          );
          if (res.status === 200 && res.text.includes(':white_check_mark:')) acked.push(title);
        } catch {
          return; // the process is gone
        }
      }
    };
    const lanes = [0, 1, 2, 3].map(stream);
    while (acked.length < 60) await new Promise((r) => setTimeout(r, 5));
    child?.kill('SIGKILL');
    stop = true;
    await Promise.all(lanes);
    // A process killed by a signal keeps exitCode null: signalCode tells it has already exited.
    await new Promise((r) =>
      child?.exitCode !== null || child?.signalCode !== null ? r(null) : child?.once('exit', r),
    );

    // Reopen as the next start would: the locks of the dead process are stale and taken over.
    const catalog = await openJsonFileStore({
      path: dbPath,
      schema: Catalog,
      version: CATALOG_VERSION,
      create: () => {
        throw new Error('the catalog must exist');
      },
    });
    expect(catalog.snapshot().programs.map((p) => p.id)).toEqual(['service-v3']);
    await catalog.close();
    const store = await openJsonFileStore({
      path: join(documentsDirOf(dbPath), 'service-v3.json'),
      schema: StoreDocument,
      version: STORE_VERSION,
      create: () => {
        throw new Error('the store must exist');
      },
      log: { field: 'history', entry: HistoryEntry, keep: 100_000 },
    });
    try {
      const doc = store.snapshot();
      const titles = new Set(doc.cutover.blockers.map((b) => b.title));
      expect(acked.length).toBeGreaterThanOrEqual(60);
      for (const t of acked) expect(titles.has(t)).toBe(true);
      const added = doc.history.filter((h) => h.event.type === 'blocker.added');
      expect(added.length).toBe(doc.cutover.blockers.length - 4);
      expect(doc.history.map((h) => h.seq)).toEqual(doc.history.map((_, i) => i + 1));
    } finally {
      await store.close();
    }
  });
});
