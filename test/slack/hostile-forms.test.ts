/**
 * Issue 24, through the real Bolt app (HTTP mode, every request signed as Slack signs it) and the Slack stand-in:
 * every form's submit handler is fed, by fast-check, what a hostile person can put in a submission — no `state`, a
 * state that is no object, 200 KB of private_metadata, metadata that is not the bot's, values of the wrong type,
 * datetimepicker seconds far outside any calendar, numbers in hex or with an exponent, ids that name object
 * internals — beside arbitrary values in the form's other fields. Every answer is HTTP 200 with a well-formed body
 * (`response_action: "errors"`, one message under a block of that form), the store on disk is byte for byte as it
 * was, and the bot logs no error (Bolt's "unhandled error" among them).
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  INPUT_ACTION,
  INPUTS,
  NEW_PROGRAM,
  SHAPE_VIEWS,
  type ShapeForm,
  VIEWS,
} from '../../src/slack/ids.js';
import { ADMIN, assignRoles, type Harness, PEOPLE, ROLE_OF, startHarness } from './harness.js';
import { viewSubmission } from './payloads.js';

const S = INPUTS.shape;
const P = NEW_PROGRAM.inputs;

/**
 * Each form: its callback_id, the input blocks it shows (an error must name one of them), and the fields where a
 * hostile value is refused whatever else the form holds (an id, a choice, a time, a number).
 */
interface Form {
  callback: string;
  blocks: readonly string[];
  /** Blocks where `HOSTILE_WORDS` are refused (ids and choices). */
  strict: readonly string[];
  /** Blocks read as whole numbers, where `HOSTILE_NUMBERS` are refused. */
  numbers?: readonly string[];
}

const shape = (form: ShapeForm, blocks: string[], strict: string[], numbers?: string[]): Form => ({
  callback: SHAPE_VIEWS[form],
  blocks,
  strict,
  ...(numbers ? { numbers } : {}),
});
const REMINDER_BLOCKS = [
  S.signoffAfterHours,
  S.blockerStaleHours,
  S.windowLeadHours,
  S.digestHour,
  S.quietFrom,
  S.quietTo,
  S.zone,
];
const SIDES = (['producer', 'consumer'] as const).flatMap((s) => [
  `${P.sidePrefix}${s}.name`,
  `${P.sidePrefix}${s}.zone`,
]);

const ROLES = Object.values(ROLE_OF).map((r) => `${P.rolePrefix}${r}`);

const FORMS: Form[] = [
  {
    callback: VIEWS.signoff,
    blocks: Object.values(INPUTS.signoff),
    strict: [INPUTS.signoff.decision],
  },
  {
    callback: VIEWS.blocker,
    blocks: Object.values(INPUTS.blocker),
    strict: [INPUTS.blocker.blocker, INPUTS.blocker.action],
  },
  {
    callback: VIEWS.gate,
    blocks: Object.values(INPUTS.gate),
    strict: [INPUTS.gate.gate, INPUTS.gate.status],
  },
  { callback: VIEWS.evidence, blocks: Object.values(INPUTS.evidence), strict: [INPUTS.evidence.evidence] },
  { callback: VIEWS.target, blocks: Object.values(INPUTS.target), strict: [INPUTS.target.sha] },
  { callback: VIEWS.role, blocks: Object.values(INPUTS.role), strict: [INPUTS.role.role] },
  { callback: VIEWS.window, blocks: Object.values(INPUTS.window), strict: [INPUTS.window.start] },
  { callback: VIEWS.decide, blocks: Object.values(INPUTS.decide), strict: [INPUTS.decide.decision] },
  { callback: VIEWS.tokens, blocks: Object.values(INPUTS.token), strict: [INPUTS.token.name] },
  { callback: VIEWS.confirm, blocks: Object.values(INPUTS.confirm), strict: [] },
  shape('gate.add', [S.id, S.title, S.owner, S.perTarget], [S.id]),
  shape('gate.rename', [S.item, S.title], [S.item]),
  shape('gate.remove', [S.item], [S.item]),
  shape('evidence.add', [S.id, S.title, S.side], [S.id]),
  shape('evidence.rename', [S.item, S.title], [S.item]),
  shape('evidence.remove', [S.item], [S.item]),
  shape('blocker.add', [S.owner, S.title], [S.owner]),
  shape('blocker.rename', [S.item, S.title], [S.item]),
  shape('blocker.remove', [S.item], [S.item]),
  shape('role.retitle', [S.item, S.title], [S.item]),
  shape('reminders.set', REMINDER_BLOCKS, [], [S.signoffAfterHours, S.blockerStaleHours]),
  {
    callback: NEW_PROGRAM.view,
    blocks: [P.template, P.id, P.title, P.release, ...SIDES, ...ROLES],
    strict: [P.id],
  },
];

