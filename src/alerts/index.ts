/**
 * The alert machinery, started after the Slack app: the outbox dispatcher, the live status board and the
 * reminder scheduler, all on one injected clock, all through one WebClient of their own. The alerts themselves
 * are composed inside each change's store write (see `alertsHook`); this only delivers.
 */
import { webApi } from '@slack/bolt';
import type { Config } from '../config.js';
import type { CutoverService } from '../service/cutover-service.js';
import { type Board, createBoard } from './board.js';
import { type Clock, systemClock } from './clock.js';
import {
  createDispatcher,
  createPacer,
  type DeliveryOptions,
  type Dispatcher,
  type Logger,
} from './dispatcher.js';
import { createReminders, type ReminderScheduler } from './reminders.js';
import { type AlertSlack, createAlertClient, slackPort } from './slack-port.js';

export type { Clock } from './clock.js';
export { alertsHook } from './messages.js';

export interface AlertOptions extends DeliveryOptions {
  clock?: Clock;
  /** The live status board (default on). */
  board?: boolean;
  /** The reminder scheduler (default on). */
  reminders?: boolean;
  /** How often the reminder scheduler looks (default a minute). */
  reminderTickMs?: number;
}

export interface Alerts {
  dispatcher: Dispatcher;
  board?: Board;
  reminders?: ReminderScheduler;
  /** Resolves once nothing is being delivered or asked for now (what waits on a timer is idle). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export interface AlertsDeps {
  service: CutoverService;
  config: Pick<Config, 'botToken' | 'slackApiUrl' | 'channelId' | 'logLevel'>;
  logger: Logger;
  /** The bot's clock, when no `clock` option is given (its timers are then real). */
  now?: () => Date;
}

const LEVELS: Record<Config['logLevel'], webApi.LogLevel> = {
  debug: webApi.LogLevel.DEBUG,
  info: webApi.LogLevel.INFO,
  warn: webApi.LogLevel.WARN,
  error: webApi.LogLevel.ERROR,
};

export function startAlerts(deps: AlertsDeps, options: AlertOptions = {}): Alerts {
  const { config } = deps;
  const clock = options.clock ?? (deps.now ? { ...systemClock, now: deps.now } : systemClock);
  const channel = config.channelId;
  const slack: AlertSlack = slackPort(
    createAlertClient({
      token: config.botToken,
      slackApiUrl: config.slackApiUrl,
      logLevel: LEVELS[config.logLevel],
    }),
  );
  const pacer = createPacer();
  const delivery: DeliveryOptions = {
    ...(options.paceMs === undefined ? {} : { paceMs: options.paceMs }),
    ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
    ...(options.deliveredLimit === undefined ? {} : { deliveredLimit: options.deliveredLimit }),
  };
  const common = { service: deps.service, slack, clock, pacer, logger: deps.logger };
  const dispatcher = createDispatcher({ ...common, ...delivery });
  const board =
    options.board === false
      ? undefined
      : createBoard({
          ...common,
          channel: channel,
          ...(options.paceMs === undefined ? {} : { paceMs: options.paceMs }),
          ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
        });
  const reminders =
    options.reminders === false
      ? undefined
      : createReminders({
          service: deps.service,
          clock,
          channel: channel,
          dispatcher,
          logger: deps.logger,
          ...(options.reminderTickMs === undefined ? {} : { tickMs: options.reminderTickMs }),
        });
  dispatcher.start();
  board?.start();
  reminders?.start();
  const parts = [dispatcher, board, reminders].filter((p) => p !== undefined);
  return {
    dispatcher,
    ...(board ? { board } : {}),
    ...(reminders ? { reminders } : {}),
    async idle() {
      // One part can wake another (a reminder wakes the dispatcher): settle until all are idle at once.
      for (let round = 0; round < 50; round++) {
        await Promise.all(parts.map((p) => p.idle()));
        await new Promise((resolve) => setImmediate(resolve));
        if (!parts.some((p) => p.busy())) return;
      }
    },
    async stop() {
      await reminders?.stop();
      await board?.stop();
      await dispatcher.stop();
    },
  };
}
