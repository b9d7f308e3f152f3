import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { Socket } from 'node:net';

/** Node's own idle time for a keep-alive connection between two requests. */
const KEEP_ALIVE_MS = 5000;

/**
 * How often Node looks for connections past their header or request timeout. Its default, 30 s,
 * lets a connection outlive its timeout by up to that much (a 60 s header timeout held a
 * trickling client ~82 s); a look at every open connection once a second costs next to nothing.
 */
const TIMEOUT_CHECK_INTERVAL_MS = 1000;

/** How long a client may hold a connection of ours, and how many it may hold. */
export interface ConnectionLimits {
  /** Node's `headersTimeout`: a request's head must be in by then (else 408, closed). */
  readonly headersTimeoutMs: number;
  /** Node's `requestTimeout`: the whole request, head and body, must be in by then (else 408). */
  readonly requestTimeoutMs: number;
  /** Node's `keepAliveTimeout`: an idle connection between two requests is closed after it. */
  readonly keepAliveTimeoutMs: number;
  /** Node's `connectionsCheckingInterval`: how late a timeout above may be noticed. */
  readonly timeoutCheckIntervalMs: number;
  /** `server.maxConnections`: a connection past it is closed as soon as it is accepted. */
  readonly maxConnections: number;
}

/**
 * The limits of the HTTP server, from REQUEST_TIMEOUT_SECONDS and MAX_CONNECTIONS. A client gets
 * REQUEST_TIMEOUT_SECONDS to send its request (headers and body: bodies are at most 16 KiB), as
 * the service gets it to answer (platform/http/request-deadline.ts), so a client that trickles
 * its headers, or sends nothing, or never finishes its body (slowloris) gives its connection back
 * after about that long. Idle keep-alive connections are closed after Node's 5 s, or sooner when
 * REQUEST_TIMEOUT_SECONDS is shorter. No socket inactivity timeout (`server.timeout`): it would
 * also cut a streamed answer that pauses (a lab run), and the deadline already bounds ours.
 */
export function connectionLimits(server: {
  readonly requestTimeoutSeconds: number;
  readonly maxConnections: number;
}): ConnectionLimits {
  const requestTimeoutMs = server.requestTimeoutSeconds * 1000;
  return {
    headersTimeoutMs: requestTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: Math.min(KEEP_ALIVE_MS, requestTimeoutMs),
    timeoutCheckIntervalMs: TIMEOUT_CHECK_INTERVAL_MS,
    maxConnections: server.maxConnections,
  };
}

type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * The instance's HTTP server, made with `limits` (Fastify's `serverFactory`). Fastify, left to
 * make its own, listens on a host name (HOST=localhost) at each address the name resolves to,
 * the second with a server of its own that no `maxConnections` set here reaches; given a server,
 * it listens with that one only, at the first address (Fastify 5's `multipleBindings`). Should it
 * ever make a second one all the same, it makes it with this factory, and every server the
 * factory makes shares one count: each connection the instance accepts counts against
 * MAX_CONNECTIONS, on whichever server it arrives. (`::` or `0.0.0.0` listens on every interface
 * with one server.)
 */
export function limitedServer(limits: ConnectionLimits): (handler: RequestHandler) => Server {
  let open = 0;
  return (handler) => {
    const server = createServer(
      {
        headersTimeout: limits.headersTimeoutMs,
        requestTimeout: limits.requestTimeoutMs,
        connectionsCheckingInterval: limits.timeoutCheckIntervalMs,
      },
      handler,
    );
    server.keepAliveTimeout = limits.keepAliveTimeoutMs;
    // Node's own cap closes a connection before anything runs for it: exact with one server.
    server.maxConnections = limits.maxConnections;
    // Before the HTTP parser is attached: a connection past the shared cap is closed unread.
    server.prependListener('connection', (socket: Socket) => {
      if (open >= limits.maxConnections) {
        socket.destroy();
        return;
      }
      open += 1;
      socket.once('close', () => (open -= 1));
    });
    return server;
  };
}
