/**
 * Many programs, one channel each, through the real Bolt app and the Slack stand-in: started by the typed line and
 * by the form, listed, run side by side with their own roles, alerts, board, reminders and record, archived, and
 * reached by the CI API per program.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS, INPUT_ACTION, NEW_PROGRAM } from '../../src/slack/ids.js';
import { documentsDirOf, logPathOf } from '../../src/store/json-file/index.js';
import { type AlertHarness, startAlertHarness } from '../alerts/helpers.js';
import { ADMIN, assignRoles, CHANNEL, PEOPLE } from './harness.js';
import { blockAction, stateValue, viewSubmission } from './payloads.js';
import type { RecordedCall } from './stand-in.js';

const OTHER = 'C0SECOND';
const CREATOR = 'U0CREATOR';
const ONCALL = 'S0ONCALL';
const ON_CALL_PERSON = 'U0ONCALL1';
const STRANGER = 'U0STRANGER';
const TOKEN = 'ci-token-0123456789abcdef';
const SHA = '2a0e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c';
/** Someone who holds a role in the second program only. */
const V4_COMMANDER = 'U0V4PIC';

let a: AlertHarness | undefined;
afterEach(async () => {
  await a?.h.stop();
  a = undefined;
});

const start = async (mode: 'http' | 'socket') => {
  a = await startAlertHarness({
    mode,
    board: true,
    reminders: true,
    reminderTickMs: 60_000,
    env: { CUTOVER_CREATORS: `${CREATOR},${ONCALL}`, CUTOVER_API_TOKEN: TOKEN },
    slack: { groups: { [ONCALL]: [ON_CALL_PERSON] } },
  });
  return a;
};

const ok = (x: { text: string }) => expect(x.text).toContain(':white_check_mark:');
const posts = (w: AlertHarness, channel: string) =>
  w.h.slack.calls('chat.postMessage').filter((c) => c.args.channel === channel);
const text = (c: RecordedCall) => String(c.args.text ?? '');

/** `/cutover new <id> from <from>` typed in `channel`: the ack, and then what the person is told. */
async function typedNew(w: AlertHarness, user: string, line: string, channel: string) {
  const responsesBefore = w.h.slack.responses.length;
  const ack = await w.h.command(user, `new ${line}`, { channel_id: channel });
  if (!ack.text.includes(':hourglass_flowing_sand:')) return { ack, told: ack.text };
  const told = await w.h.slack.waitForResponse((r) => w.h.slack.responses.indexOf(r) >= responsesBefore);
  return { ack, told: JSON.stringify(told.body) };
}

