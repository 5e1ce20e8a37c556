/**
 * Config -> templates -> Slack tokens checked -> the store's layout (upgraded from one program if need be) -> the
 * programs, one service each (the first one started, or bound, in CUTOVER_CHANNEL_ID) -> Slack app, started, and the
 * alerts of every program. The bot's one clock is made here and handed to everything that reads the time or waits. `main.ts` and
 * the integration tests both use it.
 */

import { readFile } from 'node:fs/promises';
import { type AlertOptions, alertsHook, type ProgramAlerts, startProgramAlerts } from './alerts/index.js';
import { HistoryEntry } from './core/schema.js';
import { createGitHubRule, type GitHubRule, WEBHOOK_PATH } from './github/app.js';
import { gitHubClient } from './github/client.js';
import { type CiApi, createCiApi } from './http/ci-api.js';
import { type ApiServer, ciDispatchErrorHandler, ciRoutes, startApiServer } from './http/server.js';
import { recordLedgerHook } from './record/ledger.js';
import { type Clock, systemClock } from './runtime/clock.js';
import { type Config, SHIPPED_PROGRAMS_DIR } from './runtime/config.js';
import { createCutoverService } from './service/cutover-service.js';
import { CATALOG_VERSION, Catalog, REQUEST_KEYS, STORE_VERSION, StoreDocument } from './service/document.js';
import { loadProgram } from './service/program-file.js';
import { openPrograms, type Programs } from './service/programs.js';
import { loadTemplates } from './service/templates.js';
import { createSlackApp, type SlackApp } from './slack/app.js';
import { checkSlackTokens } from './slack/check-tokens.js';
import { createSlackClients } from './slack/clients.js';
import { openJsonFileLayout } from './store/json-file/index.js';
import { createPostgresPool, openPostgresLayout } from './store/postgres/index.js';
import type { Layout } from './store/store.js';

export interface Bot {
  config: Config;
  /** Every program the bot holds, each with its own store document and service. */
  programs: Programs;
  slack: SlackApp;
  /** The HTTP port, in HTTP mode. */
  port?: number;
  /** Where the CI API answers: the HTTP port in HTTP mode; its own server in Socket Mode (with a token). */
  apiPort?: number;
  /** Alert delivery, the status board and reminders of every program (absent when started with `alerts: false`). */
  alerts?: ProgramAlerts;
  /** The GitHub deployment protection rule (when GITHUB_APP_ID, its key and webhook secret are set). */
  github?: GitHubRule;
  stop(): Promise<void>;
}

/**
 * The newest history entries each program holds in memory: the most `/cutover history` shows (the record shows
 * fewer; the whole history stays in its log on disk). Each is read and checked at start and again in every write of
 * its document, so with many programs this is what start-up time and memory grow with.
 */
const HISTORY_IN_MEMORY = 100;

/** What the bot says it did at start, beyond "running": the upgrade, the first program, channels bound. */
type StartNote = { level: 'info' | 'warn'; text: string };

/**
 * The store's programs as this start finds them: a new store gets its first program from `CUTOVER_PROGRAM` in
 * `CUTOVER_CHANNEL_ID` (when set); a program without a channel (upgraded from a store written before programs
 * kept theirs) is bound to `CUTOVER_CHANNEL_ID`. Once bound, a program stays in its channel whatever the variable
 * says later; the variable and the file then only seed a new store (the file stays a template for `/cutover new`).
 */
