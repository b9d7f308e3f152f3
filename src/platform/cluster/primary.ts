import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import type pino from 'pino';
import type { ServerConfig } from '../../config/sections/server.config';
import { logDestination } from '../logging/log-destination';
import { processLogger } from '../logging/logging.module';
import { METRICS_REQUEST, METRICS_RESPONSE, type MetricsRequest } from './cluster-messages';

/** After the grace period, the workers' shutdown hooks (HttpDrain's 10 s) and a margin: SIGKILL. */
const STOP_MARGIN_MS = 15_000;
/** A replacement waits 1 s, doubled after each worker that died young, up to this. */
const MAX_RESPAWN_DELAY_MS = 30_000;
/** A worker that served this long resets the wait of the next replacement. */
const SETTLED_AFTER_MS = 60_000;

/**
 * The instance as several processes (WORKERS): this primary serves nothing itself. It forks the
 * workers, which share the listening socket (node:cluster), answers their requests for the
 * instance's metrics (each worker's registry summed, prom-client's AggregatorRegistry), replaces
 * a worker that dies, and on SIGTERM or SIGINT has every worker drain as one instance drains,
 * then exits. A worker that dies before all of the first ones listened ends the start: the others
 * are stopped and the primary exits 1 (the worker wrote why).
 */
export class ClusterPrimary {
  private readonly log: pino.Logger;
  private readonly aggregator = new AggregatorRegistry();
  private readonly listening = new Set<number>();
  private readonly startedAt = new Map<number, number>();
  private started = false;
  private stopping = false;
  private respawnDelayMs = 1000;
  private resolveExit!: (code: number) => void;
  /** The exit code of the instance, once every worker is gone. */
  readonly exited = new Promise<number>((resolve) => (this.resolveExit = resolve));

  constructor(
    private readonly server: ServerConfig,
    private readonly workers: number,
  ) {
    this.log = processLogger(server, logDestination(server)).child({
      context: 'Workers',
    });
  }

  start(): void {
    // The workers accept connections from the shared socket themselves. Node's default on Linux
    // (SCHED_RR) has the primary accept each one and hand it to a worker in turn; one handed to a
    // worker that had just died, before the primary saw it go, is neither answered nor closed:
    // the primary holds it until the client gives up (the fleet harness's worker kill hung one
    // for 45 s; test/e2e/platform/workers.e2e-spec.ts). Accepted by the workers, a connection the
    // dead worker held is reset as one to a killed instance is, and the others wait in the
    // socket's queue for a live worker.
    cluster.schedulingPolicy = cluster.SCHED_NONE;
    cluster.on('listening', (worker) => this.onListening(worker));
    cluster.on('exit', (worker, code, signal) => this.onExit(worker, code, signal));
    cluster.on('message', (worker, message: unknown) => this.onMessage(worker, message));
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => this.stop(signal, 0));
    }
    // One first: what a first start does once (indexes, the first signing key) is done by one
    // process, and a start that fails says why once; the others follow once it listens.
    this.fork();
  }

  private fork(): void {
    const worker = cluster.fork();
    this.startedAt.set(worker.id, Date.now());
  }

  private onListening(worker: Worker): void {
    this.listening.add(worker.id);
    if (!this.started && this.listening.size === 1) {
      for (let i = 1; i < this.workers; i++) this.fork();
    }
    if (this.started) {
      this.log.info(`Worker ${worker.id} (pid ${worker.process.pid}) listening`);
    } else if (this.listening.size === this.workers) {
      this.started = true;
      this.log.info(
        `${this.workers} workers listening on port ${this.server.port} (WORKERS=${String(this.server.workers)})`,
      );
    }
  }

  private onExit(worker: Worker, code: number | null, signal: string | null): void {
    const listened = this.listening.delete(worker.id);
    const servedMs = Date.now() - (this.startedAt.get(worker.id) ?? Date.now());
    this.startedAt.delete(worker.id);
    if (this.stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) this.resolveExit(this.exitCode);
      return;
    }
    const how = signal ? `signal ${signal}` : `code ${String(code)}`;
    if (!this.started) {
      this.log.error(
        `Worker ${worker.id} (pid ${worker.process.pid}) exited (${how}) before the instance started: stopping`,
      );
      this.stop('a worker that could not start', 1);
      return;
    }
    if (listened && servedMs >= SETTLED_AFTER_MS) this.respawnDelayMs = 1000;
    const delay = this.respawnDelayMs;
    this.respawnDelayMs = Math.min(this.respawnDelayMs * 2, MAX_RESPAWN_DELAY_MS);
    this.log.warn(
      `Worker ${worker.id} (pid ${worker.process.pid}) exited (${how}); starting another in ${delay / 1000} s`,
    );
    setTimeout(() => {
      if (!this.stopping) this.fork();
    }, delay).unref();
  }

  private exitCode = 0;

  /** Every worker drains (SIGTERM: HttpDrain); those left after the grace period are killed. */
  private stop(reason: string, exitCode: number): void {
    if (this.stopping) return;
    this.stopping = true;
    this.exitCode = exitCode;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
    if (workers.length === 0) {
      this.resolveExit(exitCode);
      return;
    }
    this.log.info(`${reason}: stopping ${workers.length} workers`);
    for (const worker of workers) worker.process.kill('SIGTERM');
    setTimeout(
      () => {
        for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
      },
      this.server.shutdownGraceSeconds * 1000 + STOP_MARGIN_MS,
    ).unref();
  }

  /** A worker's GET /metrics: the instance's series, every worker's summed. */
  private onMessage(worker: Worker, message: unknown): void {
    if (!isMetricsRequest(message)) return;
    const answer = (reply: { text?: string; error?: string }) => {
      if (worker.isConnected()) worker.send({ type: METRICS_RESPONSE, id: message.id, ...reply });
    };
    this.aggregator.clusterMetrics().then(
      (text) => answer({ text }),
      (error: Error) => answer({ error: error.message }),
    );
  }
}

function isMetricsRequest(message: unknown): message is MetricsRequest {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === METRICS_REQUEST &&
    typeof (message as { id?: unknown }).id === 'number'
  );
}
