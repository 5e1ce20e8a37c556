/** One register call per kind of listener. */
import type { App } from '@slack/bolt';
import { registerFormButtons } from './actions/open-form-buttons.js';
import { registerCutoverCommand } from './commands/cutover.js';
import type { ListenerDeps } from './deps.js';
import { registerBlockerSubmit } from './views/blocker-submit.js';
import { registerSignoffSubmit } from './views/signoff-submit.js';

export function registerListeners(app: App, deps: ListenerDeps) {
  registerCutoverCommand(app, deps);
  registerFormButtons(app, deps);
  registerSignoffSubmit(app, deps);
  registerBlockerSubmit(app, deps);
}
