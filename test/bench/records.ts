import type { PhaseRecord } from '../../bench/lib/results';

/** A measured phase of `rps` requests per second, with `trips` database round trips in all. */
export function record(
  key: PhaseRecord['key'],
  round: number,
  rps: number,
  trips = 0,
): PhaseRecord {
  return {
    key,
    round,
    load: {
      requests: 10,
      elapsedMs: 1000,
      rps,
      latency: { count: 10, mean: 1, p50: rps / 10, p90: 1, p99: rps / 5, max: 1 },
      statuses: { '200': 10 },
      ok: 10,
      errors: 0,
      samples: [],
    },
    trips: { total: trips, byCommand: trips ? { find: trips } : {}, monitoring: 0, oneWay: 0 },
  };
}
