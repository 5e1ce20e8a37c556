/**
 * Config -> program -> Slack tokens checked -> store -> service -> Slack app, started. `main.ts` and the integration
 * tests both use it.
 */
import { type AlertOptions, type Alerts, alertsHook, startAlerts } from './alerts/index.js';
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
import { openStore, type Store } from './store/store.js';

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

export async function startBot(
  config: Config,
  options: { now?: () => Date; host?: string; alerts?: AlertOptions | false } = {},
): Promise<Bot> {
  const program = await loadProgram(config.programPath);
  // Slack is asked before the store is created or anything listens: a refused token stops the start here.
  const identity = await checkSlackTokens(config);
  const store = await openStore({
    path: config.dbPath,
    schema: StoreDocument,
    version: STORE_VERSION,
    create: () => newDocument(program),
    log: { field: 'history', entry: HistoryEntry },
  });
  // Every change's alert is composed inside the change's own write (the outbox); delivery starts below.
  const service = createCutoverService(store, { compose: alertsHook(config.channelId) });
  const api = createCiApi({
    service,
    token: config.apiToken,
    health: () => store.health(),
    now: options.now ?? (() => new Date()),
  });
  const { alerts: alertOptions, ...appOptions } = options;
  // One set of Slack clients (slack/clients.ts) for the app and the alerts; their waits run on the alerts' clock.
  const clients = createSlackClients(config, { clock: alertOptions ? alertOptions.clock : undefined });
  const slack = createSlackApp({
    config,
    service,
    clients,
    ...appOptions,
    customRoutes: ciRoutes(api),
    dispatchErrorHandler: ciDispatchErrorHandler(api),
    identity,
  });
  let apiServer: ApiServer | undefined;
  try {
    const { port } = await slack.start();
    // Socket Mode has no HTTP server of its own: the CI API gets one on HOST:PORT when it has a token.
    if (config.mode === 'socket' && config.apiToken)
      apiServer = await startApiServer(api, { host: options.host ?? config.host, port: config.port });
    const apiPort = apiServer?.port ?? port;
    const alerts =
      alertOptions === false
        ? undefined
        : startAlerts(
            {
              service,
              config,
              logger: slack.app.logger,
              clients,
              // The alert channel out of reach (or back) shows on admins' App Home.
              onChannelProblem: () => slack.refreshHome(),
              ...(options.now ? { now: options.now } : {}),
            },
            alertOptions,
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
