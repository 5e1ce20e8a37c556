/**
 * Issue 24, the buttons and selects: every block_actions handler, fed by fast-check values a forged payload can
 * carry (program and item parts that name object internals, 200 KB values, a picker's choice that names no form,
 * metadata that is not the bot's), through the real Bolt app over signed HTTP. Each is acked (HTTP 200), the person
 * gets an answer (a form, the picker replaced, or a message saying what went wrong), nothing is written, and the bot
 * logs no error.
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ACTIONS, NEW_PROGRAM, VIEWS } from '../../src/slack/ids.js';
import { ADMIN, assignRoles, type Harness, PEOPLE, startHarness } from './harness.js';
import { blockAction } from './payloads.js';

/** The changes a button makes by itself: only ever sent with a program part that names no program. */
const WHOLE_PROGRAM = new Set<string>([ACTIONS.archive, ACTIONS.postRecord]);
const SELECTS = new Set<string>([ACTIONS.pickShape, NEW_PROGRAM.templateChosen]);

const INTERNAL = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];
const hostileProgram = fc.oneof(
  fc.constantFrom(...INTERNAL).map((p) => `${p}:`),
  fc
    .tuple(fc.constantFrom(...INTERNAL), fc.constantFrom(...INTERNAL, 'gate.add', ''))
    .map(([p, i]) => `${p}:${i}`),
  fc.constant(`${'p'.repeat(200_000)}:x`),
  fc.string({ maxLength: 30 }).map((s) => `no-such-program-${s.replace(/:/g, '')}:x`),
);
/** A value for a button that may name the real program (the item part is then what is hostile). */
const hostileValue = fc.oneof(
  hostileProgram,
  fc.constantFrom(...INTERNAL),
  fc.constantFrom(...INTERNAL).map((i) => `service-v3:${i}`),
  fc.constant(`service-v3:${'i'.repeat(200_000)}`),
  fc.constantFrom(':', '::', '', 'service-v3:\u202Eevil'),
);
const hostileMetadata = fc.constantFrom(
  'x'.repeat(200_000),
  '{"program":',
  JSON.stringify({ program: '__proto__' }),
  JSON.stringify({ program: 42 }),
  JSON.stringify({ channel: 'C0CUTOVER', program: 'constructor' }),
  'null',
);

const ALL_ACTIONS = [...Object.values(ACTIONS), NEW_PROGRAM.templateChosen];

async function storeOnDisk(h: Harness): Promise<string> {
  const files: string[] = [];
  const walk = async (dir: string) => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) await walk(path);
      else files.push(path);
    }
  };
  await walk(dirname(h.dbPath));
  files.sort();
  return (await Promise.all(files.map(async (f) => `${f}\n${await readFile(f, 'utf8')}`))).join('\n---\n');
}

let h: Harness;
const logged: unknown[][] = [];
beforeAll(async () => {
  h = await startHarness();
  await assignRoles(h);
  for (const level of ['error', 'warn'] as const)
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logged.push([level, ...args]);
    });
}, 30_000);
afterAll(async () => {
  vi.restoreAllMocks();
  await h?.stop();
});

/** Resolves once `answered()` holds, checking as the stand-in records calls (at most `ms`). */
async function until(answered: () => boolean, ms = 8000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!answered()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
  return true;
}

describe('every button and select, fed hostile values (fast-check, real Bolt app over signed HTTP)', () => {
  it('acks each, answers the person, writes nothing and logs no error', async () => {
    const before = await storeOnDisk(h);
    const run = fc.constantFrom(...ALL_ACTIONS).chain((actionId) =>
      fc.record({
        actionId: fc.constant(actionId),
        user: fc.constantFrom(ADMIN, PEOPLE.logOwner, PEOPLE.producerCommander, 'U0STRANGER'),
        value: WHOLE_PROGRAM.has(actionId) ? hostileProgram : hostileValue,
        surface: SELECTS.has(actionId)
          ? fc.constant('modal' as const)
          : fc.constantFrom('message' as const, 'home' as const, 'modal' as const),
        metadata: hostileMetadata,
      }),
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(run, async ({ actionId, user, value, surface, metadata }) => {
        n++;
        const trigger = `trigger-hostile-${n}`;
        const viewId = `VHOSTILE${n}`;
        const responseUrl = h.slack.responseUrl(`hostile-${n}`);
        const click = blockAction({
          user_id: user,
          action_id: actionId,
          value,
          trigger_id: trigger,
          ...(surface === 'message'
            ? { response_url: responseUrl }
            : {
                view:
                  surface === 'home'
                    ? { id: viewId, type: 'home' }
                    : {
                        id: viewId,
                        callback_id: actionId === ACTIONS.pickShape ? VIEWS.shapePicker : NEW_PROGRAM.view,
                        private_metadata: metadata,
                      },
              }),
        });
        const payload = SELECTS.has(actionId)
          ? {
              ...click,
              actions: [
                {
                  type: 'static_select',
                  action_id: actionId,
                  block_id: click.actions[0]?.block_id,
                  action_ts: click.actions[0]?.action_ts,
                  selected_option: { text: { type: 'plain_text', text: 'x' }, value },
                },
              ],
            }
          : click;
        const dms = h.slack.calls('chat.postMessage').filter((c) => c.args.channel === user).length;
        const a = await h.interact(payload);
        expect(a.status).toBe(200);
        // The new-program form's template select leaves the form as it is when its choice is no template.
        if (actionId !== NEW_PROGRAM.templateChosen) {
          const answered = await until(
            () =>
              h.slack.calls('views.open').some((c) => c.args.trigger_id === trigger) ||
              h.slack.calls('views.update').some((c) => c.args.view_id === viewId) ||
              h.slack.calls('chat.postMessage').filter((c) => c.args.channel === user).length > dms ||
              h.slack.responses.some((r) => r.path.includes(`hostile-${n}`)),
          );
          expect(answered, `${actionId} answered the person`).toBe(true);
        }
        expect(logged).toEqual([]);
      }),
      { numRuns: 120 },
    );
    expect(await storeOnDisk(h)).toBe(before);
  }, 120_000);
});
