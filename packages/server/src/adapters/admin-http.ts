// The admin port: a small node:http server for ZooKeeper's AdminServer URLs (`/commands`,
// `/commands/<name>`) and Prometheus' `/metrics`. What each URL answers comes from the
// handlers; this file only speaks HTTP. GET only, as the read-only commands are.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../runtime/env.js';

export interface AdminHttpHandlers {
  /** `/commands/<name>` (the JSON text), or `/commands` with name null. */
  command(name: string | null): string;
  metrics(): Promise<{ contentType: string; text: string }>;
}

export interface AdminHttpServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function listenAdminHttp(
  handlers: AdminHttpHandlers,
  options: { host: string; port: number; log: Logger },
): Promise<AdminHttpServer> {
  const server = createServer((request, response) => {
    answer(handlers, request, response).catch((error: unknown) => {
      options.log.warn(`admin ${request.url ?? ''}: ${String(error)}`);
      send(response, 500, 'text/plain', 'internal error\n');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function answer(
  handlers: AdminHttpHandlers,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    send(response, 405, 'text/plain', 'only GET\n');
    return;
  }
  const path = new URL(request.url ?? '/', 'http://admin').pathname.replace(/\/+$/, '');
  if (path === '/metrics') {
    const { contentType, text } = await handlers.metrics();
    send(response, 200, contentType, text);
    return;
  }
  const match = /^\/commands(?:\/([^/]+))?$/.exec(path);
  if (match === null) {
    send(response, 404, 'text/plain', 'not found: try /commands or /metrics\n');
    return;
  }
  const name = match[1] === undefined ? null : decodeURIComponent(match[1]);
  send(response, 200, 'application/json', handlers.command(name));
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'content-type': type });
  response.end(body);
}
