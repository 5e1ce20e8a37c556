/**
 * The PostgreSQL adapter of the store port (../store.ts), as the composition root will use it: one pool per
 * database (`createPostgresPool`, ended by its owner), a store per document key (`openPostgresStore`), the keys
 * kept (`listPostgresKeys`), and the tables brought up to date (`migratePostgres`; opening a store does it too).
 */

export {
  CATALOG_KEY,
  type OpenPostgresLayoutOptions,
  openPostgresCatalog,
  openPostgresLayout,
  PROGRAM_PREFIX,
  postgresDocumentSet,
} from './layout.js';
export { MIGRATIONS, type Migrated, migratePostgres, SCHEMA_VERSION } from './migrations.js';
export { createPostgresPool, listPostgresKeys, type PostgresPoolOptions } from './pool.js';
export { type OpenPostgresStoreOptions, openPostgresStore, type PostgresStore } from './store.js';
