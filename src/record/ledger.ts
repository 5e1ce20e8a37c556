/**
 * Which decision records hold a bilateral GO: after every change made while one is in force, the hash of the record
 * as it then reads is kept with that GO (`doc.recordHashes`), in the change's own write (the service's `compose`
 * hook). A side's CI reports "this commit holds the record with this hash"; the hash says which GO the record held,
 * so a record fetched before the second GO, or of an earlier GO, never counts for the current one.
 */
import { createHash } from 'node:crypto';
import { goFingerprint } from '../core/readiness.js';
import type { Change } from '../service/cutover-service.js';
import type { StoreDocument } from '../service/document.js';
import { decisionRecord } from './decision-record.js';

/** How many record hashes a document keeps. */
export const RECORD_HASHES_KEPT = 50;

/** The record's content hash: sha256 hex of its UTF-8 bytes (as `sha256sum` prints it), also its ETag. */
export const recordHash = (markdown: string) => createHash('sha256').update(markdown, 'utf8').digest('hex');

/** The record of `doc` as GET …/record serves it, with its hash. */
export function servedRecord(doc: StoreDocument, now: Date): { markdown: string; hash: string } {
  const markdown = decisionRecord(doc, now);
  return { markdown, hash: recordHash(markdown) };
}

/** The GO a record with this hash held: from the ledger, or the record as it reads now. */
export function goOfRecord(doc: StoreDocument, hash: string, now: Date): string | undefined {
  const kept = doc.recordHashes.findLast((h) => h.hash === hash);
  if (kept) return kept.go;
  return servedRecord(doc, now).hash === hash ? goFingerprint(doc.cutover) : undefined;
}

/**
 * Adds the record's hash to the ledger while a GO is in force. Without a GO nothing is noted, so the record is not
 * rendered at all: this runs inside every change's write.
 */
export function noteRecord(doc: StoreDocument, now: Date): StoreDocument {
  if (!goFingerprint(doc.cutover)) return doc;
  return noteHash(doc, servedRecord(doc, now).hash, now);
}

/**
 * The record as GET …/record serves it, read against the latest committed document, and that document with the
 * record's hash noted (`next`, absent when nothing is to write). A record can read differently from what any change
 * noted (the bot's bookkeeping, such as the display names it caches, writes without a change): what was served is
 * what a side's CI commits, so it is noted as served, and a report of it counts on every replica.
 */
export function serveRecord(
  doc: StoreDocument,
  now: Date,
): { next?: StoreDocument; result: { markdown: string; hash: string } } {
  const served = servedRecord(doc, now);
  const next = noteHash(doc, served.hash, now);
  return next === doc ? { result: served } : { next, result: served };
}

function noteHash(doc: StoreDocument, hash: string, now: Date): StoreDocument {
  const go = goFingerprint(doc.cutover);
  if (!go) return doc;
  if (doc.recordHashes.some((h) => h.hash === hash)) return doc;
  return {
    ...doc,
    recordHashes: [...doc.recordHashes, { hash, go, at: now.toISOString() }].slice(-RECORD_HASHES_KEPT),
  };
}

/** The service's `compose` hook with the ledger after `compose` (the alerts). */
export function recordLedgerHook(compose?: (doc: StoreDocument, change: Change) => StoreDocument) {
  return (doc: StoreDocument, change: Change): StoreDocument => {
    const next = compose ? compose(doc, change) : doc;
    try {
      return noteRecord(next, change.now);
    } catch (e) {
      // A committed change must not fail for the ledger: the report of this record falls back to the live one.
      console.error('could not note the decision record hash', e);
      return next;
    }
  };
}
