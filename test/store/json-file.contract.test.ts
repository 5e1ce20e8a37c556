/** The store port's contract on the JSON-file adapter: real files in a temp dir. */
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { openJsonFileStore } from '../../src/store/json-file/index.js';
import { describeStoreContract } from './contract.js';
import { tempDirs } from './helpers.js';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

describeStoreContract('the JSON file', async (opts) =>
  openJsonFileStore({ ...opts, path: join(await dirs.make(), 'cutover.json'), version: 1 }),
);
