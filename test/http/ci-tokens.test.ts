/**
 * CI tokens scoped to a program, and optionally to a side, through the real bot: made by the decision-log owner in
 * Slack (shown once, stored as a hash), refused on another program (403 naming the scope) and on the other side's
 * gate, named in history and the record, listed with their last use, not copied into a program started from
 * theirs, and refused once revoked (401). CUTOVER_API_TOKEN stays the operator's token.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { decisionRecord } from '../../src/record/decision-record.js';
import { ACTIONS, INPUT_ACTION, INPUTS, VIEWS } from '../../src/slack/ids.js';
import { logPathOf } from '../../src/store/json-file/index.js';
import { publishTarget, TARGET } from '../alerts/helpers.js';
import { ADMIN, assignRoles, type Harness, PEOPLE, startHarness } from '../slack/harness.js';
import { blockAction, stateValue, viewSubmission } from '../slack/payloads.js';

const OPERATOR = 'ci-token-0123456789abcdef';
const OTHER = 'C0OTHER01';
const SECRET = /cutover_[A-Za-z0-9_-]{43}/;

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function api(w: Harness, path: string, token: string, body?: unknown, method = body ? 'POST' : 'GET') {
  const res = await fetch(`http://127.0.0.1:${w.bot.apiPort}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'x-ci-name': 'GitHub Actions',
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** Both programs' documents and histories as they are on disk. */
async function disk(w: Harness) {
  const files = [w.programFile, w.programFile.replace('service-v3', 'service-v4')];
  const out: string[] = [];
  for (const f of files)
    out.push(
      await readFile(f, 'utf8').catch(() => ''),
      await readFile(logPathOf(f, 'history'), 'utf8').catch(() => ''),
    );
  return out.join('\n---\n');
}

/** The bot with the shipped program (roles assigned, a target published) and a second one, service-v4. */
async function twoPrograms() {
  const w = await startHarness({ env: { CUTOVER_API_TOKEN: OPERATOR } });
  h = w;
  await assignRoles(w);
  await publishTarget(w);
  return w;
}

async function startV4(w: Harness) {
  const before = w.slack.responses.length;
  await w.command(ADMIN, 'new service-v4 from service-v3', { channel_id: OTHER });
  await w.slack.waitForResponse((r) => w.slack.responses.indexOf(r) >= before);
  expect(w.bot.programs.get('service-v4')).toBeDefined();
}

/** `/cutover token create …` as the decision-log owner: the secret shown once. */
async function makeToken(w: Harness, line: string) {
  const a = await w.command(PEOPLE.logOwner, `token create ${line}`);
  expect(a.text).toContain('shown only this once');
  const secret = SECRET.exec(a.text)?.[0];
  if (!secret) throw new Error(`no token in ${a.text}`);
  return secret;
}

const GREEN = { status: 'green', sha: TARGET.sha };

