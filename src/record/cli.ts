/** Entry point of `npm run record` (built to dist/record/cli.js). */
import { runRecordCli } from './record-cli.js';

runRecordCli(process.argv.slice(2), {
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
