/**
 * The Bolt app in either mode: Socket Mode when an app token is given (no public URL needed), else HTTP on
 * Bolt's `POST /slack/events`, where every request's signature is checked before anything runs.
 */
import { App, type CustomRoute, LogLevel, webApi } from '@slack/bolt';
import type { Config } from '../config.js';
import type { CutoverService } from '../service/cutover-service.js';
import type { BotIdentity } from './check-tokens.js';
import { createHomePublisher } from './home-publisher.js';
import { registerListeners } from './listeners/index.js';

export interface SlackApp {
  app: App;
  /** Starts listening; in HTTP mode answers the bound port. */
  start(): Promise<{ port?: number }>;
  stop(): Promise<void>;
}

export interface SlackAppOptions {
  config: Config;
  service: CutoverService;
  now?: () => Date;
  /** Where the HTTP receiver listens; 0.0.0.0 in production, 127.0.0.1 in tests. */
  host?: string;
  /** More HTTP routes on the receiver's server (the CI API), in HTTP mode only. */
  customRoutes?: CustomRoute[];
  /**
   * The bot's ids from the `auth.test` made before start (slack/check-tokens.ts). Given them, Bolt makes no
   * `auth.test` of its own, whose failure it would leave unhandled (a crash with a stack trace).
   */
  identity?: BotIdentity | undefined;
}

const LEVELS = {
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
} as const;

export function createSlackApp({
  config,
  service,
  now = () => new Date(),
  host,
  customRoutes = [],
  identity,
}: SlackAppOptions): SlackApp {
  const clientOptions = config.slackApiUrl ? { slackApiUrl: config.slackApiUrl } : {};
  const common = { token: config.botToken, clientOptions, logLevel: LEVELS[config.logLevel], ...identity };
  const app =
    config.mode === 'socket'
      ? new App({ ...common, appToken: config.appToken, socketMode: true })
      : new App({ ...common, signingSecret: config.signingSecret ?? '', customRoutes });
  // App Home publishes on its own client, without retries: the next change or opening publishes again.
  const home = createHomePublisher({
    client: new webApi.WebClient(config.botToken, {
      ...clientOptions,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      logLevel: LEVELS[config.logLevel],
    }),
    service,
    admins: config.admins,
    logger: app.logger,
  });
  registerListeners(app, { service, admins: config.admins, channelId: config.channelId, now }, home);
  return {
    app,
    async start() {
      if (config.mode === 'socket') {
        await app.start();
        return {};
      }
      const server = await app.start({ port: config.port, ...(host ? { host } : {}) });
      const address = (server as { address(): unknown }).address();
      return {
        port:
          typeof address === 'object' && address && 'port' in address ? Number(address.port) : config.port,
      };
    },
    async stop() {
      await app.stop();
      await home.stop();
    },
  };
}
