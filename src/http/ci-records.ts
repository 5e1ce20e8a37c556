/**
 * The decision record through the CI API (issue 21): a side's pipeline fetches the record, commits it to its
 * repository, and reports the commit back. The routes and the token check live in ci-api.ts.
 *
 *   GET  /api/programs/<id>/record    the record as Markdown, `ETag: "<sha256 hex>"`; `If-None-Match` with it: 304
 *   POST /api/programs/<id>/records   {"side", "repo": "owner/name", "commit": "<40-hex>", "content_hash": "<sha256 hex>"}
 *
 * A report counts for the `record-in-repos` condition when the record with that hash held the bilateral GO in force
 * now (record/ledger.ts): 409 `unknown_record` for a hash of no record the bot served while a GO stood, 409
 * `stale_target` for a record of an earlier GO.
 */
import { z } from 'zod';
import { CommitSha, type Cutover, Id } from '../core/schema.js';
import { goOfRecord } from '../record/ledger.js';
import type { StoreDocument } from '../service/document.js';

export const RecordBody = z.object({
  side: z.string({ error: 'required: the side whose repository holds the record, e.g. "producer"' }).pipe(Id),
  repo: z
    .string({ error: 'required: the repository as owner/name (github.repository)' })
    .trim()
    .regex(/^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/, 'give the repository as owner/name'),
  commit: z
    .string({ error: 'required: the full 40-character hex commit that holds the record' })
    .pipe(CommitSha),
  content_hash: z
    .string({
      error: "required: the record's sha256 hex (the ETag GET …/record gave, or `sha256sum` of the file)",
    })
    .trim()
    .toLowerCase()
    .regex(/^[0-9a-f]{64}$/, "give the record's sha256 hex: 64 hex characters"),
  ci_name: z
    .string()
    .trim()
    .min(1, 'give a name, e.g. "GitHub Actions"')
    .max(64, 'at most 64 characters')
    .regex(/^[^\p{Cc}]+$/u, 'no control characters')
    .optional(),
});
export type RecordBody = z.infer<typeof RecordBody>;

/** The record of program `id` as served (ledger `serveRecord`): Markdown with its ETag, or 304 when `If-None-Match` names it. */
export function recordAnswer(
  id: string,
  { markdown, hash }: { markdown: string; hash: string },
  ifNoneMatch: string | undefined,
): { status: 200 | 304; text: string; headers: Record<string, string> } {
  const etag = `"${hash}"`;
  const headers = {
    etag,
    'content-type': 'text/markdown; charset=utf-8',
    'cache-control': 'no-cache',
    'content-disposition': `inline; filename="${id}-decision-record.md"`,
  };
  const given = (ifNoneMatch ?? '').split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (given.includes(etag) || given.includes('*')) return { status: 304, text: '', headers };
  return { status: 200, text: markdown, headers };
}

/** The core command a report is, or why it cannot be one. */
export function recordReportInput(
  doc: StoreDocument,
  body: RecordBody,
  now: Date,
): { input: Record<string, unknown> } | { error: string; message: string } {
  const go = goOfRecord(doc, body.content_hash, now);
  if (!go)
    return {
      error: 'unknown_record',
      message: `The bot served no decision record with sha256 ${body.content_hash.slice(0, 12)}… while a bilateral GO was in force: fetch GET …/record after both sides signed GO and the decision was recorded GO, commit that file unchanged, and report its hash.`,
    };
  return {
    input: {
      type: 'record.report',
      side: body.side,
      repo: body.repo,
      commit: body.commit,
      contentHash: body.content_hash,
      go,
    },
  };
}

/** What the reports of `c` say now, for the answer. */
export function recordsJson(c: Cutover) {
  return c.records.map((r) => ({
    side: r.side,
    repo: r.repo,
    commit: r.commit,
    content_hash: r.contentHash,
    by: r.by,
    at: r.at,
  }));
}
