/**
 * The dispatcher on the in-memory store (the port the JSON file implements too) and the real service, with Slack
 * behind its port answering as a test tells it to: the retry rules (backoff, Retry-After), exactly-once when an
 * answer is lost, and a message Slack refuses.
 * (test/alerts/delivery.test.ts shows the same through the real bot and the Slack stand-in.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDispatcher, createPacer, type Dispatcher } from '../../src/alerts/dispatcher.js';
import { createLease } from '../../src/alerts/lease.js';
import {
  type AlertSlack,
  DeliveryError,
  type Failure,
  type Metadata,
  type PostedMessage,
} from '../../src/alerts/slack-port.js';
import { HistoryEntry } from '../../src/core/schema.js';
import { type CutoverService, createCutoverService } from '../../src/service/cutover-service.js';
import { newDocument, type OutboxItem, StoreDocument } from '../../src/service/document.js';
import { MemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/store.js';
import { shippedProgram } from '../fixtures/programs.js';
import { type ManualClock, manualClock } from './clock.js';

const START = '2026-02-10T08:00:00.000Z';
const quiet = { info() {}, warn() {}, error() {} };

/** Slack behind the port: records posts; fails as scripted; `history` says whether it can list recent messages. */
class FakeSlack implements AlertSlack {
  posts: { channel: string; text: string; metadata?: Metadata; ts: string }[] = [];
  /** Failures for the next posts, in order; `reached` ones are acted on by "Slack" before the answer is lost. */
  script: (Failure & { reached?: boolean })[] = [];
  history = true;
  recentCalls = 0;
  #n = 0;
  async post(m: { channel: string; text: string; metadata?: Metadata }) {
    const failure = this.script.shift();
    if (failure && !failure.reached) throw new DeliveryError(failure);
    const ts = `1700000000.${String(++this.#n).padStart(6, '0')}`;
    this.posts.push({ ...m, ts });
    if (failure) throw new DeliveryError(failure);
    return { ts };
  }
  async update() {}
  async recent(): Promise<PostedMessage[] | undefined> {
    this.recentCalls += 1;
    if (!this.history) return undefined;
    return this.posts.flatMap((p) => (p.metadata ? [{ ts: p.ts, metadata: p.metadata }] : []));
  }
}

let store: Store<StoreDocument> | undefined;
let dispatcher: Dispatcher | undefined;
afterEach(async () => {
  await dispatcher?.stop();
  await store?.close();
  dispatcher = undefined;
  store = undefined;
});

async function setup(slack: FakeSlack, wrap: (s: CutoverService) => CutoverService = (s) => s) {
  const program = shippedProgram();
  store = new MemoryStore({
    schema: StoreDocument,
    create: () => newDocument(program),
    log: { field: 'history', entry: HistoryEntry },
  });
  const service = wrap(createCutoverService(store));
  const clock = manualClock(START);
  const d = createDispatcher({
    service,
    lease: createLease(service, 'test-replica', clock),
    slack,
    clock,
    pacer: createPacer(),
    logger: quiet,
    paceMs: 1000,
    backoff: { baseMs: 2000, maxMs: 10_000 },
  });
  dispatcher = d;
  const queueAt = async (createdAt: string, ...ids: string[]) => {
    const items: OutboxItem[] = ids.map((id) => ({
      id,
      channel: 'C1',
      kind: 'legacy',
      was: 'alert',
      text: `told ${id}`,
      mentions: [],
      createdAt,
      attempts: 0,
    }));
    await service.update((doc) => ({
      next: { ...doc, outbox: [...doc.outbox, ...items] },
      result: undefined,
    }));
    d.wake();
    await d.idle();
  };
  const queue = (...ids: string[]) => queueAt(clock.now().toISOString(), ...ids);
  return { service, clock, d, queue, queueAt, step: (ms: number) => advance(clock, d, ms) };
}

async function advance(clock: ManualClock, d: Dispatcher, ms: number) {
  clock.advance(ms);
  await d.idle();
}

