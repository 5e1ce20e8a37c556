/**
 * A burst is answered in time: 500 concurrent signed `/cutover blocker add` through the real Bolt app over HTTP.
 * Bolt answers 404 to a request not acked within its 3 s window, and a change committed after that is made
 * twice by a person who tries again. Every request must get 200: a change (then it is on disk), or a refusal
 * saying the bot was too busy (then it is not). How fast is the bench's to say (`npm run bench`), not this test's.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HistoryEntry } from '../../src/core/schema.js';
import { systemClock } from '../../src/runtime/clock.js';
import { createCutoverService } from '../../src/service/cutover-service.js';
import { newDocument, STORE_VERSION, StoreDocument } from '../../src/service/document.js';
import { loadProgram } from '../../src/service/program-file.js';
import { runSafely } from '../../src/slack/listeners/deps.js';
import { openJsonFileStore } from '../../src/store/json-file/index.js';
import { SHIPPED_PROGRAM } from '../fixtures/programs.js';
import { assignRoles, type Harness, PEOPLE, startHarness } from '../slack/harness.js';
import { tempDirs } from '../store/helpers.js';

const TOO_BUSY =
  "The bot is too busy to record this within Slack's 3 seconds; nothing was changed — try again.";

let h: Harness | undefined;
const dirs = tempDirs();
afterEach(async () => {
  await h?.stop();
  h = undefined;
  await dirs.cleanup();
});

describe('a burst of changes through the real app (HTTP)', () => {
  it('answers 500 concurrent changes 200 each: every one acknowledged is on disk, every one refused is not, history has no gap', async () => {
    h = await startHarness({ mode: 'http' });
    await assignRoles(h);
    const w = h;
    const before = (await w.historyOnDisk()).length;
    const titles = Array.from({ length: 500 }, (_, i) => `Burst item ${String(i).padStart(3, '0')} checked`);

    const answers = await Promise.all(
      titles.map((title) => w.command(PEOPLE.logOwner, `blocker add decision-log-owner ${title}`)),
    );

    expect(answers.filter((a) => a.status !== 200).map((a) => `${a.status} ${a.text}`)).toEqual([]);
    const acked = titles.filter((_, i) => answers[i]?.text.startsWith(':white_check_mark: Blocker'));
    const refused = titles.filter((_, i) => answers[i]?.text.includes(TOO_BUSY));
    expect(acked.length + refused.length).toBe(titles.length); // nothing else was answered
    expect(acked.length).toBeGreaterThan(0);

    const doc = JSON.parse(await readFile(w.programFile, 'utf8')) as {
      logLength: number;
      data: { cutover: { blockers: { title: string }[] } };
    };
    const onDisk = doc.data.cutover.blockers.map((b) => b.title);
    for (const t of acked) expect(onDisk.filter((x) => x === t)).toHaveLength(1);
    for (const t of refused) expect(onDisk).not.toContain(t);

    const history = await w.historyOnDisk();
    expect(history).toHaveLength(doc.logLength);
    expect(history.map((e) => e.seq)).toEqual(history.map((_, i) => i + 1));
    const added = history.slice(before).filter((e) => e.action === 'blocker.add');
    expect(added.map((e) => e.note).sort()).toEqual([...acked].sort());
  }, 120_000);
});

describe('a change whose deadline has passed', () => {
  it("is refused with what to do, because Slack's 3 seconds are over, and writes nothing", async () => {
    const dir = await dirs.make();
    const path = join(dir, 'cutover.json');
    const program = await loadProgram(SHIPPED_PROGRAM);
    const store = await openJsonFileStore({
      path,
      schema: StoreDocument,
      version: STORE_VERSION,
      create: () => newDocument(program),
      log: { field: 'history', entry: HistoryEntry },
    });
    const deps = {
      service: createCutoverService(store),
      admins: ['UADMIN'],
      clock: systemClock,
    };
    const admin = { kind: 'user' as const, userId: 'UADMIN', isAdmin: true };
    const errors: unknown[] = [];
    const logger = { error: (...msg: unknown[]) => errors.push(msg) };
    const bytes = await readFile(path, 'utf8');

    const late = await runSafely(
      deps,
      { type: 'blocker.add', owner: 'decision-log-owner', title: 'Late' },
      admin,
      logger,
      {
        deadline: Date.now() - 1,
      },
    );

    expect(late).toEqual({ ok: false, error: { code: 'refused', message: TOO_BUSY } });
    expect(await readFile(path, 'utf8')).toBe(bytes);
    expect(store.snapshot().cutover.blockers.map((b) => b.title)).not.toContain('Late');

    // Without a deadline of its own, a change gets Slack's budget, and goes through.
    const inTime = await runSafely(
      deps,
      { type: 'blocker.add', owner: 'decision-log-owner', title: 'In time' },
      admin,
      logger,
    );
    expect(inTime.ok).toBe(true);
    expect(await readFile(path, 'utf8')).toContain('In time');
    await store.close();
  });
});
