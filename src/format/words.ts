/**
 * The neutral words: what every surface says alike, in plain text with no markup of its own (no mrkdwn, no
 * Markdown, no JSON). Slack's views and alerts, the decision record and the CI API import them from here, so none
 * of them imports another surface's formatting module (the record no longer reads src/slack/views/text.ts). Each
 * surface escapes or codes these strings in its own language. `targetLabel` and `shortSha` are the core's own (its
 * refusals name the target) and are re-exported here so a surface needs one import for the words.
 */
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { shortSha, targetLabel } from '../core/readiness.js';
import type { GoNoGo } from '../core/schema.js';

export { shortSha, targetLabel };

/**
 * An instant as `2026-02-09 09:00 UTC`: the fallback of Slack's date token (clients that do not render it) and the
 * decision record's stamp.
 */
export const utcStamp = (iso: string) => format(new TZDate(iso, 'UTC'), "yyyy-MM-dd HH:mm 'UTC'");

/**
 * The commit a gate result was measured on, in plain text (`v3.0.0 @ abcdef012345`, or the short SHA), or none:
 * escape it for mrkdwn, code it for the record.
 */
export const commitLabel = (r: { sha: string | null; tag?: string | undefined }) =>
  r.sha ? (r.tag ? targetLabel({ tag: r.tag, sha: r.sha }) : shortSha(r.sha)) : undefined;

/** A decision or sign-off, as the bot says it. */
export const goWord = (status: GoNoGo) => (status === 'go' ? 'GO' : 'NO-GO');
