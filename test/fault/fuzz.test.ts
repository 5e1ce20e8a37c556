/**
 * The command parser and every modal handler, fuzzed with fast-check: they never throw, every request is
 * answered, and a refusal never writes (the store file is byte-for-byte unchanged).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INPUT_ACTION, INPUTS, VIEWS } from '../../src/slack/ids.js';
import { parseCommand } from '../../src/slack/parse-command.js';
import { ADMIN, assignRoles, type Harness, PEOPLE, startHarness } from '../slack/harness.js';
import { viewSubmission } from '../slack/payloads.js';

const WORDS = [
  'help',
  'status',
  'roles',
  'role',
  'blocker',
  'add',
  'clear',
  'reopen',
  'gate',
  'green',
  'red',
  'pending',
  'target',
  'approve',
  'evidence',
  'signoff',
  'decide',
  'go',
  'no-go',
  'phase',
  'start',
  'close',
  'window',
  'history',
  'page',
  'record',
  'list',
  'new',
  'from',
  'shape',
  'archive',
  'reminders',
  'digest',
  'quiet',
  'rename',
  'remove',
  'title',
  'Europe/Berlin',
  '2026-12-01',
  '09:00',
  'release-target',
  'producer-suite',
  'runtime-cutover',
  '8',
  '7',
  'producer-handoff',
  'decision-log-owner',
  '<@UPIC|pic>',
  '<!channel>',
  '<https://evil.example|Runbook>',
  '&amp;',
  'https://ci.example.com/1',
  'ftp://x',
  'a'.repeat(40),
  'abc123',
  '2026-12-01T09:00Z',
  '2026-13-45T99:99[Mars/Base]',
  '-1',
  '1000',
  '',
];
const text = fc.oneof(
  fc.array(fc.constantFrom(...WORDS), { maxLength: 8 }).map((w) => w.join(' ')),
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 100 }),
);

describe('the command parser', () => {
  it('never throws, and always answers help, a query, a form, a change or an error with a usage line', () => {
    fc.assert(
      fc.property(text, (t) => {
        const p = parseCommand(t);
        expect([
          'help',
          'status',
          'roles',
          'history',
          'list',
          'new-form',
          'new',
          'shape-form',
          'signoff',
          'record',
          'blocker-form',
          'change',
          'error',
        ]).toContain(p.kind);
        if (p.kind === 'error') expect(p.usage.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });
});

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ mode: 'socket' });
  await assignRoles(h);
  // One manual blocker, so the blocker form has something to act on.
  await h.command(PEOPLE.logOwner, 'blocker add consumer-incident-commander Vendor contract signed');
}, 30_000);
afterAll(async () => {
  await h.stop();
});

const user = fc.constantFrom(ADMIN, ...Object.values(PEOPLE), 'U0STRANGER');
const junk = fc.oneof(
  fc.string({ maxLength: 50 }),
  fc.constantFrom(
    'go',
    'no-go',
    'clear',
    'reopen',
    'producer',
    'consumer',
    'vendor-contract-signed',
    'https://x.example/ok',
    'javascript:x',
  ),
);
/** A state value as Slack might send it, or something no client would. */
const stateValue = fc.oneof(
  junk.map((v) => ({ type: 'plain_text_input', value: v })),
  junk.map((v) => ({
    type: 'radio_buttons',
    selected_option: { text: { type: 'plain_text', text: v }, value: v },
  })),
  junk.map((v) => ({
    type: 'static_select',
    selected_option: { text: { type: 'plain_text', text: v }, value: v },
  })),
  fc.constant({ type: 'static_select', selected_option: null }),
  fc.constant({ type: 'plain_text_input', value: null }),
  fc.anything().map((v) => ({ type: 'weird', value: v })),
);
const blockIds = [
  ...Object.values(INPUTS.signoff),
  ...Object.values(INPUTS.blocker),
  ...Object.values(INPUTS.gate),
  'unknown.block',
];
const values = fc.dictionary(
  fc.constantFrom(...blockIds),
  fc.dictionary(fc.constantFrom(INPUT_ACTION, 'other'), stateValue, { maxKeys: 2 }),
  { maxKeys: 6 },
);
const metadata = fc.oneof(
  fc.constant(''),
  fc.string({ maxLength: 40 }),
  fc
    .record({
      channel: fc.constantFrom('C0CUTOVER', 'CX'),
      side: fc.constantFrom('producer', 'consumer', 'nope'),
    })
    .map((m) => JSON.stringify(m)),
);

describe('the modal handlers', () => {
  it('never throw: every submission is acked, and a refusal writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(VIEWS.signoff, VIEWS.blocker, VIEWS.gate),
        user,
        values,
        metadata,
        async (callback, who, vals, meta) => {
          const before = await h.diskBytes();
          const a = await h.interact(
            viewSubmission({
              user_id: who,
              callback_id: callback,
              private_metadata: meta,
              values: vals as never,
            }),
          );
          expect(a.status).toBe(200);
          if (a.body.response_action === 'errors') {
            const errors = a.body.errors as Record<string, string>;
            expect(Object.values(errors).every((m) => m.length > 0)).toBe(true);
            expect(await h.diskBytes()).toBe(before);
          }
        },
      ),
      { numRuns: 150 },
    );
  }, 60_000);

  it('/cutover never throws: every command is answered, and a refusal writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(user, text, async (who, t) => {
        const before = await h.diskBytes();
        const a = await h.command(who, t);
        expect(a.status).toBe(200);
        if (a.text.includes(':no_entry:')) expect(await h.diskBytes()).toBe(before);
      }),
      { numRuns: 150 },
    );
  }, 60_000);
});
