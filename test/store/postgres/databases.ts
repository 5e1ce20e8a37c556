/**
 * A fresh database per test on the test server (server.ts), and the pools made on it: `cleanup()` (in afterEach)
 * ends every pool and drops every database made so far.
 */
import pg from 'pg';
import { inject } from 'vitest';
import { createPostgresPool } from '../../../src/store/postgres/index.js';

let made = 0;

/** `url` with another database name. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

export function testDatabases(server: () => string = () => inject('postgresUrl')) {
  const names: string[] = [];
  const pools: pg.Pool[] = [];
  const admin = async <R>(use: (c: pg.Client) => Promise<R>): Promise<R> => {
    const client = new pg.Client({ connectionString: server() });
    client.on('error', () => undefined); // a server stopped by a test: the next query says so
    await client.connect();
    try {
      return await use(client);
    } finally {
      await client.end();
    }
  };
  return {
    /** A new, empty database; its URL. */
    async make(): Promise<string> {
      made += 1;
      const name = `cutover_test_${process.pid}_${made}_${Math.random().toString(36).slice(2, 8)}`;
      await admin((c) => c.query(`CREATE DATABASE ${c.escapeIdentifier(name)}`));
      names.push(name);
      return withDatabase(server(), name);
    },
    /** A pool on `url` (default: a new database), as one process of the bot would have. */
    async pool(url?: string): Promise<pg.Pool> {
      const pool = createPostgresPool(url ?? (await this.make()));
      pools.push(pool);
      return pool;
    },
    async cleanup(): Promise<void> {
      await Promise.all(pools.splice(0).map((p) => p.end()));
      const drop = names.splice(0);
      if (drop.length === 0) return;
      await admin(async (c) => {
        for (const name of drop)
          await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`);
      });
    },
  };
}
