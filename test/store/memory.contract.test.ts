/** The store port's contract on the in-memory adapter, the one service and alert tests use. */
import { MemoryStore } from '../../src/store/memory.js';
import { describeStoreContract } from './contract.js';

describeStoreContract('memory', async (opts) => new MemoryStore(opts));
