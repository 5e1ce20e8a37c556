/**
 * Forms past Slack's 100 options (issue 18): a program of 250 blockers (and 150 gates) offers its items through an
 * external_select whose options load as the person types (a block_suggestion to the same request URL, or over
 * Socket Mode), and a person finds and clears the 250th blocker through the form.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS, actionValue, INPUT_ACTION, INPUTS, VIEWS } from '../../src/slack/ids.js';
import { SHIPPED_PROGRAM } from '../fixtures/programs.js';
import { assignRoles, type Harness, PEOPLE, startHarness } from './harness.js';
import { blockAction, blockSuggestion, stateValue, viewSubmission } from './payloads.js';

const { logOwner: LOG } = PEOPLE;

let h: Harness | undefined;
let dir = '';
afterEach(async () => {
  await h?.stop();
  h = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = '';
});

/** The shipped program with 250 more manual blockers and 150 more gates, all the log owner's. */
async function largeProgramFile(): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), 'cutover-large-forms-'));
  const program = JSON.parse(await readFile(SHIPPED_PROGRAM, 'utf8'));
  const phase = program.phases.at(-1).id;
  for (let i = 1; i <= 250; i++)
    program.blockers.push({
      id: `bulk-${i}`,
      title: `Bulk blocker number ${i} of the migration`,
      owner: 'decision-log-owner',
      phase,
    });
  for (let i = 1; i <= 150; i++)
    program.gates.push({ id: `bulk-gate-${i}`, title: `Bulk gate ${i}`, owner: 'decision-log-owner' });
  const file = join(dir, 'large.json');
  await writeFile(file, JSON.stringify(program));
  return file;
}

type Element = { type: string; options?: unknown[] };
type ViewArg = {
  callback_id: string;
  private_metadata: string;
  blocks: { block_id?: string; element?: Element }[];
};
const elementOf = (view: ViewArg, block: string) => view.blocks.find((b) => b.block_id === block)?.element;

describe.each(['http', 'socket'] as const)('forms of more than 100 items (%s mode)', (mode) => {
  it('a person finds the 250th blocker by typing, and clears it through the form', async () => {
    h = await startHarness({ mode, program: await largeProgramFile() });
    await assignRoles(h);
    const trigger = `trigger-blocker-form-${mode}`;
    await h.command(LOG, 'blocker', { trigger_id: trigger });
    const opened = await h.slack.waitFor('views.open', (c) => c.args.trigger_id === trigger);
    const view = opened.args.view as ViewArg;
    const viewId = String((opened.response?.view as { id?: string } | undefined)?.id);
    expect(view.callback_id).toBe(VIEWS.blocker);
    const select = elementOf(view, INPUTS.blocker.blocker);
    expect(select).toMatchObject({ type: 'external_select', action_id: INPUT_ACTION });
    expect(select).not.toHaveProperty('options');

    // Typing: the options Slack asks for, filtered by what was typed; at most 100 whatever is typed.
    const suggest = (value: string) =>
      h?.interact(
        blockSuggestion({
          user_id: LOG,
          block_id: INPUTS.blocker.blocker,
          action_id: INPUT_ACTION,
          value,
          view: { id: viewId, callback_id: VIEWS.blocker, private_metadata: view.private_metadata },
        }),
      );
    const values = (answer: Awaited<ReturnType<typeof suggest>>) =>
      ((answer?.body.options ?? []) as { value: string }[]).map((o) => o.value);
    expect(values(await suggest(''))).toHaveLength(100);
    expect(values(await suggest('bulk'))).toHaveLength(100);
    expect(values(await suggest('bulk-250'))).toEqual(['bulk-250']);
    const byTitle = await suggest('number 250 migration');
    expect(values(byTitle)).toEqual(['bulk-250']);
    expect(JSON.stringify(byTitle?.body)).toContain('Bulk blocker number 250 of the migration');
    expect(values(await suggest('no such thing'))).toEqual([]);

    // Chosen and submitted: the 250th blocker is cleared, as the store says.
    const answer = await h.interact(
      viewSubmission({
        user_id: LOG,
        callback_id: VIEWS.blocker,
        view_id: viewId,
        private_metadata: view.private_metadata,
        values: {
          [INPUTS.blocker.blocker]: { [INPUT_ACTION]: stateValue.externalSelect('bulk-250') },
          [INPUTS.blocker.action]: { [INPUT_ACTION]: stateValue.radioButtons('clear') },
          [INPUTS.blocker.evidenceUrl]: {
            [INPUT_ACTION]: stateValue.plainTextInput('https://ci.example/250'),
          },
          [INPUTS.blocker.reason]: { [INPUT_ACTION]: stateValue.plainTextInput(null) },
        },
      }),
    );
    expect(answer.body).toEqual({});
    const cleared = h
      .program()
      .cutover()
      .blockers.find((b) => b.id === 'bulk-250');
    expect(cleared?.status).toBe('cleared');
    const onDisk = (await h.disk()).data.cutover as { blockers: { id: string; status: string }[] };
    expect(onDisk.blockers.find((b) => b.id === 'bulk-250')?.status).toBe('cleared');
    expect(onDisk.blockers.find((b) => b.id === 'bulk-249')?.status).toBe('open');
  });

  it('the gate form past 100 gates loads its options as the person types, only the gates they may set', async () => {
    h = await startHarness({ mode, program: await largeProgramFile() });
    await assignRoles(h);
    // "Set a gate" on App Home opens the form.
    const trigger = `trigger-gate-form-${mode}`;
    await h.interact(
      blockAction({
        user_id: LOG,
        action_id: ACTIONS.openGate,
        value: actionValue(h.program().cutover().id),
        trigger_id: trigger,
        view: { type: 'home' },
      }),
    );
    const opened = await h.slack.waitFor('views.open', (c) => c.args.trigger_id === trigger);
    const view = opened.args.view as ViewArg;
    expect(elementOf(view, INPUTS.gate.gate)).toMatchObject({ type: 'external_select' });
    const answer = await h.interact(
      blockSuggestion({
        user_id: LOG,
        block_id: INPUTS.gate.gate,
        action_id: INPUT_ACTION,
        value: 'bulk-gate-150',
        view: { callback_id: VIEWS.gate, private_metadata: view.private_metadata },
      }),
    );
    expect((answer.body.options as { value: string }[]).map((o) => o.value)).toEqual(['bulk-gate-150']);
  });
});
