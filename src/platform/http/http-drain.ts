import { Injectable, Logger } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import type { HttpRequest, HttpResponse } from './http-exchange';
import type { RequestStep } from './in-sequence';
import type { Server } from 'node:http';

/** Responses the drain told to close their connection. */
const closedByDrain = new WeakSet<object>();

/** Whether the drain set this response's `Connection: close`. */
export function closingForDrain(res: object): boolean {
  return closedByDrain.has(res);
}

/** After the grace period and the app's own shutdown hooks, the process exits regardless. */
const HOOKS_TIMEOUT_MS = 10_000;

/**
 * A stop that finishes what it started. Node's `server.close()` only refuses new connections and
 * closes the idle ones: a client (or load balancer) that keeps a keep-alive connection busy is
 * answered forever, the process never exits, and the orchestrator's SIGKILL then cuts redemptions
 * already written (a code spent, a refresh rotated) whose answers never leave. So on SIGTERM:
 * stop listening, answer every further request with `Connection: close` (the client reconnects
 * elsewhere; at most one more request per open connection), report not ready, and cut whatever is
 * left after `SHUTDOWN_GRACE_SECONDS`. Only then do the app's shutdown hooks run (figures flushed,
 * database closed), so no request in flight loses its database.
 */
@Injectable()
export class HttpDrain {
  private readonly logger = new Logger(HttpDrain.name);
  private stopping: Promise<void> | undefined;

  /** True from the signal on: readiness answers 503, responses close their connection. */
  get draining(): boolean {
    return this.stopping !== undefined;
  }

  /** A step of the request pipeline: while draining, no connection is kept alive. */
  closeConnectionsWhileDraining(): RequestStep<HttpRequest, HttpResponse> {
    return (_req, res, next) => {
      if (this.draining) {
        res.header('Connection', 'close');
        closedByDrain.add(res);
      }
      next();
    };
  }

  /** SIGTERM and SIGINT stop the app through `stop`, once; the process then exits. */
  stopOnSignals(app: INestApplication, graceMs: number): void {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        void this.stop(app, graceMs, signal).then(
          () => process.exit(0),
          (error: unknown) => {
            this.logger.error(`Shutdown failed: ${(error as Error).message}`);
            process.exit(1);
          },
        );
      });
    }
  }

  /** Drains HTTP for at most `graceMs`, then closes the app (its shutdown hooks). */
  stop(app: INestApplication, graceMs: number, signal = 'SIGTERM'): Promise<void> {
    this.stopping ??= this.drainThenClose(app, graceMs, signal);
    return this.stopping;
  }

  private async drainThenClose(app: INestApplication, graceMs: number, signal: string) {
    this.logger.log(`${signal}: draining connections (at most ${graceMs / 1000} s)`);
    const startedAt = Date.now();
    const cut = await drain(app.getHttpServer() as Server, graceMs);
    this.logger.log(
      `Connections drained in ${((Date.now() - startedAt) / 1000).toFixed(1)} s` +
        (cut ? ', the last ones cut at the end of the grace period' : ''),
    );
    const hooks = app.close();
    const timeout = new Promise<never>((_, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`shutdown hooks still running after ${HOOKS_TIMEOUT_MS} ms`)),
        HOOKS_TIMEOUT_MS,
      );
      timer.unref();
    });
    await Promise.race([hooks, timeout]);
  }
}

/**
 * Stops accepting connections, closes the idle ones and waits for the others to end (each closes
 * after its current response, which carries `Connection: close`). After `graceMs` the remaining
 * ones are destroyed. Resolves true when some had to be.
 */
export async function drain(server: Server, graceMs: number): Promise<boolean> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  let cut = false;
  const timer = setTimeout(() => {
    cut = true;
    server.closeAllConnections();
  }, graceMs);
  await closed;
  clearTimeout(timer);
  return cut;
}
