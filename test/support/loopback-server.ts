import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Starts `server` on a free port of 127.0.0.1: its origin, `http://127.0.0.1:<port>`. */
export async function listenOnLoopback(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Stops `server` listening; resolves once its open connections have ended. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * A client's web site on 127.0.0.1 publishing JSON documents (client ID metadata documents,
 * RFC 7591 metadata): each path of `documents` answers its document, any other path 404.
 */
export class JsonDocumentSite {
  readonly documents = new Map<string, unknown>();
  private readonly server = createServer((req, res) => {
    const document = this.documents.get(req.url ?? '');
    if (document === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(document));
  });

  /** Starts the site: its origin. */
  listen(): Promise<string> {
    return listenOnLoopback(this.server);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return closeServer(this.server);
  }
}