describe('retries', () => {
  it('backs off exponentially (capped) after 5xx and network errors, then delivers once', async () => {
    const slack = new FakeSlack();
    const t = (message: string): Failure => ({ kind: 'transient', maybeDelivered: false, message });
    slack.script = [t('HTTP 500'), t('HTTP 502'), t('socket hang up'), t('HTTP 503')];
    const { service, queue, step } = await setup(slack);
    await queue('a1');
    const doc = () => service.document();
    expect(doc().outbox[0]).toMatchObject({
      attempts: 1,
      lastError: 'HTTP 500',
      notBefore: '2026-02-10T08:00:02.000Z',
    });
    await step(1999);
    expect(doc().outbox[0]?.attempts).toBe(1);
    await step(1);
    expect(doc().outbox[0]).toMatchObject({ attempts: 2, notBefore: '2026-02-10T08:00:06.000Z' });
    await step(4000);
    expect(doc().outbox[0]).toMatchObject({ attempts: 3, notBefore: '2026-02-10T08:00:14.000Z' });
    await step(8000);
    // Capped at 10 s.
    expect(doc().outbox[0]).toMatchObject({ attempts: 4, notBefore: '2026-02-10T08:00:24.000Z' });
    await step(10_000);
    expect(doc().outbox).toEqual([]);
    expect(slack.posts.map((p) => p.text)).toEqual(['told a1']);
    expect(doc().delivered).toEqual([{ id: 'a1', ts: slack.posts[0]?.ts, at: '2026-02-10T08:00:24.000Z' }]);
  });

  it('after a 429 waits exactly Retry-After, and nothing behind it overtakes it', async () => {
    const slack = new FakeSlack();
    slack.script = [{ kind: 'rate-limited', retryAfterMs: 7000, message: 'ratelimited' }];
    const { service, queue, step } = await setup(slack);
    await queue('a1');
    await queue('a2');
    expect(service.document().outbox.map((i) => [i.id, i.notBefore ?? null])).toEqual([
      ['a1', '2026-02-10T08:00:07.000Z'],
      ['a2', null],
    ]);
    await step(6999);
    expect(slack.posts).toEqual([]);
    await step(1);
    expect(slack.posts.map((p) => p.text)).toEqual(['told a1\n\ntold a2']);
  });
});

describe('exactly once', () => {
  it('an attempt Slack acted on but never answered is found by its ids, and not posted again', async () => {
    const slack = new FakeSlack();
    slack.script = [{ kind: 'transient', maybeDelivered: true, message: 'socket hang up', reached: true }];
    const { service, queue, step } = await setup(slack);
    await queue('a1', 'a2');
    expect(slack.posts).toHaveLength(1);
    expect(slack.posts[0]?.metadata).toEqual({
      event_type: 'cutover_alert',
      event_payload: { ids: 'a1,a2' },
    });
    expect(service.document().outbox.every((i) => i.maybePosted)).toBe(true);
    await step(2000);
    expect(slack.recentCalls).toBe(1);
    expect(slack.posts).toHaveLength(1);
    expect(service.document().outbox).toEqual([]);
    expect(service.document().delivered.map((d) => [d.id, d.ts])).toEqual([
      ['a1', slack.posts[0]?.ts],
      ['a2', slack.posts[0]?.ts],
    ]);
  });

  it('when Slack cannot list recent messages (no history scope), it posts again: the documented residual risk', async () => {
    const slack = new FakeSlack();
    slack.history = false;
    slack.script = [{ kind: 'transient', maybeDelivered: true, message: 'socket hang up', reached: true }];
    const { queue, step } = await setup(slack);
    await queue('a1');
    await step(2000);
    expect(slack.posts.map((p) => p.text)).toEqual(['told a1', 'told a1']);
  });

  it('items queued before this process started are looked up first: what the last one posted is not posted again', async () => {
    const slack = new FakeSlack();
    // The previous process posted a1 and stopped before recording it; a2 it never reached.
    slack.posts.push({
      channel: 'C1',
      text: 'told a1',
      ts: '1699999999.000001',
      metadata: { event_type: 'cutover_alert', event_payload: { ids: 'a1' } },
    });
    const { service, queueAt, step } = await setup(slack);
    await queueAt('2026-02-10T07:59:00.000Z', 'a1', 'a2');
    await step(1000);
    expect(slack.recentCalls).toBe(1);
    expect(slack.posts.map((p) => p.text)).toEqual(['told a1', 'told a2']);
    expect(service.document().delivered.map((d) => [d.id, d.ts])).toEqual([
      ['a1', '1699999999.000001'],
      ['a2', slack.posts[1]?.ts],
    ]);
  });

  it('ids carry the program: another program’s alert of the same number does not stand for ours; an old id is still delivered once', async () => {
    const slack = new FakeSlack();
    // A second bot (another program, another store) in the same channel posted its alert 12.
    slack.posts.push({
      channel: 'C1',
      text: 'told payments 12',
      ts: '1699999999.000001',
      metadata: { event_type: 'cutover_alert', event_payload: { ids: 'alert:payments-v9:12' } },
    });
    // The previous process, an older version, posted alert-11 and stopped before recording it.
    slack.posts.push({
      channel: 'C1',
      text: 'told alert-11',
      ts: '1699999999.000002',
      metadata: { event_type: 'cutover_alert', event_payload: { ids: 'alert-11' } },
    });
    const { service, queueAt, step } = await setup(slack);
    await queueAt('2026-02-10T07:59:00.000Z', 'alert-11', 'alert:service-v3:12', 'alert-13');
    await step(1000);
    expect(slack.posts.map((p) => p.text)).toEqual([
      'told payments 12',
      'told alert-11',
      'told alert:service-v3:12\n\ntold alert-13',
    ]);
    expect(service.document().outbox).toEqual([]);
    expect(service.document().delivered.map((d) => [d.id, d.ts])).toEqual([
      ['alert-11', '1699999999.000002'],
      ['alert:service-v3:12', slack.posts[2]?.ts],
      ['alert-13', slack.posts[2]?.ts],
    ]);
    await step(60_000);
    expect(slack.posts).toHaveLength(3);
  });

  it('a post whose bookkeeping write fails is recorded on the next pass, never posted twice', async () => {
    const slack = new FakeSlack();
    let failNextRecord = true;
    const { service, queue, step } = await setup(slack, (s) => ({
      ...s,
      update(fn) {
        return s.update((doc) => {
          const out = fn(doc);
          if (failNextRecord && out.next && out.next.delivered.length > doc.delivered.length) {
            failNextRecord = false;
            throw new Error('disk full');
          }
          return out;
        });
      },
    }));
    await queue('a1');
    expect(slack.posts).toHaveLength(1);
    expect(service.document().outbox.map((i) => i.id)).toEqual(['a1']);
    await step(2000);
    expect(slack.posts).toHaveLength(1);
    expect(service.document().outbox).toEqual([]);
    expect(service.document().delivered.map((d) => d.id)).toEqual(['a1']);
  });
});

