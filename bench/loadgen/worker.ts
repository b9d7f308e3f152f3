/**
 * The load generator: a process of its own, so its CPU is not the measured server's. It runs a
 * closed loop: `connections` keep-alive connections (undici Pool, no pipelining), each sending
 * its next request as soon as the previous answer is read. Every request is prepared by the
 * parent beforehand (codes, verifiers, signed messages), so here there is only HTTP.
 */
import { Pool } from 'undici';
import { summarize } from '../lib/stats';
import type { ChildMessage, LoadResult, ParentMessage, RunCommand } from './protocol';

const MAX_SAMPLES = 5;

function send(message: ChildMessage): void {
  process.send?.(message);
}

function pick(text: string, fields: readonly string[]): Record<string, unknown> | null {
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    return Object.fromEntries(fields.map((f) => [f, parsed[f]]));
  } catch {
    return null;
  }
}

let pendingGo: ((value: void) => void) | undefined;

async function run(command: RunCommand): Promise<LoadResult> {
  const { requests, connections, expectStatus, capture, captureLocation } = command;
  const pool = new Pool(command.origin, {
    connections,
    pipelining: 1,
    headersTimeout: 60_000,
    bodyTimeout: 60_000,
    keepAliveTimeout: 60_000,
  });
  try {
    // Open every connection before the clock starts.
    await Promise.all(
      Array.from({ length: connections }, async () => {
        const res = await pool.request({ method: 'GET', path: command.warmPath });
        await res.body.text();
      }),
    );
    const go = new Promise<void>((resolve) => (pendingGo = resolve));
    send({ type: 'warmed', id: command.id });
    await go;

    const latencies = new Float64Array(requests.length);
    const captured: (Record<string, unknown> | null)[] | undefined =
      capture || captureLocation ? [] : undefined;
    const statuses: Record<string, number> = {};
    const samples: string[] = [];
    let ok = 0;
    let errors = 0;
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: Math.min(connections, requests.length) }, async () => {
        for (let i = next++; i < requests.length; i = next++) {
          const spec = requests[i];
          const t0 = performance.now();
          try {
            const res = await pool.request({
              method: spec.method,
              path: spec.path,
              headers: spec.headers,
              body: spec.body,
            });
            const text = await res.body.text();
            latencies[i] = performance.now() - t0;
            const status = String(res.statusCode);
            statuses[status] = (statuses[status] ?? 0) + 1;
            if (res.statusCode === expectStatus) ok++;
            else if (samples.length < MAX_SAMPLES) samples.push(`${status} ${text.slice(0, 300)}`);
            if (captured) {
              const location = res.headers.location;
              captured[i] =
                res.statusCode !== expectStatus
                  ? null
                  : captureLocation
                    ? { location: typeof location === 'string' ? location : undefined }
                    : pick(text, capture!);
            }
          } catch (error) {
            latencies[i] = performance.now() - t0;
            errors++;
            if (captured) captured[i] = null;
            if (samples.length < MAX_SAMPLES) {
              samples.push(`error ${error instanceof Error ? error.message : String(error)}`);
            }
          }
        }
      }),
    );
    const elapsedMs = performance.now() - started;
    return {
      requests: requests.length,
      elapsedMs,
      rps: (requests.length / elapsedMs) * 1000,
      latency: summarize(Array.from(latencies)),
      statuses,
      ok,
      errors,
      samples,
      ...(captured ? { captured } : {}),
    };
  } finally {
    await pool.close();
  }
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'go') {
    pendingGo?.();
    pendingGo = undefined;
    return;
  }
  if (message.type === 'exit') {
    process.exit(0);
  }
  run(message).then(
    (result) => send({ type: 'result', id: message.id, result }),
    (error: unknown) =>
      send({
        type: 'failed',
        id: message.id,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }),
  );
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
