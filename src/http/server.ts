/**
 * The CI API's own HTTP server, for Socket Mode (where Bolt listens on no port). In HTTP mode the API shares
 * Bolt's server instead, as custom routes (see `ciRoutes`), with `ciDispatchErrorHandler` for the requests Bolt
 * fails on before it reaches them.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import {
  type CustomRoute,
  HTTPModuleFunctions,
  HTTPReceiverDeferredRequestError,
  type ReceiverDispatchErrorHandlerArgs,
} from '@slack/bolt';
import type { CiApi } from './ci-api.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** Bolt HTTPReceiver custom routes that hand the API's paths, every method, to the API. */
export function ciRoutes(api: CiApi): CustomRoute[] {
  const handler: CustomRoute['handler'] = (req, res) => api.handle(req, res);
  return [
    { path: '/healthz', method: METHODS, handler },
    { path: '/api/*rest', method: METHODS, handler },
  ];
}

/** The request's path, or undefined when its URL cannot be read. */
function pathOf(req: IncomingMessage): string | undefined {
  try {
    return new URL(req.url ?? '/', 'http://localhost').pathname;
  } catch {
    return undefined;
  }
}

/**
 * Bolt's HTTPReceiver `dispatchErrorHandler`: Bolt decodes a custom route's parameters while matching, so a path
 * such as `/api/gates/%E0%A4%A` throws there, before any route runs, and Bolt answers an empty 500. A request on
 * the API's paths is handed to the API instead, which answers it in JSON (400 for the path); any other goes to
 * Bolt's own handler.
 */
export function ciDispatchErrorHandler(api: CiApi): (args: ReceiverDispatchErrorHandlerArgs) => void {
  return (args) => {
    const path = pathOf(args.request);
    if (!(args.error instanceof HTTPReceiverDeferredRequestError) && (path === undefined || api.owns(path)))
      return api.handle(args.request, args.response);
    return HTTPModuleFunctions.defaultDispatchErrorHandler(args);
  };
}

export interface ApiServer {
  port: number;
  close(): Promise<void>;
}

export async function startApiServer(api: CiApi, listen: { host: string; port: number }): Promise<ApiServer> {
  const server: Server = createServer((req, res) => {
    const path = pathOf(req);
    if (path === undefined || api.owns(path)) return api.handle(req, res); // the API answers a bad path in JSON
    res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ ok: false, error: 'not_found', message: `There is no ${path}.` }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : listen.port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
