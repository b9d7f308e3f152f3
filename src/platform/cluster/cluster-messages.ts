/** What a worker and the primary of a WORKERS instance say to each other over the IPC channel. */
export const METRICS_REQUEST = 'proofgate:instance-metrics-request';
export const METRICS_RESPONSE = 'proofgate:instance-metrics-response';

export interface MetricsRequest {
  readonly type: typeof METRICS_REQUEST;
  readonly id: number;
}

export interface MetricsResponse {
  readonly type: typeof METRICS_RESPONSE;
  readonly id: number;
  /** The instance's series in the Prometheus text format; absent when `error` says why. */
  readonly text?: string;
  readonly error?: string;
}