/** Every form is fuzzed: none is left out of the table. */
const ALL_CALLBACKS = [
  ...Object.values(VIEWS).filter((v) => v !== VIEWS.shapePicker),
  ...Object.values(SHAPE_VIEWS),
  NEW_PROGRAM.view,
];

/** Ids that name a JavaScript object's internals. */
const HOSTILE_WORDS = ['__proto__', 'constructor', 'prototype'];
/** Numbers as no whole-hours field takes them. */
const HOSTILE_NUMBERS = ['0x10', '1e3', '1e300', '-1', '1.5', '721', '0', 'Infinity', 'NaN', '+5', '١٢'];
/** Seconds a datetimepicker cannot mean: years around 318,000 and −315,000, 1e300, fractions. */
const HOSTILE_SECONDS = [
  1e300,
  -1e300,
  318_000 * 31_556_952,
  -315_000 * 31_556_952,
  1.5,
  -1,
  253_402_300_800,
];

const plainInput = (v: unknown) => ({ type: 'plain_text_input', value: v });
const select = (v: string) => ({
  type: 'static_select',
  selected_option: { text: { type: 'plain_text', text: v.slice(0, 75) }, value: v },
});

/** What Slack's clients send for a field, or something no client would. */
const anyValue = fc.oneof(
  fc.string({ maxLength: 40 }).map(plainInput),
  fc
    .constantFrom('go', 'no-go', 'green', 'clear', 'producer', 'alignment', 'https://ci.example.com/1')
    .map(select),
  fc.constantFrom(null).map(plainInput),
  fc.integer({ min: 1_700_000_000, max: 1_900_000_000 }).map((s) => ({
    type: 'datetimepicker',
    selected_date_time: s,
  })),
  fc.anything({ maxDepth: 2 }).map((v) => ({ type: 'weird', value: v, selected_option: v })),
);

/** One thing in the submission that must be refused, wherever it is. */
type Hostility =
  | { kind: 'no-state' }
  | { kind: 'state-not-object'; state: unknown }
  | { kind: 'metadata'; metadata: string }
  | { kind: 'wrong-type'; block: string; element: unknown }
  | { kind: 'seconds'; block: string; seconds: number }
  | { kind: 'word'; block: string; word: string; as: 'text' | 'select' }
  | { kind: 'number'; block: string; number: string }
  | { kind: 'too-long'; block: string };

const hostilityFor = (form: Form): fc.Arbitrary<Hostility> => {
  const block = fc.constantFrom(...form.blocks);
  const options: fc.Arbitrary<Hostility>[] = [
    fc.constant({ kind: 'no-state' as const }),
    fc
      .constantFrom<unknown>(null, 'values', 42, [], { values: [] }, { values: 'x' }, { values: null })
      .map((state) => ({ kind: 'state-not-object' as const, state })),
    fc
      .constantFrom(
        'x'.repeat(200_000),
        JSON.stringify({ program: 'service-v3', pad: 'y'.repeat(200_000) }),
        '{"program":',
        'null',
        '[]',
        '42',
        JSON.stringify({ program: 42 }),
        JSON.stringify({ channel: { id: 'C0CUTOVER' } }),
        JSON.stringify({ target: 'service.v3', channel: 7 }),
      )
      .map((metadata) => ({ kind: 'metadata' as const, metadata })),
    fc
      .tuple(
        block,
        fc.constantFrom<unknown>(
          'text',
          42,
          null,
          [],
          { type: 'plain_text_input', value: 42 },
          { type: 'static_select', selected_option: { value: ['a'] } },
          { type: 'users_select', selected_user: { id: 'U1' } },
          { type: 'datetimepicker', selected_date_time: '1700000000' },
        ),
      )
      .map(([b, element]) => ({ kind: 'wrong-type' as const, block: b, element })),
    fc
      .tuple(block, fc.constantFrom(...HOSTILE_SECONDS))
      .map(([b, seconds]) => ({ kind: 'seconds' as const, block: b, seconds })),
    block.map((b) => ({ kind: 'too-long' as const, block: b })),
  ];
  if (form.strict.length)
    options.push(
      fc
        .tuple(
          fc.constantFrom(...form.strict),
          fc.constantFrom(...HOSTILE_WORDS),
          fc.constantFrom('text' as const, 'select' as const),
        )
        .map(([b, word, as]) => ({ kind: 'word' as const, block: b, word, as })),
    );
  if (form.numbers?.length)
    options.push(
      fc
        .tuple(fc.constantFrom(...form.numbers), fc.constantFrom(...HOSTILE_NUMBERS))
        .map(([b, number]) => ({ kind: 'number' as const, block: b, number })),
    );
  return fc.oneof(...options);
};

