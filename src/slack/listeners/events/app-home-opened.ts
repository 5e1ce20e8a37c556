/** `app_home_opened` (Home tab): publish that person's Home. Idempotent, so Slack's redeliveries are harmless. */
import type { App } from '@slack/bolt';
import type { HomePublisher } from '../../home-publisher.js';

export function registerAppHomeOpened(app: App, home: HomePublisher) {
  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    await home.publishFor(event.user);
  });
}
