/** The store port's contract on the PostgreSQL adapter: a real server (postgres/server.ts), a database per test. */
import { afterEach } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import { describeStoreContract } from './contract.js';
import { testDatabases } from './postgres/databases.js';

const databases = testDatabases();
afterEach(() => databases.cleanup());

describeStoreContract('PostgreSQL', async (opts) =>
  openPostgresStore({ ...opts, pool: await databases.pool(), key: 'contract', version: 1 }),
);