/** The submission: arbitrary values in the form's blocks, then the hostile part over them. */
function submission(form: Form, who: string, noise: Record<string, unknown>, hostile: Hostility) {
  const values: Record<string, unknown> = {};
  for (const [block, element] of Object.entries(noise)) values[block] = { [INPUT_ACTION]: element };
  let metadata = JSON.stringify({ program: 'service-v3', channel: 'C0CUTOVER' });
  if (hostile.kind === 'metadata') metadata = hostile.metadata;
  if (hostile.kind === 'wrong-type') values[hostile.block] = { [INPUT_ACTION]: hostile.element };
  if (hostile.kind === 'seconds')
    values[hostile.block] = {
      [INPUT_ACTION]: { type: 'datetimepicker', selected_date_time: hostile.seconds },
    };
  if (hostile.kind === 'word')
    values[hostile.block] = {
      [INPUT_ACTION]: hostile.as === 'text' ? plainInput(hostile.word) : select(hostile.word),
    };
  if (hostile.kind === 'number')
    values[hostile.block] = { [INPUT_ACTION]: { type: 'number_input', value: hostile.number } };
  if (hostile.kind === 'too-long') values[hostile.block] = { [INPUT_ACTION]: plainInput('z'.repeat(3001)) };
  const payload = viewSubmission({
    user_id: who,
    callback_id: form.callback,
    private_metadata: metadata,
    values: values as never,
  });
  const view = payload.view as unknown as Record<string, unknown>;
  if (hostile.kind === 'no-state') delete view.state;
  if (hostile.kind === 'state-not-object') view.state = hostile.state;
  return { payload, values };
}

/** Every file of the store (catalog, program documents, history logs), by path: what "nothing written" compares. */
async function storeOnDisk(h: Harness): Promise<string> {
  const root = dirname(h.dbPath);
  const files: string[] = [];
  const walk = async (dir: string) => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) await walk(path);
      else files.push(path);
    }
  };
  await walk(root);
  files.sort();
  const parts = await Promise.all(files.map(async (f) => `${f}\n${await readFile(f, 'utf8')}`));
  return parts.join('\n---\n');
}

/** A failure's report without the 200 KB values it may hold. */
function shortReport<T>(out: fc.RunDetails<T>) {
  if (!out.failed) return;
  const example = JSON.stringify(out.counterexample, (_k, v) =>
    typeof v === 'string' && v.length > 200 ? `${v.slice(0, 40)}…(${v.length} chars)` : v,
  );
  throw new Error(
    `failed after ${out.numRuns} runs (seed ${out.seed}): ${String(out.errorInstance)}\n${example}`,
  );
}

let h: Harness;
const logged: unknown[][] = [];
beforeAll(async () => {
  h = await startHarness();
  await assignRoles(h);
  // Something for every form to act on: a manual blocker, a removable evidence item, a published target.
  await h.command(PEOPLE.logOwner, 'blocker add consumer-incident-commander Vendor contract signed');
  await h.command(PEOPLE.logOwner, 'evidence add perf-report producer Performance report');
  await h.command(PEOPLE.producerRollback, `target service.v3.0.0 ${'a'.repeat(40)}`);
  // Bolt's logger writes through the console: an error of the bot, handled or not, shows here.
  for (const level of ['error', 'warn'] as const)
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logged.push([level, ...args]);
    });
}, 30_000);
afterAll(async () => {
  vi.restoreAllMocks();
  await h?.stop();
});

describe('every form, fed hostile submissions (fast-check, real Bolt app over signed HTTP)', () => {
  it('the table holds every form the bot opens', () => {
    expect(FORMS.map((f) => f.callback).sort()).toEqual([...ALL_CALLBACKS].sort());
  });

  it('answers each inline under one of its fields, writes nothing, and logs no error', async () => {
    const who = fc.constantFrom(ADMIN, PEOPLE.logOwner, PEOPLE.producerCommander, 'U0STRANGER');
    const run = fc
      .constantFrom(...FORMS)
      .chain((form) =>
        fc.tuple(
          fc.constant(form),
          who,
          fc.dictionary(fc.constantFrom(...form.blocks), anyValue, { maxKeys: form.blocks.length }),
          hostilityFor(form),
        ),
      );
    const before = await storeOnDisk(h);
    await fc.assert(
      fc.asyncProperty(run, async ([form, user, noise, hostile]) => {
        const { payload, values } = submission(form, user, noise, hostile);
        const a = await h.interact(payload);
        expect(a.status).toBe(200);
        expect(a.body.response_action).toBe('errors');
        const errors = a.body.errors as Record<string, unknown>;
        const blocks = Object.keys(errors);
        expect(blocks.length).toBeGreaterThan(0);
        for (const block of blocks) {
          expect(form.blocks).toContain(block);
          expect(typeof errors[block]).toBe('string');
          expect((errors[block] as string).length).toBeGreaterThan(0);
          expect((errors[block] as string).length).toBeLessThanOrEqual(1000);
        }
        // A fault shows under a block the submission holds, when it holds any of the form's.
        const held =
          hostile.kind === 'no-state' || hostile.kind === 'state-not-object' ? [] : Object.keys(values);
        if (held.length && form.callback !== NEW_PROGRAM.view)
          for (const block of blocks) expect(held).toContain(block);
        expect(logged).toEqual([]);
      }),
      { numRuns: 300, reporter: shortReport },
    );
    expect(await storeOnDisk(h)).toBe(before);
  }, 120_000);
});

