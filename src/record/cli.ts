/** Entry point of `npm run record` (built to dist/record/cli.js). */
import { existsSync } from 'node:fs';
import { runRecordCli } from './record-cli.js';

// CUTOVER_DB_PATH from `.env`, as the bot reads it (a variable already set wins).
if (existsSync('.env')) process.loadEnvFile('.env');

runRecordCli(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  now: () => new Date(),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error('cutover-bot record failed:', e instanceof Error ? e.message : e);
    process.exitCode = 1;
  },
);
