/** `app_home_opened` (Home tab): publish that person's Home. Idempotent, so Slack's redeliveries are harmless. */
import type { HomePublisher } from '../../home-publisher.js';
import type { Listeners } from '../router.js';

export function registerAppHomeOpened(app: Listeners, home: HomePublisher) {
  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    await home.publishFor(event.user);
  });
}
