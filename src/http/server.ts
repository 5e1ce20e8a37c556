/**
 * The CI API's own HTTP server, for Socket Mode (where Bolt listens on no port). In HTTP mode the API shares
 * Bolt's server instead, as custom routes (see `ciRoutes`).
 */
import { createServer, type Server } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
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

export interface ApiServer {
  port: number;
  close(): Promise<void>;
}

export async function startApiServer(api: CiApi, listen: { host: string; port: number }): Promise<ApiServer> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (api.owns(path)) return api.handle(req, res);
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
