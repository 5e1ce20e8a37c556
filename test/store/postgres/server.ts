/**
 * Vitest global setup: the PostgreSQL server the PostgreSQL store tests run against. With `TEST_DATABASE_URL`
 * (a server whose user may CREATE DATABASE), that one; otherwise a throwaway one started here (embedded.ts) and
 * removed at the end. Tests get the URL with `inject('postgresUrl')`, and each makes its own databases on it
 * (databases.ts), so no test sees another's tables.
 */
import type { TestProject } from 'vitest/node';
import { startTestServer } from './embedded.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A database URL on the test server, for a user that may create databases. */
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    project.provide('postgresUrl', given);
    return;
  }
  const server = await startTestServer();
  project.provide('postgresUrl', server.url);
  return () => server.remove();
}
