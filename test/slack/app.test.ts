/** The Bolt app in both modes, end to end: signature checks, and /cutover status with the seeds' state. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, CHANNEL, type Harness, SIGNING_SECRET, startHarness } from './harness.js';
import { slashCommand, slashCommandForm } from './payloads.js';
import { postToBolt } from './signing.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

function expectSeedsStatus(body: Record<string, unknown>) {
  expect(body.response_type).toBe('ephemeral');
  const all = JSON.stringify(body.blocks);
  expect(all).toContain('Rehearsal continuation');
  expect(all).toMatch(/Runtime cutover execution \(`runtime-cutover`\): \*NO-GO\*/);
  expect(all).toMatch(/Phase 7 [^\\]*Closed/);
  expect(all).toMatch(/Phase 8 [^\\]*Not started/);
  expect(all).toContain('Blockers before phase 8 — 4 of 4 open');
  expect(all).toContain('No release target published');
}

describe.each(['http', 'socket'] as const)('the bot in %s mode', (mode) => {
  it("answers /cutover status with the seeds' state, and creates the store file from the program", async () => {
    h = await startHarness({ mode });
    const a = await h.command('U0ANYONE', 'status');
    expect(a.status).toBe(200);
    expectSeedsStatus(a.body);
    const disk = await h.disk();
    expect(disk.schemaVersion).toBe(1);
    expect(disk.data.cutover.id).toBe('service-v3');
    expect(disk.logLength).toBe(0);
    expect(await h.historyOnDisk()).toEqual([]);
    expect(h.slack.calls('auth.test').length).toBeGreaterThan(0);
  });

  it('answers an unknown subcommand with the usage, and writes nothing', async () => {
    h = await startHarness({ mode });
    const before = await h.diskBytes();
    const a = await h.command('U0ANYONE', 'launch now');
    expect(a.text).toContain('There is no `/cutover launch` subcommand');
    expect(a.text).toContain('/cutover help');
    expect(await h.diskBytes()).toBe(before);
  });
});

describe('request signatures (HTTP mode)', () => {
  it('refuses a bad signature or a stale timestamp with 401, and nothing is written', async () => {
    h = await startHarness({ mode: 'http' });
    const url = `http://127.0.0.1:${h.bot.port}/slack/events`;
    const before = await h.diskBytes();
    const body = slashCommandForm(
      slashCommand({
        text: `role producer-incident-commander <@U0EVE|eve>`,
        user_id: 'UADMIN',
        channel_id: CHANNEL,
      }),
    );
    const forged = await postToBolt(url, SIGNING_SECRET, body, { kind: 'form', badSignature: true });
    expect(forged.status).toBe(401);
    const stale = await postToBolt(url, SIGNING_SECRET, body, {
      kind: 'form',
      timestamp: Math.floor(Date.now() / 1000) - 6 * 60,
    });
    expect(stale.status).toBe(401);
    expect(await h.diskBytes()).toBe(before);
    // The same request, signed properly, does go through.
    const good = await postToBolt(url, SIGNING_SECRET, body, { kind: 'form' });
    expect(good.status).toBe(200);
    expect((await h.disk()).data.cutover).toMatchObject({
      roles: expect.arrayContaining([
        expect.objectContaining({ id: 'producer-incident-commander', assignee: 'U0EVE' }),
      ]),
    });
  });
});

describe('another program file', () => {
  it('runs a cutover with other sides, roles, blockers and gates through the same bot', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cutover-program-'));
    const program = join(dir, 'mobile.json');
    await writeFile(
      program,
      JSON.stringify({
        id: 'payments-v9',
        title: 'payments.v9 switch',
        release: 'payments.v9',
        logOwnerRole: 'program-lead',
        sides: [
          { id: 'platform', name: 'Payments Platform', commanderRole: 'platform-lead' },
          { id: 'mobile', name: 'Mobile App', commanderRole: 'mobile-lead' },
        ],
        roles: [
          { id: 'platform-lead', title: 'Platform on-call lead', side: 'platform' },
          { id: 'mobile-lead', title: 'Mobile release captain', side: 'mobile' },
          { id: 'program-lead', title: 'Program lead' },
        ],
        decisions: [
          {
            id: 'switch',
            title: 'Switch traffic',
            status: 'no-go',
            goRequires: { blockersCleared: ['rollout'], allGatesGreen: true, signedGo: true },
          },
        ],
        phases: [
          {
            id: 'rollout',
            title: 'Rollout',
            status: 'not-started',
            startRequires: { decisionsGo: ['switch'] },
          },
        ],
        blockers: [
          { id: 'store-review', title: 'App store review passed', owner: 'mobile-lead', phase: 'rollout' },
        ],
        gates: [{ id: 'e2e', title: 'End-to-end suite', owner: 'platform-lead' }],
        permissions: { 'gate.set': ['$owner'], 'blocker.clear': ['$owner'], decide: ['program-lead'] },
      }),
    );
    try {
      h = await startHarness({ program });
      expect((await h.command(ADMIN, 'role mobile-lead <@U0MOB|mo>')).text).toContain(':white_check_mark:');
      const status = JSON.stringify((await h.command('U0ANY', 'status')).body.blocks);
      expect(status).toContain('payments.v9 switch');
      expect(status).toContain('Blockers before phase rollout — 1 of 1 open');
      // The ephemeral reply shows who holds each role next to its title (an ephemeral mention pings nobody).
      expect(status).toMatch(/`store-review`[^\n]*Mobile release captain <@U0MOB> \(mobile-lead\)/);
      expect((await h.command('U0MOB', 'blocker clear store-review')).text).toContain(
        'Blocker store-review cleared',
      );
      expect((await h.command('U0MOB', 'gate e2e green')).text).toContain('Only platform-lead');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
