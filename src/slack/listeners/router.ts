/**
 * Bolt runs the middleware of every registered listener for every request it receives: fifty listeners cost a bare
 * Bolt app about a third of its requests per second (issue 20). So the bot registers one Bolt listener per kind of
 * request (actions, views, options) and routes here, by the id the request names: every route whose constraint
 * matches runs, in the order registered, as Bolt would run every matching listener. Commands and events, one each,
 * go to Bolt as they are.
 *
 * A route's constraint is what Bolt's would be: an action id (a string, or a RegExp tested against it), a view's
 * callback id, or `{ block_id }` / `{ action_id }` strings. Anything else is refused when it is registered.
 */
import type { AnyMiddlewareArgs, App } from '@slack/bolt';

/** What the listeners register through: Bolt's own signatures, so each listener's arguments are typed as Bolt types them. */
export type Listeners = Pick<App, 'command' | 'event' | 'action' | 'view' | 'options'>;

type Constraint = string | RegExp | { block_id?: string; action_id?: string };
type Listener = (args: AnyMiddlewareArgs & Record<string, unknown>) => Promise<void>;
interface Route {
  constraint: Constraint;
  listener: Listener;
}

/** Whether a request naming `ids` matches `c` (a bare string or RegExp is tested against `ids.id`). */
function matches(c: Constraint, ids: { id: string | undefined; block: string | undefined }): boolean {
  if (typeof c === 'string') return ids.id === c;
  if (c instanceof RegExp) return ids.id !== undefined && c.test(ids.id);
  return (
    (c.block_id === undefined || c.block_id === ids.block) &&
    (c.action_id === undefined || c.action_id === ids.id)
  );
}

function checked(kind: string, constraint: unknown, listeners: unknown[]): Route {
  const c = constraint as Constraint;
  const plainObject =
    typeof c === 'object' &&
    !(c instanceof RegExp) &&
    Object.keys(c).every((k) => (k === 'block_id' || k === 'action_id') && typeof c[k] === 'string');
  if (!(typeof c === 'string' || c instanceof RegExp || plainObject) || (c instanceof RegExp && c.global))
    throw new Error(
      `router: a ${kind} route takes an id, a RegExp (not global) or { block_id, action_id } strings`,
    );
  if (listeners.length !== 1) throw new Error(`router: a ${kind} route takes exactly one listener`);
  return { constraint: c, listener: listeners[0] as Listener };
}

async function run(
  routes: readonly Route[],
  ids: { id: string | undefined; block: string | undefined },
  args: never,
) {
  for (const r of routes) if (matches(r.constraint, ids)) await r.listener(args);
}

const field = (v: unknown, k: string): string | undefined => {
  const x = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined;
  return typeof x === 'string' ? x : undefined;
};

/** The listeners to register through, and `install`, which hands Bolt one listener per kind, routing to them. */
export function routeListeners(app: App): { listeners: Listeners; install(): void } {
  const actions: Route[] = [];
  const views: Route[] = [];
  const options: Route[] = [];
  const listeners = {
    command: app.command.bind(app),
    event: app.event.bind(app),
    action: (c: unknown, ...l: unknown[]) => actions.push(checked('action', c, l)),
    view: (c: unknown, ...l: unknown[]) => views.push(checked('view', c, l)),
    options: (c: unknown, ...l: unknown[]) => options.push(checked('options', c, l)),
  } as unknown as Listeners;
  return {
    listeners,
    install() {
      const any = /[\s\S]*/;
      if (actions.length)
        app.action(any, (args) =>
          run(
            actions,
            { id: field(args.payload, 'action_id'), block: field(args.payload, 'block_id') },
            args as never,
          ),
        );
      // A view route's constraint is a callback id: submissions only, as Bolt's `app.view(callbackId)`.
      if (views.length)
        app.view(any, (args) => run(views, { id: args.view.callback_id, block: undefined }, args as never));
      if (options.length)
        app.options({ block_id: any }, (args) =>
          run(
            options,
            { id: field(args.payload, 'action_id'), block: field(args.payload, 'block_id') },
            args as never,
          ),
        );
    },
  };
}
