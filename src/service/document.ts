/** The document the store keeps: the live cutover and its history. */
import { z } from 'zod';
import { Cutover, HistoryEntry } from '../core/schema.js';

export const STORE_VERSION = 1;

export const StoreDocument = z.object({
  cutover: Cutover,
  history: z.array(HistoryEntry),
});
export type StoreDocument = z.infer<typeof StoreDocument>;

export const newDocument = (cutover: Cutover): StoreDocument => ({ cutover, history: [] });