describe.each(['http', 'socket'] as const)('programs side by side (%s mode)', (mode) => {
  it('two programs run side by side in two channels, each with its own roles, alerts, board, reminders and record', async () => {
    const w = await start(mode);
    await assignRoles(w.h);
    await w.drain();

    // A channel without a program says so, and how to start one.
    const none = await w.h.command(PEOPLE.logOwner, 'status', { channel_id: OTHER });
    expect(none.text).toContain('There is no cutover program in this channel');
    expect(none.text).toContain('`/cutover new`');

    // The admin starts the next cutover in the other channel, in one line.
    const made = await typedNew(w, ADMIN, 'service-v4 from service-v3', OTHER);
    expect(made.told).toContain('started in <#C0SECOND>');
    const v4 = w.h.program({ id: 'service-v4' });
    expect(v4.cutover()).toMatchObject({ id: 'service-v4', release: 'service-v4', channel: OTHER });
    expect(v4.cutover().title).toBe('service-v4 runtime cutover');
    // Structure without live state: the roles are there, unassigned.
    expect(v4.cutover().roles.map((r) => r.assignee)).toEqual([null, null, null, null, null]);
    await w.drain();
    // The channel hears that it started, and gets its own status board.
    expect(posts(w, OTHER).map(text).join('\n')).toContain('Program started');
    expect(posts(w, OTHER).some((c) => JSON.stringify(c.args.blocks ?? '').includes('service-v4'))).toBe(
      true,
    );

    // Each program has its own roles.
    ok(
      await w.h.command(ADMIN, `role producer-incident-commander <@${V4_COMMANDER}|v4pic>`, {
        channel_id: OTHER,
      }),
    );
    const rolesHere = await w.h.command(PEOPLE.logOwner, 'roles');
    expect(rolesHere.text).not.toContain(V4_COMMANDER);
    const rolesThere = await w.h.command(PEOPLE.logOwner, 'roles', { channel_id: OTHER });
    expect(rolesThere.text).toContain(V4_COMMANDER);
    await w.drain();

    // A change in one channel changes only its program, alerts only its channel, and rewrites only its document.
    const v3File = join(documentsDirOf(w.h.dbPath), 'service-v3.json');
    const v3Bytes = await readFile(v3File, 'utf8');
    const v3Log = await readFile(logPathOf(v3File, 'history'), 'utf8');
    const postsHere = posts(w, CHANNEL).length;
    // Nobody holds the release owner role in service-v4 yet: the admin publishes.
    ok(await w.h.command(ADMIN, `target service.v4.0 ${SHA}`, { channel_id: OTHER }));
    await w.drain();
    expect(posts(w, OTHER).map(text).join('\n')).toContain('service.v4.0');
    expect(posts(w, CHANNEL).slice(postsHere).map(text)).toEqual([]);
    expect(await readFile(v3File, 'utf8')).toBe(v3Bytes);
    expect(await readFile(logPathOf(v3File, 'history'), 'utf8')).toBe(v3Log);
    expect(w.h.program().cutover().targets).toEqual([]);
    const status = await w.h.command(PEOPLE.logOwner, 'status');
    expect(JSON.stringify(status.body)).not.toContain('service.v4.0');
    const history = await w.h.command(PEOPLE.logOwner, 'history', { channel_id: OTHER });
    expect(history.text).toContain('service.v4.0');

    // `/cutover list` shows both, with a link to each channel.
    const list = await w.h.command(STRANGER, 'list', { channel_id: 'C0ELSEWHERE' });
    expect(list.text).toContain('`service-v3` — <#C0CUTOVER>');
    expect(list.text).toContain('`service-v4` — <#C0SECOND>');
    expect(list.text).toContain('2 active');

    // Reminders are each program's own: a window in the second program is announced there only.
    const startAt = new Date(w.clock.now().getTime() + 25 * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const endAt = new Date(w.clock.now().getTime() + 27 * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    ok(await w.h.command(ADMIN, `window ${startAt} ${endAt}`, { channel_id: OTHER }));
    await w.drain();
    const hereBefore = posts(w, CHANNEL).length;
    const thereBefore = posts(w, OTHER).length;
    w.clock.advance(65 * 60_000);
    await w.drain();
    const reminders = posts(w, OTHER).slice(thereBefore).map(text).join('\n');
    expect(reminders).toContain('The cutover window starts');
    expect(posts(w, CHANNEL).slice(hereBefore).map(text).join('\n')).not.toContain(
      'The cutover window starts',
    );

    // The record is the program's own, uploaded to its channel.
    const rec = await w.h.command(PEOPLE.logOwner, 'record', { channel_id: OTHER });
    expect(rec.text).toContain('<#C0SECOND>');
    const upload = await w.h.slack.waitForUpload((u) => (u.filename ?? '').includes('service-v4'));
    expect(upload.content).toContain('service.v4.0');

    // A restart finds both, each in its channel.
    await w.h.restart();
    expect(w.h.bot.programs.all().map((s) => [s.cutover().id, s.cutover().channel])).toEqual([
      ['service-v3', CHANNEL],
      ['service-v4', OTHER],
    ]);
    const after = await w.h.command(PEOPLE.logOwner, 'roles', { channel_id: OTHER });
    expect(after.text).toContain(V4_COMMANDER);
  });

  it('starts a program by the form: the template, id, title, release, sides and role titles as typed', async () => {
    const w = await start(mode);
    const trigger = `trigger-new-${mode}`;
    const opened = await w.h.command(CREATOR, 'new', { channel_id: OTHER, trigger_id: trigger });
    expect(opened.status).toBe(200);
    const call = await w.h.slack.waitFor('views.open', (c) => c.args.trigger_id === trigger);
    const view = call.args.view as {
      callback_id: string;
      private_metadata: string;
      blocks: { block_id?: string }[];
    };
    expect(view.callback_id).toBe(NEW_PROGRAM.view);
    const blockIds = view.blocks.map((b) => b.block_id).filter(Boolean);
    expect(blockIds).toContain('program.side.producer.name');
    expect(blockIds).toContain('program.role.decision-log-owner');

    const input = (v: string | null) => ({ [INPUT_ACTION]: stateValue.plainTextInput(v) });
    const values = (id: string, zone: string | null) => ({
      [NEW_PROGRAM.inputs.template]: { [NEW_PROGRAM.templateChosen]: stateValue.staticSelect('service-v3') },
      [NEW_PROGRAM.inputs.id]: input(id),
      [NEW_PROGRAM.inputs.title]: input('Ledger v2 runtime cutover'),
      [NEW_PROGRAM.inputs.release]: input('ledger.v2'),
      'program.side.producer.name': input('LedgerCore'),
      'program.side.producer.zone': input(zone),
      'program.side.consumer.name': input('Billing'),
      'program.side.consumer.zone': input('America/New_York'),
      'program.role.decision-log-owner': input('Ledger change manager'),
    });
    const catalogBefore = await readFile(w.h.dbPath, 'utf8');

    // Bad input is answered under its field, and nothing is written.
    const bad = await w.h.interact(
      viewSubmission({
        user_id: CREATOR,
        callback_id: NEW_PROGRAM.view,
        private_metadata: view.private_metadata,
        values: values('Ledger V2', 'Mars/Olympus'),
      }),
    );
    expect(bad.body).toMatchObject({ response_action: 'errors' });
    const errors = (bad.body as { errors: Record<string, string> }).errors;
    expect(errors[NEW_PROGRAM.inputs.id]).toContain('not a program id');
    expect(errors['program.side.producer.zone']).toContain('not a time zone');
    expect(await readFile(w.h.dbPath, 'utf8')).toBe(catalogBefore);

    const good = await w.h.interact(
      viewSubmission({
        user_id: CREATOR,
        callback_id: NEW_PROGRAM.view,
        view_id: 'VNEWFORM1',
        private_metadata: view.private_metadata,
        values: values('ledger-v2', 'Europe/Berlin'),
      }),
    );
    expect(good.body).toMatchObject({ response_action: 'update' });
    const shown = await w.h.slack.waitFor('views.update', (c) =>
      JSON.stringify(c.args.view).includes('started in'),
    );
    expect(JSON.stringify(shown.args.view)).toContain('Ledger v2 runtime cutover');
    const c = w.h.program({ channel: OTHER }).cutover();
    expect(c).toMatchObject({ id: 'ledger-v2', title: 'Ledger v2 runtime cutover', release: 'ledger.v2' });
    expect(c.sides.map((s) => [s.name, s.zone])).toEqual([
      ['LedgerCore', 'Europe/Berlin'],
      ['Billing', 'America/New_York'],
    ]);
    expect(c.roles.find((r) => r.id === 'decision-log-owner')?.title).toBe('Ledger change manager');
    expect(JSON.parse(await readFile(w.h.dbPath, 'utf8')).data.programs).toEqual([
      expect.objectContaining({ id: 'service-v3' }),
      expect.objectContaining({ id: 'ledger-v2', createdBy: CREATOR, from: 'programs/service-v3.json' }),
    ]);

    // The same submission again (a retry) starts nothing more.
    await w.h.interact(
      viewSubmission({
        user_id: CREATOR,
        callback_id: NEW_PROGRAM.view,
        view_id: 'VNEWFORM1',
        private_metadata: view.private_metadata,
        values: values('ledger-v2', 'Europe/Berlin'),
      }),
    );
    expect(w.h.bot.programs.all()).toHaveLength(2);

    // Choosing another template updates the form for its sides and roles.
    const click = blockAction({
      user_id: CREATOR,
      action_id: NEW_PROGRAM.templateChosen,
      view: { id: 'VNEWFORM2', type: 'modal', private_metadata: view.private_metadata },
    });
    const [button] = click.actions;
    const select = {
      ...button,
      type: 'static_select',
      selected_option: { text: { type: 'plain_text', text: 'Copy of ledger-v2' }, value: 'copy:ledger-v2' },
    };
    const chosen = await w.h.interact({ ...click, actions: [select] });
    expect(chosen.status).toBe(200);
    const updated = await w.h.slack.waitFor('views.update', (u) => u.args.view_id === 'VNEWFORM2');
    const form = JSON.stringify(updated.args.view);
    expect(form).toContain('Copy of ledger-v2');
    // The copy's own names are offered to change.
    expect(form).toContain('LedgerCore');
  });

  it('lets only admins and creators (directly or by user group) start one, where the bot is, in a free channel', async () => {
    const w = await start(mode);
    const catalog = () => readFile(w.h.dbPath, 'utf8');
    const before = await catalog();

    const stranger = await typedNew(w, STRANGER, 'x-1 from service-v3', OTHER);
    expect(stranger.told).toContain("Only the bot's admins and program creators start programs");
    expect(stranger.told).toContain(`<!subteam^${ONCALL}>`);

    const busy = await typedNew(w, ADMIN, 'x-2 from service-v3', CHANNEL);
    expect(busy.told).toContain('This channel already runs service.v3 runtime cutover');

    const unknown = await typedNew(w, ADMIN, 'x-3 from nothing-like-it', OTHER);
    expect(unknown.told).toContain('There is no template or program "nothing-like-it"');
    expect(unknown.told).toContain('`service-v3`');

    w.h.slack.removeBot(OTHER);
    const notIn = await typedNew(w, ADMIN, 'x-4 from service-v3', OTHER);
    expect(notIn.told).toContain('/invite @cutover-bot');
    w.h.slack.inviteBot(OTHER);
    expect(await catalog()).toBe(before);
    expect(w.h.bot.programs.all()).toHaveLength(1);

    // A member of the creators' user group may.
    const byGroup = await typedNew(w, ON_CALL_PERSON, 'x-5 from service-v3', OTHER);
    expect(byGroup.told).toContain('started in <#C0SECOND>');

    // An id is a program's for good.
    const taken = await typedNew(w, ADMIN, 'x-5 from service-v3', 'C0THIRD');
    expect(taken.told).toContain('There is already a program "x-5"');
  });

  it('/cutover new speaks with one voice: no "Starting…" before a refusal, the next step the person may take, a free id offered', async () => {
    const w = await start(mode);
    // A stranger, once Slack has said who is in the creators' group: refused in the ack, never told "Starting".
    await typedNew(w, STRANGER, 'y-1 from service-v3', OTHER);
    const again = await typedNew(w, STRANGER, 'y-1 from service-v3', OTHER);
    expect(again.ack.text).toMatch(/^:no_entry: Only the bot's admins and program creators start programs/);
    expect(again.ack.text).not.toContain('Starting');
    // Nor given a form they cannot submit.
    const seen = w.h.slack.responses.length;
    const formFor = await w.h.command(STRANGER, 'new', { channel_id: OTHER, trigger_id: 'trigger-stranger' });
    expect(formFor.status).toBe(200);
    const refusal = await w.h.slack.waitForResponse(
      (r) => w.h.slack.responses.indexOf(r) >= seen && JSON.stringify(r.body).includes('program creators'),
    );
    expect(JSON.stringify(refusal.body)).toContain('Nothing was started');
    expect(w.h.slack.calls('views.open').some((c) => c.args.trigger_id === 'trigger-stranger')).toBe(false);

    // A creator (no admin) is told who assigns the roles, not to do what they may not.
    const made = await typedNew(w, CREATOR, 'service-v4 from service-v3', OTHER);
    expect(made.ack.text).toContain(':hourglass_flowing_sand: Starting `service-v4`');
    expect(made.told).toContain(`Its roles are unassigned: an admin (<@${ADMIN}>) assigns them; ask them to`);
    expect(made.told).not.toContain('assign them with');
    const role = await w.h.command(CREATOR, `role decision-log-owner <@${CREATOR}|c>`, { channel_id: OTHER });
    expect(role.text).toContain(':no_entry:');
    // An admin is told to assign them.
    const mine = await typedNew(w, ADMIN, 'service-v7 from service-v3', 'C0THIRD');
    expect(mine.told).toContain('assign them with `/cutover role &lt;role-id&gt; @person`');

    // The form's id placeholder is an id nobody holds: service-v3 and -v4 are taken, so service-v5.
    await w.h.command(CREATOR, 'new', { channel_id: 'C0FOURTH', trigger_id: 'trigger-free-id' });
    const open = await w.h.slack.waitFor('views.open', (c) => c.args.trigger_id === 'trigger-free-id');
    const idBlock = (
      open.args.view as { blocks: { block_id?: string; element?: { placeholder?: { text: string } } }[] }
    ).blocks.find((b) => b.block_id === NEW_PROGRAM.inputs.id);
    expect(idBlock?.element?.placeholder?.text).toBe('service-v5');
  });

  it('archives a finished program: read-only, its final record posted, listed as archived, its channel free again', async () => {
    const w = await start(mode);
    await typedNew(w, ADMIN, 'service-v4 from service-v3', OTHER);
    await w.drain();

    const unfinished = await w.h.command(PEOPLE.logOwner, 'archive', { channel_id: OTHER });
    expect(unfinished.text).toContain(':no_entry:');
    const noReason = await w.h.command(ADMIN, 'archive', { channel_id: OTHER });
    expect(noReason.text).toContain('say why the program is archived unfinished');
    ok(await w.h.command(ADMIN, 'archive superseded by the ledger cutover', { channel_id: OTHER }));
    const final = await w.h.slack.waitForUpload((u) => (u.filename ?? '').includes('service-v4'));
    expect(final.initialComment ?? JSON.stringify(final)).toContain('archived');
    await w.drain();
    expect(posts(w, OTHER).map(text).join('\n')).toContain('Program archived');

    const change = await w.h.command(ADMIN, `target service.v4.1 ${SHA}`, { channel_id: OTHER });
    expect(change.text).toContain('read-only');
    const list = await w.h.command(STRANGER, 'list');
    expect(list.text).toContain('1 active, 1 archived');
    expect(list.text).toMatch(
      /\*Archived\*\n• \*service-v4 runtime cutover\* `service-v4` — <#C0SECOND> · :file_cabinet: archived/,
    );

    // The archived program's channel may host a new one, even a copy of the archived program.
    const next = await typedNew(w, ADMIN, 'service-v5 from service-v4', OTHER);
    expect(next.told).toContain('started in <#C0SECOND>');
    const now = await w.h.command(PEOPLE.logOwner, 'status', { channel_id: OTHER });
    expect(JSON.stringify(now.body)).toContain('service-v5');
  });

  it('takes CI results per program; the old paths name the programs when there are several', async () => {
    const w = await start(mode);
    const api = async (path: string, body: unknown) => {
      const res = await fetch(`http://127.0.0.1:${w.h.bot.apiPort}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    };
    const body = { status: 'green', sha: SHA };
    // One active program: the old path still works.
    const one = await api('/api/gates/producer-suite', body);
    expect(one.status).toBe(200);

    await typedNew(w, ADMIN, 'service-v4 from service-v3', OTHER);
    const several = await api('/api/gates/producer-suite', body);
    expect(several.status).toBe(409);
    expect(several.json).toMatchObject({
      error: 'ambiguous_program',
      programs: ['service-v3', 'service-v4'],
    });

    const v4 = await api('/api/programs/service-v4/gates/producer-suite', body);
    expect(v4.status).toBe(200);
    const results = (id: string) =>
      w.h
        .program({ id })
        .cutover()
        .gates.find((g) => g.id === 'producer-suite')?.results.length;
    expect(results('service-v4')).toBe(1);
    expect(results('service-v3')).toBe(1);
    const unknown = await api('/api/programs/nope/evidence/producer-handoff', {
      url: 'https://ci.example.com/1',
    });
    expect(unknown.status).toBe(404);
    expect(unknown.json.message).toContain('There is no program "nope"');
  });

  it('acts on the program a Home button names, wherever it is clicked', async () => {
    const w = await start(mode);
    await typedNew(w, ADMIN, 'service-v4 from service-v3', OTHER);
    ok(
      await w.h.command(ADMIN, `role producer-incident-commander <@${V4_COMMANDER}|v4pic>`, {
        channel_id: OTHER,
      }),
    );
    const trigger = `trigger-home-gate-${mode}`;
    await w.h.interact(
      blockAction({
        user_id: V4_COMMANDER,
        action_id: ACTIONS.openGate,
        value: 'service-v4:producer-suite',
        trigger_id: trigger,
        view: { type: 'home' },
      }),
    );
    const form = await w.h.slack.waitFor('views.open', (c) => c.args.trigger_id === trigger);
    expect(JSON.parse((form.args.view as { private_metadata: string }).private_metadata)).toMatchObject({
      program: 'service-v4',
    });
    await stat(join(documentsDirOf(w.h.dbPath), 'service-v4.json'));
  });
});
