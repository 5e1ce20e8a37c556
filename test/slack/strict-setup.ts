/**
 * Every test file runs with the strict stand-in (vitest.config.ts `setupFiles`): after each test, any payload a
 * stand-in refused for breaking Slack's Block Kit rules fails that test, naming the rule and where. A test that sends
 * a bad payload on purpose takes the violations it expects (`slack.takeViolations()`).
 */
import { afterEach } from 'vitest';
import { failOnViolations, liveStandIns } from './stand-in.js';

afterEach(() => {
  const found = [...liveStandIns].flatMap((slack) => slack.takeViolations());
  failOnViolations(found);
});
