/** Entry point of `npm run program-schema` (built to dist/program-schema-cli.js). */
import { writeProgramSchema } from './program-schema.js';

writeProgramSchema().then(
  (path) => console.log(`wrote ${path}`),
  (e: unknown) => {
    console.error('could not write the program schema:', e instanceof Error ? e.message : e);
    process.exitCode = 1;
  },
);