describe('CI tokens scoped to a program and a side', () => {
  it("a program A token is refused on program B (403 naming the scope), and a side's token on the other side's gate", async () => {
    const w = await twoPrograms();
    const secret = await makeToken(w, 'consumer-ci consumer');
    await startV4(w);
    // The token was not copied into the program started from its own.
    expect(w.bot.programs.get('service-v4')?.document().tokens).toEqual([]);

    const before = await disk(w);
    const elsewhere = await api(w, '/api/programs/service-v4/gates/consumer-suite', secret, GREEN);
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.json).toMatchObject({
      ok: false,
      error: 'forbidden_scope',
      scope: 'program service-v3, side consumer',
      message: expect.stringContaining('cannot touch program service-v4'),
    });
    const read = await api(w, '/api/programs/service-v4/readiness', secret);
    expect(read).toMatchObject({ status: 403, json: { error: 'forbidden_scope' } });
    const otherSide = await api(w, '/api/programs/service-v3/gates/producer-suite', secret, GREEN);
    expect(otherSide.status).toBe(403);
    expect(otherSide.json).toMatchObject({
      error: 'forbidden_scope',
      scope: 'program service-v3, side consumer',
      message: expect.stringContaining("gate producer-suite is side producer's"),
    });
    const evidence = await api(w, '/api/programs/service-v3/evidence/producer-handoff', secret, {
      url: 'https://ci.example.com/e/1',
    });
    expect(evidence.status).toBe(403);
    expect(await disk(w)).toBe(before);

    // Its own side's gate, by the program path and by the path without one (its own program, though two run).
    const own = await api(w, '/api/programs/service-v3/gates/consumer-suite', secret, GREEN);
    expect(own.status).toBe(200);
    expect(own.json).toMatchObject({ ok: true, counts: true, gate: { status: 'green' } });
    const short = await api(w, '/api/evidence/consumer-repin', secret, { url: 'https://ci.example.com/e/2' });
    expect(short.status).toBe(200);
    const readOwn = await api(w, '/api/programs/service-v3/readiness', secret);
    expect(readOwn).toMatchObject({ status: 200, json: { ok: true, program: { id: 'service-v3' } } });

    // History and the record name the token; the store keeps its hash only.
    const history = (await readFile(logPathOf(w.programFile, 'history'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(history.at(-2)).toMatchObject({
      by: 'CI: GitHub Actions (token consumer-ci)',
      event: { type: 'gate.changed' },
    });
    // Making a token and its last use write no history line of their own: only the changes it made.
    expect(history.filter((e) => /token/.test(JSON.stringify(e.event)))).toEqual([]);
    const doc = w.program().document();
    expect(decisionRecord(doc, new Date())).toContain('CI: GitHub Actions (token consumer-ci)');
    expect(decisionRecord(doc, new Date())).not.toContain(secret);
    const bytes = await disk(w);
    expect(bytes).not.toContain(secret);
    expect(doc.tokens[0]).toMatchObject({
      name: 'consumer-ci',
      side: 'consumer',
      lastUsedAt: expect.any(String),
    });
    // The cutover (what a program started from this one copies, and the program file's shape) holds no token.
    expect(JSON.stringify(doc.cutover)).not.toContain(doc.tokens[0]?.hash ?? 'no hash');

    // Listed with its scope, maker and last use.
    const list = await w.command(PEOPLE.logOwner, 'token list');
    expect(list.text).toContain('`consumer-ci` — program service-v3, side consumer');
    expect(list.text).toContain(`made by <@${PEOPLE.logOwner}>`);
    expect(list.text).toContain('last used');
    expect(list.text).not.toContain(secret);
  });

  it('a revoked token is refused with 401, and an unknown one too; the operator token still works', async () => {
    const w = await twoPrograms();
    const secret = await makeToken(w, 'whole-program');
    expect((await api(w, '/api/gates/consumer-suite', secret, GREEN)).status).toBe(200);
    const revoked = await w.command(PEOPLE.logOwner, 'token revoke whole-program');
    expect(revoked.text).toContain('is revoked');
    const before = await disk(w);
    const again = await api(w, '/api/gates/producer-suite', secret, GREEN);
    expect(again.status).toBe(401);
    expect(again.json).toMatchObject({
      error: 'unauthorized',
      message: expect.stringContaining('was revoked'),
    });
    expect((await api(w, '/api/programs/service-v3/readiness', secret)).status).toBe(401);
    const unknown = await api(
      w,
      '/api/gates/producer-suite',
      'cutover_not-a-token-the-bot-ever-made-000000000',
      GREEN,
    );
    expect(unknown).toMatchObject({ status: 401, json: { error: 'unauthorized' } });
    expect(await disk(w)).toBe(before);
    const op = await api(w, '/api/gates/producer-suite', OPERATOR, GREEN);
    expect(op.status).toBe(200);
    expect(w.program().history(1)[0]?.by).toBe('CI: GitHub Actions (token operator)');
    expect((await w.command(PEOPLE.logOwner, 'token list')).text).toContain('*revoked*');
  });

  it('only the decision-log owner or an admin makes tokens; the name is the program’s for good', async () => {
    const w = await twoPrograms();
    const refused = await w.command(PEOPLE.producerCommander, 'token create mine');
    expect(refused.text).toContain('makes, lists and revokes CI tokens');
    expect(refused.text).not.toMatch(SECRET);
    expect((await w.command(PEOPLE.producerCommander, 'token list')).text).toContain(':no_entry:');
    await makeToken(w, 'pipeline');
    expect((await w.command(ADMIN, 'token create pipeline')).text).toContain('already a token "pipeline"');
    expect((await w.command(PEOPLE.logOwner, 'token create x vendor')).text).toContain(
      'There is no side "vendor"',
    );
    expect(w.program().document().tokens).toHaveLength(1);
  });

  it('the CI tokens form from App Home makes a token shown once in the form, and revokes it by button', async () => {
    const w = await twoPrograms();
    const trigger = 'trigger-tokens-1';
    await w.interact(
      blockAction({
        user_id: PEOPLE.logOwner,
        action_id: ACTIONS.openTokens,
        value: 'service-v3:',
        view: { type: 'home' },
        trigger_id: trigger,
      }),
    );
    const opened = await w.slack.waitFor('views.open', (c) => c.args.trigger_id === trigger);
    const view = opened.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe(VIEWS.tokens);
    const select = (value: string) => ({
      type: 'static_select',
      selected_option: { text: { type: 'plain_text' as const, text: value }, value },
    });
    const made = await w.interact(
      viewSubmission({
        user_id: PEOPLE.logOwner,
        callback_id: VIEWS.tokens,
        private_metadata: view.private_metadata,
        values: {
          [INPUTS.token.name]: { [INPUT_ACTION]: stateValue.plainTextInput('producer-ci') },
          [INPUTS.token.side]: { [INPUT_ACTION]: select('producer') },
        },
      }),
    );
    expect(made.body.response_action).toBe('update');
    const shown = JSON.stringify(made.body.view);
    const secret = SECRET.exec(shown)?.[0];
    expect(secret).toBeDefined();
    expect(shown).toContain('shown only this once');
    expect((await api(w, '/api/gates/producer-suite', secret ?? '', GREEN)).status).toBe(200);

    await w.interact(
      blockAction({
        user_id: PEOPLE.logOwner,
        action_id: ACTIONS.revokeToken,
        value: 'service-v3:producer-ci',
        view: { type: 'modal', callback_id: VIEWS.tokens, private_metadata: view.private_metadata },
      }),
    );
    await w.slack.waitFor('views.update', (c) => JSON.stringify(c.args.view).includes('revoked'));
    expect((await api(w, '/api/gates/producer-suite', secret ?? '', GREEN)).status).toBe(401);

    // Someone with no role in the program is shown nothing of it.
    const before = w.slack.calls('views.open').length;
    await w.interact(
      blockAction({
        user_id: 'USTRANGER',
        action_id: ACTIONS.openTokens,
        value: 'service-v3:',
        view: { type: 'home' },
      }),
    );
    const dm = await w.slack.waitFor('chat.postMessage', (c) =>
      String(c.args.text).includes('You hold no role in that program'),
    );
    expect(String(dm.args.text)).not.toContain('service-v3');
    expect(w.slack.calls('views.open').length).toBe(before);
  });
});