describe('the hostile submissions of issue 24, one by one', () => {
  const submit = (callback: string, values: Record<string, unknown>, metadata = '{}') =>
    h.interact(
      viewSubmission({
        user_id: PEOPLE.logOwner,
        callback_id: callback,
        private_metadata: metadata,
        values: values as never,
      }),
    );
  const picker = (seconds: number) => ({
    [INPUT_ACTION]: { type: 'datetimepicker', selected_date_time: seconds },
  });
  const text = (value: string) => ({ [INPUT_ACTION]: plainInput(value) });

  it('the window form answers a time around the year 318,000 or −315,000, or 1e300, under its field', async () => {
    const before = await storeOnDisk(h);
    for (const seconds of [318_000 * 31_556_952, -315_000 * 31_556_952, 1e300]) {
      const a = await submit(VIEWS.window, {
        [INPUTS.window.start]: picker(seconds),
        [INPUTS.window.end]: picker(1_800_000_000),
      });
      expect(a.status).toBe(200);
      expect(a.body).toEqual({
        response_action: 'errors',
        errors: {
          [INPUTS.window.start]:
            'Choose a date and time between the years 1970 and 9999. Nothing was changed.',
        },
      });
    }
    expect(await storeOnDisk(h)).toBe(before);
  });

  it('a gate added by the shape form with the id __proto__, constructor or prototype is refused under the id, naming it', async () => {
    const before = await storeOnDisk(h);
    for (const id of HOSTILE_WORDS) {
      const a = await submit(SHAPE_VIEWS['gate.add'], {
        [S.id]: text(id),
        [S.title]: text('Performance suite'),
        [S.owner]: { [INPUT_ACTION]: select('producer-incident-commander') },
        [S.perTarget]: { [INPUT_ACTION]: { ...select('yes'), type: 'radio_buttons' } },
      });
      expect(a.body).toEqual({
        response_action: 'errors',
        errors: {
          [S.id]: `gate: "${id}" names an internal of the bot's objects (__proto__, constructor, prototype are reserved): choose another id`,
        },
      });
    }
    expect(await storeOnDisk(h)).toBe(before);
  });

  it('reminders written in hex or with an exponent are refused under their field, naming the range', async () => {
    const before = await storeOnDisk(h);
    const number = (v: string) => ({ [INPUT_ACTION]: { type: 'number_input', value: v } });
    for (const v of ['0x10', '1e3', '1.5', '0', '721'])
      expect((await submit(SHAPE_VIEWS['reminders.set'], { [S.signoffAfterHours]: number(v) })).body).toEqual(
        {
          response_action: 'errors',
          errors: {
            [S.signoffAfterHours]: `The sign-off nudge is a whole number of hours from 1 to 720: "${v}" is not.`,
          },
        },
      );
    expect(
      (await submit(SHAPE_VIEWS['reminders.set'], { [S.windowLeadHours]: text('24, 0x10') })).body,
    ).toEqual({
      response_action: 'errors',
      errors: {
        [S.windowLeadHours]:
          'Give each notice as a whole number of hours from 1 to 720, separated by commas: 24, 1.',
      },
    });
    expect(await storeOnDisk(h)).toBe(before);
  });

  it('a submission without state and with 200 KB of private_metadata is answered inline, not with a 500', async () => {
    const before = await storeOnDisk(h);
    const payload = viewSubmission({
      user_id: PEOPLE.logOwner,
      callback_id: VIEWS.gate,
      private_metadata: 'x'.repeat(200_000),
      values: {},
    });
    delete (payload.view as unknown as Record<string, unknown>).state;
    const a = await h.interact(payload);
    expect(a.status).toBe(200);
    expect(a.body).toEqual({
      response_action: 'errors',
      errors: {
        [INPUTS.gate.status]:
          'Slack sent this form without what it holds, or with data the bot did not give it: close the form and open it again. Nothing was changed.',
      },
    });
    expect(await storeOnDisk(h)).toBe(before);
    expect(logged).toEqual([]);
  });
});
