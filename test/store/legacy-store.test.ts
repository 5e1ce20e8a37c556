/**
 * A store written by the version before gate results were per commit (test/fixtures/stores/v1-before-per-commit-gates,
 * written by that version's own code) opens in the real bot: each gate's result is kept, bound to the target that
 * was current when it was set, or shown as stale when that cannot be known.
 */
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, PEOPLE, startHarness } from '../slack/harness.js';

const FIXTURE = new URL('../fixtures/stores/v1-before-per-commit-gates/', import.meta.url);
const SHA_A = 'a'.repeat(40);

describe('a store written before gate results were per commit', () => {
  let h: Harness | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await h?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
    h = undefined;
    dir = undefined;
  });

  async function open() {
    dir = await mkdtemp(join(tmpdir(), 'cutover-legacy-'));
    await cp(FIXTURE, dir, { recursive: true });
    const dbPath = join(dir, 'cutover.json');
    h = await startHarness({ env: { CUTOVER_DB_PATH: dbPath } });
    return { h, dbPath };
  }

  it('opens, keeps each result bound to the target current when it was set, and marks the unknown one stale', async () => {
    const { h } = await open();
    const gates = h.program().cutover().gates;
    const byId = (id: string) => gates.find((g) => g.id === id);
    expect(byId('producer-suite')?.results).toEqual([
      expect.objectContaining({
        sha: SHA_A,
        tag: 'service.v3.0.0',
        status: 'green',
        runUrl: 'https://ci.example.com/p/7',
      }),
    ]);
    expect(byId('alignment')?.results).toEqual([
      expect.objectContaining({ sha: null, status: 'green', evidenceUrl: 'https://ci.example.com/align/1' }),
    ]);
    expect(byId('consumer-suite')?.results).toEqual([]);

    const status = await h.command(PEOPLE.logOwner, 'status');
    expect(JSON.stringify(status.body)).toContain('`producer-suite`');
    expect(JSON.stringify(status.body)).toMatch(
      /`alignment`[^"]*\*pending\*[^"]*stale: green on an unknown commit/,
    );

    // The next change writes the new shape; nothing of the old state is lost.
    const ok = await h.command(PEOPLE.consumerCommander, 'gate consumer-suite green');
    expect(ok.text).toContain(':white_check_mark:');
    const disk = JSON.parse(await readFile(h.programFile, 'utf8'));
    const onDisk = disk.data.cutover.gates.find((g: { id: string }) => g.id === 'producer-suite');
    expect(onDisk).not.toHaveProperty('status');
    expect(onDisk.results[0]).toMatchObject({ sha: SHA_A, status: 'green' });
    expect(disk.data.cutover.signoffs).toHaveLength(1);
    expect(disk.data.cutover.blockers.some((b: { id: string }) => b.id === 'vendor-contract-signed')).toBe(
      true,
    );
    expect(disk.logLength).toBe(15);
  });

  it('a new target after the upgrade turns the migrated results stale', async () => {
    const { h } = await open();
    const ok = await h.command(PEOPLE.producerRollback, `target service.v3.0.1 ${'b'.repeat(40)}`);
    expect(ok.text).toContain(':white_check_mark:');
    const g = h
      .program()
      .cutover()
      .gates.find((x) => x.id === 'producer-suite');
    expect(g?.results).toHaveLength(1);
    const status = await h.command(PEOPLE.logOwner, 'status');
    expect(JSON.stringify(status.body)).toMatch(
      /`producer-suite`[^"]*\*pending\*[^"]*stale: green on service\.v3\.0\.0 @ aaaaaaaaaaaa/,
    );
  });
});
