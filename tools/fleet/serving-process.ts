/**
 * Which process of an instance serves a request. An instance of several workers (WORKERS) is one
 * port: its primary accepts each connection and hands it to a worker in turn (node:cluster's round
 * robin), so an answer alone does not say which worker gave it, nor whether a new worker serves
 * yet. The harness asks on a connection of its own and, before it closes, reads which process
 * holds the server's end of it (socketOwner).
 */
import { Agent, request } from 'node:http';
import { socketOwner } from './socket-owner';

/** One answer's time limit: a worker that does not answer this fast is not serving. */
const PROBE_TIMEOUT_MS = 3000;

/**
 * Of `pids`, the one that answered GET /health/live on a fresh connection to `port`; undefined
 * when none of them did (no answer, or another process holds the connection).
 */
export async function servingPid(
  port: number,
  pids: readonly number[],
): Promise<number | undefined> {
  // Keep-alive: the connection stays open after the answer, long enough to see who holds it.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    return await new Promise<number | undefined>((resolve) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/health/live', agent, timeout: PROBE_TIMEOUT_MS },
        (res) => {
          const clientPort = res.socket.localPort;
          res.resume();
          res.on('end', () =>
            resolve(clientPort === undefined ? undefined : socketOwner(port, clientPort, pids)),
          );
          res.on('error', () => resolve(undefined));
        },
      );
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(undefined));
      req.end();
    });
  } finally {
    agent.destroy();
  }
}
