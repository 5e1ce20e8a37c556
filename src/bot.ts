/** Config -> program -> store -> service -> Slack app, started. `main.ts` and the integration tests both use it. */
import type { Config } from './config.js';
import { HistoryEntry } from './core/schema.js';
import { type CutoverService, createCutoverService } from './service/cutover-service.js';
import { newDocument, STORE_VERSION, StoreDocument } from './service/document.js';
import { loadProgram } from './service/program-file.js';
import { createSlackApp, type SlackApp } from './slack/app.js';
import { openStore, type Store } from './store/store.js';

export interface Bot {
  config: Config;
  store: Store<StoreDocument>;
  service: CutoverService;
  slack: SlackApp;
  /** The HTTP port, in HTTP mode. */
  port?: number;
  stop(): Promise<void>;
}

export async function startBot(
  config: Config,
  options: { now?: () => Date; host?: string } = {},
): Promise<Bot> {
  const program = await loadProgram(config.programPath);
  const store = await openStore({
    path: config.dbPath,
    schema: StoreDocument,
    version: STORE_VERSION,
    create: () => newDocument(program),
    log: { field: 'history', entry: HistoryEntry },
  });
  const service = createCutoverService(store);
  const slack = createSlackApp({ config, service, ...options });
  try {
    const { port } = await slack.start();
    return {
      config,
      store,
      service,
      slack,
      ...(port === undefined ? {} : { port }),
      async stop() {
        await slack.stop().catch(() => undefined);
        await store.close();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}
