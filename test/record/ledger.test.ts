/**
 * The record ledger (record/ledger.ts): while a bilateral GO is in force, every change notes the hash of the record
 * as it then reads; without one, nothing is noted and nothing is rendered (it runs inside every change's write).
 */
import { describe, expect, it } from 'vitest';
import { goFingerprint } from '../../src/core/readiness.js';
import { noteRecord, recordHash, servedRecord } from '../../src/record/ledger.js';
import { newDocument } from '../../src/service/document.js';
import { at, decidedGo, readyForGo } from '../core/fixtures.js';

describe('the record ledger', () => {
  it('notes nothing while no GO is in force: the document comes back as it was (the record is not rendered)', () => {
    const doc = newDocument(readyForGo());
    expect(goFingerprint(doc.cutover)).toBeUndefined();
    expect(noteRecord(doc, at(40))).toBe(doc);
  });

  it('notes the record as it reads, with the GO it holds, while a GO is in force; once per hash', () => {
    const doc = newDocument(decidedGo());
    const go = goFingerprint(doc.cutover);
    expect(go).toBeDefined();
    const noted = noteRecord(doc, at(40));
    const hash = recordHash(servedRecord(doc, at(40)).markdown);
    expect(noted.recordHashes).toEqual([{ hash, go, at: at(40).toISOString() }]);
    expect(noteRecord(noted, at(40))).toBe(noted);
  });
});