async function settlePrograms(programs: Programs, config: Config, now: Date): Promise<StartNote[]> {
  const notes: StartNote[] = [];
  const channel = config.channelId;
  if (programs.all().length === 0) {
    if (!channel) {
      notes.push({
        level: 'info',
        text: 'the store holds no program yet: start one with `/cutover new` in its channel (or set CUTOVER_CHANNEL_ID to start the one in CUTOVER_PROGRAM there)',
      });
      return notes;
    }
    const program = await loadProgram(config.programPath);
    const made = await programs.create(
      {
        id: program.id,
        template: program,
        from: `the program file ${config.programPath}`,
        title: program.title,
        release: program.release,
        channel,
        asIs: true,
      },
      { kind: 'system' },
      now,
    );
    // Another replica on the same database started it a moment ago: that one is the first program.
    if (!made.ok && !programs.get(program.id))
      throw new Error(`The first program could not start: ${made.message}`);
    notes.push({ level: 'info', text: `program ${program.id} started in channel ${channel}` });
    return notes;
  }
  for (const service of programs.all()) {
    const c = service.cutover();
    if (c.channel) {
      if (channel && c.channel !== channel && programs.all().length === 1)
        notes.push({
          level: 'warn',
          text: `program ${c.id} stays in channel ${c.channel}, where it was created: CUTOVER_CHANNEL_ID (${channel}) names the channel of the first program of a new store only; start another with \`/cutover new\``,
        });
      continue;
    }
    if (!channel)
      throw new Error(
        `Program ${c.id} (from the one-program store) has no channel yet: set CUTOVER_CHANNEL_ID to the channel it runs in, and start again.`,
      );
    await service.update((doc) => ({
      next: { ...doc, cutover: { ...doc.cutover, channel } },
      result: undefined,
    }));
    notes.push({ level: 'info', text: `program ${c.id} bound to channel ${channel}` });
  }
  return notes;
}

const CATALOG = { schema: Catalog, version: CATALOG_VERSION, create: () => Catalog.parse({}) };
const DOCUMENTS = {
  schema: StoreDocument,
  version: STORE_VERSION,
  log: { field: 'history', entry: HistoryEntry, keep: HISTORY_IN_MEMORY },
  requests: REQUEST_KEYS,
};

/**
 * The store's layout: PostgreSQL when DATABASE_URL is set (any number of replicas on one database; its tables are
 * created or migrated first), else the JSON file at CUTOVER_DB_PATH (one process; a store of the one-program layout
 * is upgraded). `release` ends what the layout needs beyond its stores (the PostgreSQL pool).
 */
async function openLayout(
  config: Config,
  clock: Clock,
): Promise<{ layout: Layout<Catalog, StoreDocument>; release: () => Promise<void> }> {
  const documents = { ...DOCUMENTS, clock };
  if (config.databaseUrl) {
    const pool = createPostgresPool(config.databaseUrl);
    try {
      let ended: Promise<void> | undefined;
      return {
        layout: await openPostgresLayout({ pool, catalog: CATALOG, documents: DOCUMENTS, clock }),
        release: () => {
          ended ??= pool.end();
          return ended;
        },
      };
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw e;
    }
  }
  const layout = await openJsonFileLayout({
    path: config.dbPath,
    catalog: CATALOG,
    documents,
    legacy: {
      version: STORE_VERSION,
      schema: StoreDocument,
      keyOf: (doc) => doc.cutover.id,
      catalogFor: (id) => Catalog.parse({ programs: [{ id, from: 'the one-program store' }] }),
    },
  });
  return { layout, release: async () => undefined };
}

