/** The channel's words for a GitHub deployment the bot holds: Slack mrkdwn, rendered at delivery (alerts/render.ts). */
import { esc } from './text.js';

/** Which deployment (the outbox's deployment item holds these). */
type Where = { repo: string; environment: string; sha: string };

const code = (s: string) => `\`${esc(s)}\``;
const where = (d: Where) => `${code(d.repo)} to ${code(d.environment)} at ${code(d.sha.slice(0, 12))}`;

/** The channel's line for a deployment that waits, was approved or was rejected. */
export function deploymentText(d: Where, what: 'waits' | 'approved' | 'rejected', why: string): string {
  switch (what) {
    case 'waits':
      return `:hourglass_flowing_sand: *GitHub deployment waits*: ${where(d)} — ${esc(why)}. The bot approves it the moment the GO for this commit stands.`;
    case 'approved':
      return `:white_check_mark: *GitHub deployment approved*: ${where(d)} — ${esc(why)}`;
    case 'rejected':
      return `:no_entry: *GitHub deployment rejected*: ${where(d)} — ${esc(why)}`;
  }
}
