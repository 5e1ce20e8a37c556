/**
 * "Alerts Slack refused", for admins on App Home: the alerts whose payload Slack refused (alerts/refused.ts), newest
 * first, each with Slack's error, the payload's shape and how it reached the channel after. Pure.
 */
import type { types } from '@slack/bolt';
import { clip, esc, fold, section, slackDate } from './text.js';

/** What the view reads of a refusal (the document's `refused`, service/document.ts), handed in by its caller. */
export interface RefusedAlert {
  id: string;
  channel: string;
  error: string;
  at: string;
  shape: string;
  outcome: 'resending' | 'text' | 'short' | 'undelivered';
}

/** Refusals shown; the document keeps a few more. */
const SHOWN = 5;

const OUTCOME: Record<RefusedAlert['outcome'], string> = {
  resending: 'being sent again as plain text',
  text: 'delivered as plain text (its buttons named as commands)',
  short: 'delivered as cut text',
  undelivered: '*not delivered*: Slack refused every form of it; the change is in `/cutover history`',
};

export function refusedNotice(
  refused: readonly RefusedAlert[] | undefined,
  isAdmin: boolean,
): types.KnownBlock[] {
  if (!isAdmin || !refused?.length) return [];
  const newest = [...refused].reverse().slice(0, SHOWN);
  const lines = newest.map(
    (r) =>
      `• \`${esc(clip(r.id, 120))}\` in <#${r.channel}> ${slackDate(r.at)}: Slack answered \`${esc(clip(r.error, 120))}\` (${esc(
        clip(r.shape, 300),
      )}); ${OUTCOME[r.outcome]}.`,
  );
  const more = refused.length > SHOWN ? [`_…and ${refused.length - SHOWN} earlier._`] : [];
  return [
    section(
      fold([
        `:no_entry: *Alerts Slack refused* — ${refused.length}`,
        ...lines,
        ...more,
        '_A refused alert is sent again in a form Slack takes; the log line `alerts: Slack refused` has the details._',
      ]),
    ),
    { type: 'divider' },
  ];
}