export async function startBot(
  config: Config,
  options: {
    /** The bot's clock (default the system clock): tests drive time with a manual one. */
    clock?: Clock;
    /** This replica's name in the GitHub rule's claims (default host:pid). */
    replica?: string;
    host?: string;
    alerts?: AlertOptions | false;
    /** Socket Mode: Slack gave no WebSocket URL to reconnect to (slack/app.ts); main.ts stops the bot. */
    onConnectionLost?: (line: string) => void;
  } = {},
): Promise<Bot> {
  const clock = options.clock ?? systemClock;
  const templates = await loadTemplates(SHIPPED_PROGRAMS_DIR, config.programPath);
  // Slack is asked before the store is opened or anything listens: a refused token stops the start here.
  const identity = await checkSlackTokens(config, {
    clock,
    log: (line) => {
      if (config.logLevel !== 'error') console.warn(line);
    },
  });
  const { layout, release } = await openLayout(config, clock);
  // Every change's alert joins the outbox in the change's own write, typed (its events, actor, time: no text);
  // delivery, started below, renders it to its program's channel.
  const compose = recordLedgerHook(alertsHook());
  let programs: Programs;
  let notes: StartNote[];
  try {
    programs = await openPrograms({
      layout,
      makeService: (store) => createCutoverService(store, { compose }),
      compose,
    });
  } catch (e) {
    await layout.documents.close();
    await layout.catalog.close();
    await release();
    throw e;
  }
  let closing: Promise<void> | undefined;
  const closePrograms = () => {
    closing ??= programs.close().finally(release);
    return closing;
  };
  try {
    notes = await settlePrograms(programs, config, clock.now());
  } catch (e) {
    await closePrograms();
    throw e;
  }
  const api = createCiApi({
    programs,
    token: config.apiToken,
    health: () => programs.health(),
    now: () => clock.now(),
  });
  let alertsRef: ProgramAlerts | undefined;
  let github: GitHubRule | undefined;
  if (config.github) {
    const g = config.github;
    let privateKey = g.privateKey;
    if (!privateKey && g.privateKeyPath) {
      try {
        privateKey = await readFile(g.privateKeyPath, 'utf8');
      } catch (e) {
        await closePrograms();
        throw new Error(
          `GITHUB_APP_PRIVATE_KEY_PATH: cannot read ${g.privateKeyPath} (${(e as Error).message})`,
        );
      }
    }
    github = createGitHubRule({
      programs,
      github: gitHubClient({ appId: g.appId, privateKey: privateKey ?? '', apiUrl: g.apiUrl }),
      webhookSecret: g.webhookSecret,
      clock,
      logger: console,
      wakeAlerts: (id) => alertsRef?.of(id)?.dispatcher.wake(),
      ...(options.replica === undefined ? {} : { replica: options.replica }),
    });
  }
  const served = withGitHub(api, github);
  // One set of Slack clients (slack/clients.ts) for the app and the alerts.
  const clients = createSlackClients(config, clock);
  const slack = createSlackApp({
    config,
    programs,
    templates,
    clock,
    clients,
    ...(options.host === undefined ? {} : { host: options.host }),
    customRoutes: [
      ...ciRoutes(api),
      ...(github ? [{ path: WEBHOOK_PATH, method: ['POST', 'GET', 'PUT'], handler: served.handle }] : []),
    ],
    dispatchErrorHandler: ciDispatchErrorHandler(served),
    identity,
    ...(options.onConnectionLost ? { onConnectionLost: options.onConnectionLost } : {}),
  });
  const logger = slack.app.logger;
  if (layout.upgraded) logger.info(layout.upgraded);
  for (const n of notes) logger[n.level](n.text);
  let apiServer: ApiServer | undefined;
  try {
    const { port } = await slack.start();
    // Socket Mode has no HTTP server of its own: the CI API gets one on HOST:PORT when it has a token.
    if (config.mode === 'socket' && (config.apiToken || github))
      apiServer = await startApiServer(served, { host: options.host ?? config.host, port: config.port });
    const apiPort = apiServer?.port ?? port;
    const alerts =
      options.alerts === false
        ? undefined
        : startProgramAlerts(
            {
              programs,
              clock,
              logger,
              clients,
              // The alert channel out of reach (or back) shows on admins' App Home.
              onChannelProblem: () => slack.refreshHome(),
              // So do the alerts Slack refused, and how they went out after.
              onRefused: () => slack.refreshHome(),
            },
            options.alerts,
          );
    alertsRef = alerts;
    github?.start();
    return {
      config,
      programs,
      slack,
      ...(github ? { github } : {}),
      ...(port === undefined ? {} : { port }),
      ...(apiPort === undefined ? {} : { apiPort }),
      ...(alerts ? { alerts } : {}),
      async stop() {
        await github?.stop();
        await alerts?.stop();
        await apiServer?.close();
        await slack.stop().catch(() => undefined);
        await closePrograms();
      },
    };
  } catch (e) {
    await github?.stop();
    await slack.stop().catch(() => undefined);
    await closePrograms();
    throw e;
  }
}

/** The CI API with the GitHub webhook beside it, for the server that serves both (Socket Mode's own port). */
function withGitHub(api: CiApi, github: GitHubRule | undefined): CiApi {
  if (!github) return api;
  const pathOf = (url: string | undefined) => {
    try {
      return new URL(url ?? '/', 'http://localhost').pathname;
    } catch {
      return undefined;
    }
  };
  return {
    owns: (pathname) => github.owns(pathname) || api.owns(pathname),
    handle(req, res) {
      const path = pathOf(req.url);
      if (path !== undefined && github.owns(path)) github.handle(req, res);
      else api.handle(req, res);
    },
  };
}
