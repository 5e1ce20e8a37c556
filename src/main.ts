/**
 * Reads .env, checks the configuration, starts the bot (which first checks the Slack tokens), and stops it cleanly
 * on a signal. A start that cannot go on prints one message, no stack trace, and exits 1.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { startBot } from './bot.js';
import { loadConfig } from './runtime/config.js';
import { ProgramError } from './service/program-file.js';
import { SlackStartError } from './slack/check-tokens.js';
import { StoreError } from './store/store.js';

async function main() {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const loaded = loadConfig(process.env);
  if (!loaded.ok) {
    console.error(loaded.message);
    process.exit(1);
  }
  let stopBot: (() => Promise<void>) | undefined;
  const bot = await startBot(loaded.config, {
    host: loaded.config.host,
    // Socket Mode with no WebSocket URL after its bounded retries: the bot hears nothing more, so it stops (exit 1),
    // for its supervisor to start it again.
    onConnectionLost: (line) => {
      console.error(line);
      (stopBot?.() ?? Promise.resolve()).finally(() => process.exit(1));
    },
  });
  stopBot = () => bot.stop();
  const mode = bot.config.mode === 'socket' ? 'Socket Mode' : `HTTP on port ${bot.port}, POST /slack/events`;
  const api = bot.config.apiToken ? `; CI API on port ${bot.apiPort}` : '; CI API off (no CUTOVER_API_TOKEN)';
  const github = bot.github ? `; GitHub deployment rule on POST /github/webhook (port ${bot.apiPort})` : '';
  console.log(`cutover-bot is running (${mode})${api}${github}; store ${resolve(bot.config.dbPath)}`);
  const shutdown = () => {
    bot.stop().finally(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((e: unknown) => {
  if (e instanceof ProgramError || e instanceof StoreError || e instanceof SlackStartError)
    console.error(e.message);
  else console.error('cutover-bot could not start:', e instanceof Error ? e.message : e);
  process.exit(1);
});
