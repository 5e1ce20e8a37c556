/**
 * The reference for the concurrency bench: a bare Bolt app in HTTP mode that acks `/cutover` with a constant, run
 * in its own process as the bot is, so both are measured the same way. Prints `bare Bolt on port <n>`.
 */
import { App, LogLevel } from '@slack/bolt';

const app = new App({
  token: 'xoxb-bare',
  signingSecret: process.env.SLACK_SIGNING_SECRET ?? '',
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL ?? '' },
  logLevel: LogLevel.ERROR,
});
app.command('/cutover', async ({ ack }) => {
  await ack('ok');
});
const server = (await app.start({ port: 0, host: '127.0.0.1' })) as { address(): { port: number } };
console.log(`bare Bolt on port ${server.address().port}`);
