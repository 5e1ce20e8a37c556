/**
 * Config -> program -> Slack tokens checked -> store -> service (the program bound to its channel) -> Slack app,
 * started. The bot's one clock is made here and handed to everything that reads the time or waits. `main.ts` and
 * the integration tests both use it.
 */
import { type AlertOptions, type Alerts, alertsHook, startAlerts } from './alerts/index.js';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';
import { HistoryEntry } from './core/schema.js';
import { createCiApi } from './http/ci-api.js';
import { type ApiServer, ciDispatchErrorHandler, ciRoutes, startApiServer } from './http/server.js';
import { type CutoverService, createCutoverService } from './service/cutover-service.js';
import { newDocument, STORE_VERSION, StoreDocument } from './service/document.js';
import { loadProgram } from './service/program-file.js';
import { createSlackApp, type SlackApp } from './slack/app.js';
import { checkSlackTokens } from './slack/check-tokens.js';
import { createSlackClients } from './slack/clients.js';
import { openJsonFileStore } from './store/json-file/index.js';
import type { Store } from './store/store.js';

export interface Bot {
  config: Config;
  store: Store<StoreDocument>;
  service: CutoverService;
  slack: SlackApp;
  /** The HTTP port, in HTTP mode. */
  port?: number;
  /** Where the CI API answers: the HTTP port in HTTP mode; its own server in Socket Mode (with a token). */
  apiPort?: number;
  /** Alert delivery, the status board and reminders (absent when started with `alerts: false`). */
  alerts?: Alerts;
  stop(): Promise<void>;
}

/**
 * Binds a program that has no channel yet (a new store, or one written before programs kept their channel) to
 * `CUTOVER_CHANNEL_ID`: the variable names the channel of the first program only; once bound, the program stays in
 * its channel whatever the variable says later. Answers the program's channel, and whether it was bound now.
 */
async function bindChannel(
  service: CutoverService,
  channel: string,
): Promise<{ channel: string; bound: boolean }> {
  const bound = service.cutover().channel;
  if (bound) return { channel: bound, bound: false };
  await service.update((doc) => ({
    next: { ...doc, cutover: { ...doc.cutover, channel } },
    result: undefined,
  }));
  return { channel, bound: true };
}

export async function startBot(
  config: Config,
  options: {
    /** The bot's clock (default the system clock): tests drive time with a manual one. */
    clock?: Clock;
    host?: string;
    alerts?: AlertOptions | false;
  } = {},
): Promise<Bot> {
  const clock = options.clock ?? systemClock;
  const program = await loadProgram(config.programPath);
  // Slack is asked before the store is created or anything listens: a refused token stops the start here.
  const identity = await checkSlackTokens(config);
  const store = await openJsonFileStore({
    path: config.dbPath,
    schema: StoreDocument,
    version: STORE_VERSION,
    create: () => newDocument(program),
    log: { field: 'history', entry: HistoryEntry },
  });
  // Every change's alert is composed inside the change's own write (the outbox), to the program's channel;
  // delivery starts below.
  const service = createCutoverService(store, { compose: alertsHook() });
  const binding = await bindChannel(service, config.channelId).catch(async (e: unknown) => {
    await store.close();
    throw e;
  });
  const api = createCiApi({
    service,
    token: config.apiToken,
    health: () => store.health(),
    now: () => clock.now(),
  });
  // One set of Slack clients (slack/clients.ts) for the app and the alerts.
  const clients = createSlackClients(config, clock);
  const slack = createSlackApp({
    config,
    service,
    clock,
    clients,
    ...(options.host === undefined ? {} : { host: options.host }),
    customRoutes: ciRoutes(api),
    dispatchErrorHandler: ciDispatchErrorHandler(api),
    identity,
  });
  const logger = slack.app.logger;
  if (binding.bound) logger.info(`program ${service.cutover().id} bound to channel ${binding.channel}`);
  else if (binding.channel !== config.channelId)
    logger.warn(
      `program ${service.cutover().id} stays in channel ${binding.channel}, where it was created: CUTOVER_CHANNEL_ID (${config.channelId}) names the channel of a new program only`,
    );
  let apiServer: ApiServer | undefined;
  try {
    const { port } = await slack.start();
    // Socket Mode has no HTTP server of its own: the CI API gets one on HOST:PORT when it has a token.
    if (config.mode === 'socket' && config.apiToken)
      apiServer = await startApiServer(api, { host: options.host ?? config.host, port: config.port });
    const apiPort = apiServer?.port ?? port;
    const alerts =
      options.alerts === false
        ? undefined
        : startAlerts(
            {
              service,
              clock,
              logger,
              clients,
              // The alert channel out of reach (or back) shows on admins' App Home.
              onChannelProblem: () => slack.refreshHome(),
            },
            options.alerts,
          );
    return {
      config,
      store,
      service,
      slack,
      ...(port === undefined ? {} : { port }),
      ...(apiPort === undefined ? {} : { apiPort }),
      ...(alerts ? { alerts } : {}),
      async stop() {
        await alerts?.stop();
        await apiServer?.close();
        await slack.stop().catch(() => undefined);
        await store.close();
      },
    };
  } catch (e) {
    await slack.stop().catch(() => undefined);
    await store.close();
    throw e;
  }
}
