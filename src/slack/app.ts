/**
 * The Bolt app in either mode: Socket Mode when an app token is given (no public URL needed), else HTTP on
 * Bolt's `POST /slack/events`, where every request's signature is checked before anything runs.
 */
import {
  App,
  type CustomRoute,
  HTTPReceiver,
  type HTTPReceiverOptions,
  SocketModeReceiver,
} from '@slack/bolt';
import { isGroup } from '../core/schema.js';
import type { Clock } from '../runtime/clock.js';
import type { Config } from '../runtime/config.js';
import type { Programs } from '../service/programs.js';
import type { Template } from '../service/templates.js';
import { type BotIdentity, SlackStartError } from './check-tokens.js';
import type { SlackClients } from './clients.js';
import { createHomePublisher } from './home-publisher.js';
import { uploadRecord } from './listeners/commands/record.js';
import { registerListeners } from './listeners/index.js';
import { RECEIVED_AT, stampHttpReceipts } from './received.js';
import { guardConnectionsOpen } from './socket-connection.js';
import { esc } from './views/text.js';
import { createWorkspace, type Workspace } from './workspace.js';

export interface SlackApp {
  app: App;
  /** Starts listening; in HTTP mode answers the bound port. */
  start(): Promise<{ port?: number }>;
  /** Publishes App Home again where it changed outside a change (the alert channel out of reach, or back). */
  refreshHome(): void;
  /** What the bot asks Slack of its workspace: who is in the user groups holding roles (slack/workspace.ts). */
  workspace: Workspace;
  stop(): Promise<void>;
}

interface SlackAppOptions {
  config: Config;
  programs: Programs;
  /** What `/cutover new` starts from (besides copies of programs). */
  templates: readonly Template[];
  /** The bot's clock (bot.ts): what time a change is made at, and App Home's worker. */
  clock: Clock;
  /** Where the HTTP receiver listens; 0.0.0.0 in production, 127.0.0.1 in tests. */
  host?: string;
  /** More HTTP routes on the receiver's server (the CI API), in HTTP mode only. */
  customRoutes?: CustomRoute[];
  /** How HTTP mode answers a request Bolt fails on before any route runs (the CI API's bad paths, in JSON). */
  dispatchErrorHandler?: HTTPReceiverOptions['dispatchErrorHandler'];
  /**
   * The bot's ids from the `auth.test` made before start (slack/check-tokens.ts). Given them, Bolt makes no
   * `auth.test` of its own, whose failure it would leave unhandled (a crash with a stack trace).
   */
  identity?: BotIdentity | undefined;
  /** The bot's Slack clients (slack/clients.ts). Closed when the app stops. */
  clients: SlackClients;
  /**
   * Socket Mode, once started: Slack gave no WebSocket URL to reconnect to, after the bounded retries of
   * socket-connection.ts. Given the line to report; the bot cannot hear Slack any more (main.ts stops it). Default:
   * the line is logged as an error.
   */
  onConnectionLost?: (line: string) => void;
}

export function createSlackApp({
  config,
  programs,
  templates,
  clock,
  host,
  customRoutes = [],
  dispatchErrorHandler,
  identity,
  clients,
  onConnectionLost,
}: SlackAppOptions): SlackApp {
  // Bolt's own client is the interactive one (views.open); slow work goes to `clients.background`.
  // No conversation store: nothing reads `context.conversation`, and Bolt's would run on every request.
  const common = { token: config.botToken, convoStore: false as const, ...clients.bolt, ...identity };
  // Socket Mode's apps.connections.open goes through the guard: no URL is a log line and a bounded retry.
  const guard = guardConnectionsOpen({ clock, log: (line) => app.logger.warn(line) });
  // When each request arrived, for its deadline (received.ts).
  const receipts = stampHttpReceipts(clock);
  const httpReceiver =
    config.mode === 'socket'
      ? undefined
      : new HTTPReceiver({
          signingSecret: config.signingSecret ?? '',
          customRoutes,
          logLevel: clients.bolt.logLevel,
          customPropertiesExtractor: receipts.extractor,
          ...(dispatchErrorHandler ? { dispatchErrorHandler } : {}),
        });
  if (httpReceiver) receipts.install(httpReceiver);
  const app =
    config.mode === 'socket'
      ? new App({
          ...common,
          socketMode: true,
          receiver: new SocketModeReceiver({
            appToken: config.appToken ?? '',
            logLevel: clients.bolt.logLevel,
            installerOptions: { clientOptions: { ...clients.bolt.clientOptions, fetch: guard.fetch } },
            customPropertiesExtractor: () => ({ [RECEIVED_AT]: clock.now().getTime() }),
          }),
        })
      : new App({ ...common, receiver: httpReceiver });
  const workspace = createWorkspace({
    client: clients.background,
    lookups: clients.lookups,
    admins: config.admins,
    creators: config.creators,
    clock,
    logger: app.logger,
  });
  // App Home publishes on the background client, which rejects a 429: the next change or opening publishes again.
  const home = createHomePublisher({
    client: clients.background,
    programs,
    admins: config.admins,
    logger: app.logger,
    clock,
    groupsOf: (userId) => workspace.groupsOf(userId),
    membersOf: (group) => workspace.membersOf(group),
  });
  const deps = {
    programs,
    templates,
    admins: config.admins,
    creators: config.creators,
    clock,
    clients,
    workspace,
  };
  // The user groups holding roles (on-call rotations) are kept cached, so a request by a member is judged at once.
  const watchGroups = () =>
    workspace.watch(
      programs
        .all()
        .flatMap((s) => s.cutover().roles.flatMap((r) => (isGroup(r.assignee) ? [r.assignee] : []))),
    );
  const offGroups = [programs.onCommitted(() => watchGroups()), programs.onAdded(() => watchGroups())];
  registerListeners(app, deps, home);
  // A program archived: its final decision record is posted to its channel.
  const offArchived = programs.onCommitted((service, change) => {
    if (!change.outcome.events.some((e) => e.type === 'program.archived')) return;
    setImmediate(() => {
      void uploadRecord(
        { clients, clock, service },
        app.logger,
        `The final runtime cutover decision record of ${esc(service.cutover().title)}: the program is archived (read-only).`,
      ).then((failed) => {
        if (failed)
          app.logger.warn(`the final record of ${service.cutover().id} was not posted: ${failed.message}`);
      });
    });
  });
  return {
    app,
    async start() {
      watchGroups();
      home.start();
      if (config.mode === 'socket') {
        await Promise.race([
          app.start(),
          guard.gaveUp.then((line) => {
            throw new SlackStartError(`cutover-bot cannot start: Socket Mode: ${line}`);
          }),
        ]);
        void guard.gaveUp.then((why) => {
          const line = `Socket Mode: ${why}`;
          return onConnectionLost ? onConnectionLost(line) : app.logger.error(line);
        });
        return {};
      }
      const server = await app.start({ port: config.port, ...(host ? { host } : {}) });
      const address = (server as { address(): unknown }).address();
      return {
        port:
          typeof address === 'object' && address && 'port' in address ? Number(address.port) : config.port,
      };
    },
    refreshHome: () => home.refresh(),
    workspace,
    async stop() {
      offArchived();
      for (const off of offGroups) off();
      workspace.stop();
      clients.close();
      await app.stop();
      await home.stop();
    },
  };
}
