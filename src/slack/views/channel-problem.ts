/**
 * Why the bot cannot post in a program's channel, in mrkdwn: App Home shows it to those who can fix it, and the
 * alert machinery (src/alerts/channel-problem.ts) puts it in the direct message to the person whose alert waits.
 * Pure.
 */
import { esc } from './text.js';

/** Why the bot cannot post, and what fixes it, in mrkdwn. */
export function problemCause(channel: string, error: string): string {
  const code = esc(error);
  const invite = `invite it with \`/invite @cutover-bot\` in <#${channel}>`;
  return error === 'channel_not_found'
    ? `Slack does not show <#${channel}> to the bot (\`channel_not_found\`): if the channel is private, ${invite}; if it was archived, unarchive it: the program stays bound to that channel (\`CUTOVER_CHANNEL_ID\` only names the channel of a new program).`
    : `The bot is not a member of <#${channel}> (\`${code}\`): ${invite}.`;
}
