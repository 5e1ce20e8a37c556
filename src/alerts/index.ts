/**
 * The alert machinery, started after the Slack app: the outbox dispatcher, the live status board and the
 * reminder scheduler, all on one injected clock, all through the `alerts` client (slack/clients.ts). The alerts
 * themselves are composed inside each change's store write (see `alertsHook`); this only delivers.
 */
import type { Config } from '../config.js';
import type { CutoverService } from '../service/cutover-service.js';
import { createSlackClients, type SlackClients } from '../slack/clients.js';
import { type Board, createBoard } from './board.js';
import type { ChannelProblem } from './channel-problem.js';
import { type Clock, systemClock } from './clock.js';
import {
  createDispatcher,
  createPacer,
  type DeliveryOptions,
  type Dispatcher,
  type Logger,
} from './dispatcher.js';
import { createReminders, type ReminderScheduler } from './reminders.js';
import { type AlertSlack, slackPort } from './slack-port.js';

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
  /** Where the machinery logs (default the bot's logger). */
  logger?: Logger;
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
  /** The bot's Slack clients (made here when not given). */
  clients?: SlackClients;
  /** Hears when the bot finds it cannot post in a channel, or can again (App Home shows it to admins). */
  onChannelProblem?: (problem: ChannelProblem | undefined) => void;
}

export function startAlerts(deps: AlertsDeps, options: AlertOptions = {}): Alerts {
  const { config } = deps;
  const clock = options.clock ?? (deps.now ? { ...systemClock, now: deps.now } : systemClock);
  const channel = config.channelId;
  const clients = deps.clients ?? createSlackClients(config, { clock });
  const slack: AlertSlack = slackPort(clients.alerts);
  const logger = options.logger ?? deps.logger;
  const onChannelProblem = (problem: ChannelProblem | undefined) => deps.onChannelProblem?.(problem);
  const pacer = createPacer();
  const delivery: DeliveryOptions = {
    ...(options.paceMs === undefined ? {} : { paceMs: options.paceMs }),
    ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
    ...(options.deliveredLimit === undefined ? {} : { deliveredLimit: options.deliveredLimit }),
  };
  const common = { service: deps.service, slack, clock, pacer, logger, onChannelProblem };
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
          logger,
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
