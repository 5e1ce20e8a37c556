/** Entry point of `npm run migrate-from-json` (built to dist/migrate-from-json-cli.js). */
import { existsSync } from 'node:fs';
import { runMigrateCli } from './migrate/migrate-cli.js';

// DATABASE_URL from `.env`, as the bot reads it (a variable already set wins).
if (existsSync('.env')) process.loadEnvFile('.env');

runMigrateCli(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error('cutover-bot migrate-from-json failed:', e instanceof Error ? e.message : e);
    process.exitCode = 1;
  },
);
