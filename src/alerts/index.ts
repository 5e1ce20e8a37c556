/**
 * The alert machinery, started after the Slack app: the outbox dispatcher, the live status board and the
 * reminder scheduler, three workers (worker.ts) on the bot's clock, all through the `alerts` client
 * (slack/clients.ts), all to the program's channel (`cutover.channel`). Each change's typed alert joins the outbox in
 * the change's own store write (see `alertsHook`); its text is rendered here, at delivery (render.ts).
 */
import { hostname } from 'node:os';
import type { Clock } from '../runtime/clock.js';
import type { Worker } from '../runtime/worker.js';
import type { CutoverService } from '../service/cutover-service.js';
import type { Programs } from '../service/programs.js';
import type { SlackClients } from '../slack/clients.js';
import { type Board, createBoard } from './board.js';
import type { ChannelProblem } from './channel-problem.js';
import {
  createDispatcher,
  createPacer,
  type DeliveryOptions,
  type Dispatcher,
  type Logger,
} from './dispatcher.js';
import { createLease } from './lease.js';
import { createReminders } from './reminders.js';
import { type AlertSlack, slackPort } from './slack-port.js';

export { alertsHook } from './messages.js';

export interface AlertOptions extends DeliveryOptions {
  /** The live status board (default on). */
  board?: boolean;
  /** The reminder scheduler (default on). */
  reminders?: boolean;
  /** How often the reminder scheduler looks (default a minute). */
  reminderTickMs?: number;
  /** Where the machinery logs (default the bot's logger). */
  logger?: Logger;
  /** This replica's name in the programs' leases (default host:pid): one replica delivers a program's alerts. */
  replica?: string;
}

export interface Alerts {
  dispatcher: Dispatcher;
  board?: Board;
  reminders?: Worker;
  /** Resolves once nothing is being delivered or asked for now (what waits on a timer is idle). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

interface AlertsDeps {
  service: CutoverService;
  /** The bot's clock (bot.ts). */
  clock: Clock;
  logger: Logger;
  /** The bot's Slack clients: the machinery posts on `alerts`. */
  clients: SlackClients;
  /** Hears when the bot finds it cannot post in a channel, or can again (App Home shows it to admins). */
  onChannelProblem?: (problem: ChannelProblem | undefined) => void;
  /** Hears when Slack refused an alert, or a refused one went out after (App Home shows them to admins). */
  onRefused?: () => void;
}

/** The alerts of every program: each program's own dispatcher, board and reminders, to its own channel. */
export interface ProgramAlerts {
  /** One program's machinery. */
  of(programId: string): Alerts | undefined;
  /** Resolves once every program's machinery is idle. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the alerts of every program the bot holds, and of each started later. A program's machinery is its own
 * (a program's outbox, board and reminder marks live in its document): one program's alerts never wait on
 * another's, and each channel is paced on its own.
 */
export function startProgramAlerts(
  deps: Omit<AlertsDeps, 'service'> & { programs: Programs },
  options: AlertOptions = {},
): ProgramAlerts {
  const running = new Map<string, Alerts>();
  let stopped = false;
  const add = (service: CutoverService) => {
    if (stopped) return;
    const id = service.cutover().id;
    if (!running.has(id)) running.set(id, startAlerts({ ...deps, service }, options));
  };
  for (const service of deps.programs.all()) add(service);
  const unsubscribe = deps.programs.onAdded(add);
  return {
    of: (id) => running.get(id),
    async idle() {
      for (let round = 0; round < 5; round++) {
        await Promise.all([...running.values()].map((a) => a.idle()));
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    async stop() {
      stopped = true;
      unsubscribe();
      await Promise.all([...running.values()].map((a) => a.stop()));
    },
  };
}

export function startAlerts(deps: AlertsDeps, options: AlertOptions = {}): Alerts {
  const { clock } = deps;
  const slack: AlertSlack = slackPort(deps.clients.alerts);
  const logger = options.logger ?? deps.logger;
  const onChannelProblem = (problem: ChannelProblem | undefined) => deps.onChannelProblem?.(problem);
  const pacer = createPacer();
  const delivery: DeliveryOptions = {
    ...(options.paceMs === undefined ? {} : { paceMs: options.paceMs }),
    ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
    ...(options.deliveredLimit === undefined ? {} : { deliveredLimit: options.deliveredLimit }),
  };
  const lease = createLease(deps.service, options.replica ?? `${hostname()}:${process.pid}`, clock);
  const common = { service: deps.service, slack, clock, pacer, logger, onChannelProblem, lease };
  const dispatcher = createDispatcher({
    ...common,
    ...delivery,
    onRefused: () => deps.onRefused?.(),
  });
  const board =
    options.board === false
      ? undefined
      : createBoard({
          ...common,
          ...(options.paceMs === undefined ? {} : { paceMs: options.paceMs }),
          ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
        });
  const reminders =
    options.reminders === false
      ? undefined
      : createReminders({
          service: deps.service,
          clock,
          dispatcher,
          logger,
          ...(options.reminderTickMs === undefined ? {} : { tickMs: options.reminderTickMs }),
        });
  const parts = [dispatcher, board, reminders].filter((p) => p !== undefined);
  for (const p of parts) p.start();
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
      // The scheduler first (it wakes the dispatcher), the dispatcher last; then the lease goes back, so that
      // another replica delivers at once rather than when it runs out.
      for (const p of [...parts].reverse()) await p.stop();
      await lease
        .release()
        .catch((e: unknown) =>
          logger.warn(`alerts: could not give the lease back (it runs out on its own): ${String(e)}`),
        );
    },
  };
}
