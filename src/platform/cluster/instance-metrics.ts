import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';
import {
  METRICS_REQUEST,
  METRICS_RESPONSE,
  type MetricsRequest,
  type MetricsResponse,
} from './cluster-messages';

/** The primary answers within prom-client's own 5 s for the workers' parts, and a margin. */
const ANSWER_TIMEOUT_MS = 6_000;

let nextId = 0;

/** Whether this process is a worker of a WORKERS instance (node:cluster). */
export function isClusterWorker(): boolean {
  return cluster.isWorker;
}

/**
 * In a worker: `registry` is what this worker gives when the primary gathers the instance's
 * series (prom-client answers the primary's requests on the IPC channel from now on).
 */
export function shareWithPrimary(registry: Registry): void {
  AggregatorRegistry.setRegistries([registry]);
  // The constructor adds prom-client's listener for the primary's requests, once per process.
  new AggregatorRegistry();
}

/**
 * In a worker: the instance's series, every worker's summed (gauges by their own aggregator),
 * in the Prometheus text format, as the primary gathers them.
 */
export function instanceMetrics(): Promise<string> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const onMessage = (message: MetricsResponse) => {
      if (message?.type !== METRICS_RESPONSE || message.id !== id) return;
      done();
      if (message.text !== undefined) resolve(message.text);
      else reject(new Error(message.error ?? 'the primary gave no metrics'));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`the primary gave no metrics within ${ANSWER_TIMEOUT_MS / 1000} s`));
    }, ANSWER_TIMEOUT_MS);
    const done = () => {
      clearTimeout(timer);
      process.off('message', onMessage);
    };
    process.on('message', onMessage);
    process.send?.({ type: METRICS_REQUEST, id } satisfies MetricsRequest);
  });
}