describe('a message Slack refuses', () => {
  it('is split into single items; the one at fault goes again, cut and without metadata, in its turn', async () => {
    const slack = new FakeSlack();
    const refused: Failure = { kind: 'refused', message: 'invalid_blocks' };
    slack.script = [refused, { kind: 'refused', message: 'msg_too_long' }];
    const { service, queue, step } = await setup(slack);
    await queue('a1', 'a2');
    await step(1000);
    await step(1000);
    await step(1000);
    expect(slack.posts.map((p) => p.text)).toEqual(['told a1', 'told a2']);
    // The last form carries no metadata (it may be what Slack refused).
    expect(slack.posts[0]?.metadata).toBeUndefined();
    expect(service.document().outbox).toEqual([]);
    expect(service.document().delivered.map((d) => d.id)).toEqual(['a1', 'a2']);
    expect(service.document().refused).toEqual([
      expect.objectContaining({ id: 'a1', channel: 'C1', error: 'msg_too_long', outcome: 'short' }),
    ]);
  });

  it('with buttons goes again once as plain text, each button named as its command, no blocks', async () => {
    const slack = new FakeSlack();
    slack.script = [{ kind: 'refused', message: 'invalid_blocks' }];
    const { service, d, clock } = await setup(slack);
    await service.update((doc) => ({
      next: {
        ...doc,
        outbox: [
          {
            id: 'a1',
            channel: 'C1',
            kind: 'legacy' as const,
            was: 'alert' as const,
            text: 'Release target approved',
            mentions: [],
            buttons: [
              {
                text: 'Sign off for MemoryKernel',
                actionId: 'cutover.signoff.open',
                value: 'service-v3:producer',
              },
              { text: 'Clear <b1>', actionId: 'cutover.blocker.open', value: 'service-v3:b1' },
            ],
            createdAt: START,
            attempts: 0,
          },
        ],
      },
      result: undefined,
    }));
    d.wake();
    await d.idle();
    await advance(clock, d, 1000);
    expect(slack.posts).toHaveLength(1);
    const [post] = slack.posts;
    expect(post).not.toHaveProperty('blocks');
    expect(post?.text).toContain('Release target approved');
    expect(post?.text).toContain('• Sign off for MemoryKernel: `/cutover signoff`');
    expect(post?.text).toContain('• Clear &lt;b1&gt;: `/cutover blocker clear b1 [evidence-url]`');
    expect(post?.text).toContain('App Home');
    expect(service.document().refused).toEqual([
      expect.objectContaining({
        id: 'a1',
        error: 'invalid_blocks',
        outcome: 'text',
        shape: expect.stringMatching(/^2 blocks \(section×1, actions×1\), text \d+ chars, 2 elements/),
      }),
    ]);
    await advance(clock, d, 60_000);
    expect(slack.posts).toHaveLength(1);
  });

  it('in every form leaves the outbox only with its reason kept for admins, never silently', async () => {
    const slack = new FakeSlack();
    slack.script = [
      { kind: 'refused', message: 'msg_too_long' },
      { kind: 'refused', message: 'msg_too_long' },
    ];
    const { service, queue, step } = await setup(slack);
    await queue('a1');
    await step(1000);
    await step(1000);
    expect(slack.posts).toEqual([]);
    expect(service.document().outbox).toEqual([]);
    expect(service.document().refused).toEqual([
      expect.objectContaining({ id: 'a1', error: 'msg_too_long, then msg_too_long', outcome: 'undelivered' }),
    ]);
  });
});

describe('pacing', () => {
  it('posts at most one message per second to a channel, folding what waited', async () => {
    const slack = new FakeSlack();
    const { clock, queue, step } = await setup(slack);
    const times: number[] = [];
    const orig = slack.post.bind(slack);
    slack.post = async (m) => {
      times.push(clock.now().getTime());
      return orig(m);
    };
    await queue('a1');
    await queue('a2');
    await queue('a3');
    expect(slack.posts.map((p) => p.text)).toEqual(['told a1']);
    await step(999);
    expect(slack.posts).toHaveLength(1);
    await step(1);
    expect(slack.posts.map((p) => p.text)).toEqual(['told a1', 'told a2\n\ntold a3']);
    expect(times).toEqual([Date.parse(START), Date.parse(START) + 1000]);
  });
});
