/** One register call per kind of listener. */
import type { App } from '@slack/bolt';
import type { HomePublisher } from '../home-publisher.js';
import { registerFormButtons } from './actions/open-form-buttons.js';
import { registerShapeFormActions } from './actions/open-shape-form.js';
import { registerRecordButton, registerRunButtons } from './actions/run-buttons.js';
import { registerTokenForms } from './actions/tokens.js';
import { registerCutoverCommand } from './commands/cutover.js';
import { registerNewProgram } from './commands/new-program.js';
import type { ListenerDeps } from './deps.js';
import { registerAppHomeOpened } from './events/app-home-opened.js';
import { registerItemOptions } from './options/item-options.js';
import { routeListeners } from './router.js';
import { registerActSubmits } from './views/act-submit.js';
import { registerBlockerSubmit } from './views/blocker-submit.js';
import { registerGateSubmit } from './views/gate-submit.js';
import { registerShapeSubmit } from './views/shape-submit.js';
import { registerSignoffSubmit } from './views/signoff-submit.js';

export function registerListeners(bolt: App, deps: ListenerDeps, home: HomePublisher) {
  // One Bolt listener per kind of request, routing by id (router.ts): Bolt runs every listener for every request.
  const { listeners: app, install } = routeListeners(bolt);
  registerCutoverCommand(app, deps);
  registerFormButtons(app, deps);
  registerRunButtons(app, deps);
  registerRecordButton(app, deps);
  registerNewProgram(app, deps);
  registerSignoffSubmit(app, deps);
  registerBlockerSubmit(app, deps);
  registerGateSubmit(app, deps);
  registerActSubmits(app, deps);
  registerShapeFormActions(app, deps);
  registerShapeSubmit(app, deps);
  registerTokenForms(app, deps);
  registerItemOptions(app, deps);
  registerAppHomeOpened(app, home);
  install();
}
