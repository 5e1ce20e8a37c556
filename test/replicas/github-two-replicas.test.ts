/**
 * Two replicas of the real bot on one PostgreSQL database, both the GitHub App's deployment protection rule (issue 21):
 * a deployment received by one and released by a GO recorded on the other is answered once — one call to GitHub,
 * whichever replica's worker wakes first.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Bot, startBot } from '../../src/bot.js';
import type { Actor } from '../../src/core/schema.js';
import { loadConfig } from '../../src/runtime/config.js';
import { SHIPPED_PROGRAM } from '../fixtures/programs.js';
import { type GitHubStandIn, startGitHubStandIn } from '../github/stand-in.js';
import { ADMIN, CHANNEL, PEOPLE, ROLE_OF, SIGNING_SECRET } from '../slack/harness.js';
import { type SlackStandIn, startSlackStandIn } from '../slack/stand-in.js';
import { tempDirs } from '../store/helpers.js';
import { testDatabases } from '../store/postgres/databases.js';

const SHA = '1f0e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c';
const REPO = 'memorykernel/service';
const dbs = testDatabases();
const dirs = tempDirs();
let bots: Bot[] = [];
let slack: SlackStandIn | undefined;
let gh: GitHubStandIn | undefined;
afterEach(async () => {
  for (const b of bots) await b.stop();
  bots = [];
  await slack?.close();
  await gh?.close();
  await dbs.cleanup();
  await dirs.cleanup();
});

const user = (userId: string, isAdmin = false): Actor => ({ kind: 'user', userId, isAdmin });

describe('two replicas, one GitHub answer', () => {
  it('a deployment received by one replica and released on the other is approved once', async () => {
    slack = await startSlackStandIn();
    gh = await startGitHubStandIn();
    const program = JSON.parse(await readFile(SHIPPED_PROGRAM, 'utf8'));
    program.github = { repos: [REPO], environments: ['production'] };
    const programPath = join(await dirs.make(), 'service-v3-github.json');
    await writeFile(programPath, JSON.stringify(program));
    const url = await dbs.make();
    const g = gh;
    const config = () => {
      const loaded = loadConfig({
        SLACK_BOT_TOKEN: 'xoxb-test-token',
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slack?.apiUrl,
        PORT: '0',
        CUTOVER_CHANNEL_ID: CHANNEL,
        CUTOVER_ADMINS: ADMIN,
        CUTOVER_PROGRAM: programPath,
        DATABASE_URL: url,
        LOG_LEVEL: 'error',
        GITHUB_APP_ID: g.appId,
        GITHUB_APP_PRIVATE_KEY: g.privateKey,
        GITHUB_WEBHOOK_SECRET: g.webhookSecret,
        GITHUB_API_URL: g.apiUrl,
      });
      if (!loaded.ok) throw new Error(loaded.message);
      return loaded.config;
    };
    const [a, b] = await Promise.all([
      startBot(config(), { host: '127.0.0.1', alerts: false, replica: 'replica-a' }),
      startBot(config(), { host: '127.0.0.1', alerts: false, replica: 'replica-b' }),
    ]);
    bots = [a, b];
    const onB = b.programs.get('service-v3');
    const onA = a.programs.get('service-v3');
    if (!onA || !onB) throw new Error('no program');
    const step = async (cmd: Record<string, unknown>, actor: Actor) => {
      const out = await onB.run(cmd, actor, new Date());
      if (!out.ok) throw new Error(`${String(cmd.type)} refused: ${out.error.message}`);
    };
    for (const [who, role] of Object.entries(ROLE_OF))
      await step({ type: 'role.assign', role, user: PEOPLE[who as keyof typeof PEOPLE] }, user(ADMIN, true));
    const P = PEOPLE;
    await step({ type: 'target.publish', tag: 'service.v3.0', sha: SHA }, user(P.producerRollback));
    await step({ type: 'target.approve', target: 'service.v3.0' }, user(P.consumerRollback));
    await step({ type: 'gate.set', gate: 'producer-suite', status: 'green' }, user(P.producerCommander));
    await step({ type: 'gate.set', gate: 'consumer-suite', status: 'green' }, user(P.consumerCommander));
    await step({ type: 'gate.set', gate: 'alignment', status: 'green' }, user(P.logOwner));
    for (const [evidence, by] of [
      ['producer-handoff', P.producerRollback],
      ['consumer-repin', P.consumerRollback],
      ['producer-rollback', P.producerCommander],
      ['consumer-rollback', P.consumerCommander],
    ] as const)
      await step({ type: 'evidence.log', evidence, url: `https://x.example/${evidence}` }, user(by));
    await step(
      { type: 'signoff', side: 'producer', decision: 'go', rationale: 'ready' },
      user(P.producerCommander),
    );
    await step(
      { type: 'signoff', side: 'consumer', decision: 'go', rationale: 'ready' },
      user(P.consumerCommander),
    );

    const got = await g.deliver(
      `http://127.0.0.1:${a.port}/github/webhook`,
      g.protectionRule({ repo: REPO, environment: 'production', sha: SHA, deploymentId: 1, runId: 10 }),
    );
    expect(got.json).toMatchObject({ state: 'waiting' });
    // Replica B hears of it through the database.
    await expect.poll(() => onB.document().deployments.length, { timeout: 10_000 }).toBe(1);

    await step(
      { type: 'decide', decision: 'runtime-cutover', status: 'go', rationale: 'both sides' },
      user(P.logOwner),
    );
    await g.waitForReviews(1);
    // Both workers have looked again since (B woke on its commit, A on hearing it): still one call.
    await expect.poll(() => onA.document().deployments[0]?.state, { timeout: 10_000 }).toBe('approved');
    a.github?.worker.wake();
    b.github?.worker.wake();
    await Promise.all([a.github?.worker.idle(), b.github?.worker.idle()]);
    expect(g.reviews).toEqual([expect.objectContaining({ runId: 10, state: 'approved' })]);
  }, 60_000);
});
