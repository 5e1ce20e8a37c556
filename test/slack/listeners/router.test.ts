/**
 * One Bolt listener per kind of request (slack/listeners/router.ts, issue 20): through a real Bolt app's
 * `processEvent`, actions, views and options reach the routes their ids match, each matching route in the order
 * registered, as Bolt's own listeners would; and the bot hands Bolt one listener per kind, not one per route.
 */
import { App, LogLevel } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { actionPattern } from '../../../src/slack/block-ids.js';
import { registerListeners } from '../../../src/slack/listeners/index.js';
import { routeListeners } from '../../../src/slack/listeners/router.js';
import { blockAction, blockSuggestion, viewSubmission } from '../payloads.js';

const app = () =>
  new App({
    signingSecret: 'router-test-secret',
    authorize: async () => ({ botToken: 'xoxb-router', botUserId: 'UBOT', botId: 'BBOT' }),
    logLevel: LogLevel.ERROR,
  });

/** Delivers `body` to `a` as its receiver would; resolves with what was acked. */
async function deliver(a: App, body: unknown): Promise<unknown[]> {
  const acked: unknown[] = [];
  await a.processEvent({
    body: body as Record<string, unknown>,
    ack: async (r?: unknown) => void acked.push(r),
  });
  return acked;
}

describe('the router', () => {
  it('runs every action route whose id matches (string or RegExp), in the order registered, and no other', async () => {
    const a = app();
    const { listeners, install } = routeListeners(a);
    const ran: string[] = [];
    listeners.action('approve', async ({ ack }) => {
      ran.push('exact');
      await ack();
    });
    listeners.action(actionPattern('approve'), async () => {
      ran.push('pattern');
    });
    listeners.action('other', async () => {
      ran.push('other');
    });
    install();

    await deliver(a, blockAction({ user_id: 'UONE', action_id: 'approve' }));
    expect(ran).toEqual(['exact', 'pattern']);
    ran.length = 0;
    await deliver(a, blockAction({ user_id: 'UONE', action_id: 'approve#3' }));
    expect(ran).toEqual(['pattern']);
    ran.length = 0;
    await deliver(a, blockAction({ user_id: 'UONE', action_id: 'unknown' }));
    expect(ran).toEqual([]);
  });

  it('routes a view submission by its callback id, and options by the block they serve', async () => {
    const a = app();
    const { listeners, install } = routeListeners(a);
    const ran: string[] = [];
    listeners.view('form-a', async ({ ack, view }) => {
      ran.push(`a:${view.callback_id}`);
      await ack();
    });
    listeners.view('form-b', async ({ ack }) => {
      ran.push('b');
      await ack();
    });
    listeners.options({ block_id: 'pick-blocker' }, async ({ ack }) => {
      ran.push('options');
      await ack({ options: [] });
    });
    install();

    await deliver(a, viewSubmission({ user_id: 'UONE', callback_id: 'form-a', values: {} }));
    await deliver(
      a,
      blockSuggestion({ user_id: 'UONE', block_id: 'pick-blocker', action_id: 'x', value: 'b', view: {} }),
    );
    await deliver(
      a,
      blockSuggestion({ user_id: 'UONE', block_id: 'elsewhere', action_id: 'x', value: 'b', view: {} }),
    );
    expect(ran).toEqual(['a:form-a', 'options']);
  });

  it('refuses a route it could not match as Bolt would: a global RegExp, another kind of constraint, two listeners', () => {
    const { listeners } = routeListeners(app());
    const noop = async () => {};
    expect(() => listeners.action(/approve/g, noop)).toThrow(/RegExp \(not global\)/);
    expect(() => listeners.action({ callback_id: 'legacy' }, noop)).toThrow(/route takes an id/);
    expect(() => listeners.action('approve', noop, noop)).toThrow(/exactly one listener/);
  });

  it('is how the bot registers: one Bolt listener per kind of request, whatever the number of routes', () => {
    const a = app();
    registerListeners(a, {} as never, {} as never);
    // Bolt keeps its listeners in a private array: the bot's command, App Home event, actions, views and options.
    const bolt = (a as unknown as { listeners: unknown[] }).listeners;
    expect(bolt).toHaveLength(5);
  });
});
