/** Shared by the alert integration tests: the bot on a manual clock, and what the channel shows. */
import { expect } from 'vitest';
import type { Logger } from '../../src/alerts/dispatcher.js';
import type { StoreDocument } from '../../src/service/document.js';
import { INPUT_ACTION, INPUTS, VIEWS } from '../../src/slack/ids.js';
import { CHANNEL, type Harness, PEOPLE, startHarness } from '../slack/harness.js';
import { stateValue, viewSubmission } from '../slack/payloads.js';
import type { StandInOptions, StoredMessage } from '../slack/stand-in.js';
import { type ManualClock, manualClock } from './clock.js';

export interface AlertHarness {
  h: Harness;
  clock: ManualClock;
  /** Waits until the alert machinery has nothing to do now. */
  settle(): Promise<void>;
  /** Advances the clock a second at a time (the pace) until the outbox is empty; fails if it never empties. */
  drain(maxSeconds?: number): Promise<void>;
  doc(): StoreDocument;
}

/** A logger that keeps every line (`warn` and `info` included), for tests that read what the bot logs. */
export function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const keep = (...msg: unknown[]) => {
    lines.push(msg.map((m) => (m instanceof Error ? m.message : String(m))).join(' '));
  };
  return { lines, info: keep, warn: keep, error: keep };
}

export async function startAlertHarness(
  options: {
    start?: string;
    program?: string;
    reminders?: boolean;
    board?: boolean;
    mode?: 'http' | 'socket';
    /** Where the alert machinery logs (default the bot's logger, which logs errors only in tests). */
    logger?: Logger;
    /** Options of the Slack stand-in. */
    slack?: StandInOptions;
    /** More variables for the bot (CUTOVER_CREATORS, CUTOVER_API_TOKEN). */
    env?: Record<string, string>;
    /** How often the reminder scheduler looks (default a minute). */
    reminderTickMs?: number;
  } = {},
): Promise<AlertHarness> {
  const clock = manualClock(options.start ?? '2026-02-10T08:00:00Z');
  const h = await startHarness({
    ...(options.mode ? { mode: options.mode } : {}),
    clock,
    ...(options.program ? { program: options.program } : {}),
    ...(options.slack ? { slack: options.slack } : {}),
    ...(options.env ? { env: options.env } : {}),
    alerts: {
      ...(options.reminderTickMs ? { reminderTickMs: options.reminderTickMs } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
      reminders: options.reminders ?? false,
      board: options.board ?? false,
      backoff: { baseMs: 2000, maxMs: 60_000 },
    },
  });
  const settle = async () => {
    await h.bot.alerts?.idle();
  };
  return {
    h,
    clock,
    settle,
    async drain(maxSeconds = 120) {
      await settle();
      const waiting = () => h.bot.programs.all().some((s) => s.document().outbox.length > 0);
      for (let i = 0; i < maxSeconds && waiting(); i++) {
        clock.advance(1000);
        await settle();
      }
      for (const s of h.bot.programs.all()) expect(s.document().outbox).toEqual([]);
      // The board waits for its own pace: give it a second more.
      clock.advance(1000);
      await settle();
    },
    doc: () => h.program().document(),
  };
}

interface AlertMetadata {
  event_type: string;
  event_payload: { ids?: string };
}

const isAlertMetadata = (m: unknown): m is AlertMetadata =>
  typeof m === 'object' && m !== null && (m as { event_type?: unknown }).event_type === 'cutover_alert';

/** The alert messages in the channel, in posting order. */
export function alertMessages(h: Harness): StoredMessage[] {
  return h.slack.messages(CHANNEL).filter((m) => isAlertMetadata(m.metadata));
}

/** The outbox ids a channel message tells. */
export function idsOf(m: StoredMessage): string[] {
  return isAlertMetadata(m.metadata) ? String(m.metadata.event_payload.ids ?? '').split(',') : [];
}

/** All alert text in the channel. */
export const channelText = (h: Harness) =>
  alertMessages(h)
    .map((m) => m.text)
    .join('\n\n');

/** The text of the newest alert message in the channel. */
export const lastAlert = (h: Harness) => alertMessages(h).at(-1)?.text ?? '';

/** The "Next:" line of `text` that mentions `user` ('' if none). */
export const lineOf = (text: string, user: string) =>
  text.split('\n').find((l) => l.startsWith(`• <@${user}>`)) ?? '';

/** Everyone the text pings in its "Next:" lines. */
export const pinged = (text: string) =>
  text
    .split('\n')
    .flatMap((l) => (l.startsWith('• <@') ? [/^• <@([UW][A-Z0-9]+)>/.exec(l)?.[1] ?? ''] : []))
    .sort();

/** Signs GO (or NO-GO) through the sign-off form, as `user` does in Slack. */
export async function signOff(h: Harness, user: string, decision: 'go' | 'no-go', rationale?: string) {
  const trigger = `trigger-${user}-${h.slack.calls('views.open').length}`;
  await h.command(user, 'signoff', { trigger_id: trigger });
  const call = await h.slack.waitFor('views.open', (c) => c.args.trigger_id === trigger);
  const view = call.args.view as { private_metadata: string };
  const radio = {
    type: 'radio_buttons',
    selected_option: { text: { type: 'plain_text' as const, text: decision }, value: decision },
  };
  const answer = await h.interact(
    viewSubmission({
      user_id: user,
      callback_id: VIEWS.signoff,
      private_metadata: view.private_metadata,
      values: {
        [INPUTS.signoff.decision]: { [INPUT_ACTION]: radio },
        [INPUTS.signoff.rationale]: { [INPUT_ACTION]: stateValue.plainTextInput(rationale ?? null) },
        [INPUTS.signoff.evidenceUrl]: { [INPUT_ACTION]: stateValue.plainTextInput(null) },
      },
    }),
  );
  expect(answer.body).toEqual({});
}

/** The release target the gate results of these tests are measured on (gate results are per commit). */
export const TARGET = { tag: 'service.v3.0', sha: '1f0e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c' } as const;
export const TARGET_LABEL = `${TARGET.tag} @ ${TARGET.sha.slice(0, 12)}`;

/** Publishes TARGET as the producer rollback owner, so gates have a commit to be measured on. */
export async function publishTarget(h: Harness) {
  const a = await h.command(PEOPLE.producerRollback, `target ${TARGET.tag} ${TARGET.sha}`);
  if (!a.text.includes(':white_check_mark:')) throw new Error(`target: ${a.text}`);
}
