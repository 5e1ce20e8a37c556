/**
 * The JSON-file adapter of the store port (../store.ts), as the composition root (bot.ts), the offline record
 * and tests use it: the writer (`openJsonFileStore`) and its read-only mode (`openJsonFileReader`), which read the
 * file through one envelope parser (envelope.ts).
 */

export { nodeIo, type StoreIo } from './disk.js';
export {
  documentsDirOf,
  jsonFileDocumentSet,
  type OpenJsonFileLayoutOptions,
  openJsonFileLayout,
} from './document-set.js';
export { logPathOf } from './envelope.js';
export { type JsonFileReader, type OpenJsonFileReaderOptions, openJsonFileReader } from './reader.js';
export { type JsonFileStore, type OpenJsonFileStoreOptions, openJsonFileStore } from './store.js';
