/** Messages between the bench (parent) and the load-generator process (child), over IPC. */
import type { LatencySummary } from '../lib/stats';

export interface RequestSpec {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'OPTIONS';
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface RunCommand {
  readonly type: 'run';
  readonly id: number;
  readonly origin: string;
  readonly connections: number;
  readonly requests: readonly RequestSpec[];
  /** The status every response must have; others are counted as failures. */
  readonly expectStatus: number;
  /** JSON fields of each response to send back (in request order), e.g. tokens for the next phase. */
  readonly capture?: readonly string[];
  /**
   * Send back each answer's Location header instead (in request order, as `{ location }`): the
   * code of an authorization response, whose 302 or 303 carries it there and has no JSON body.
   */
  readonly captureLocation?: boolean;
  /**
   * A cheap GET sent once on every connection before the clock starts, so the measured requests
   * reuse open keep-alive connections and no connection setup is timed.
   */
  readonly warmPath: string;
}

export interface GoCommand {
  readonly type: 'go';
  readonly id: number;
}

export type ParentMessage = RunCommand | GoCommand | { readonly type: 'exit' };

export interface LoadResult {
  readonly requests: number;
  readonly elapsedMs: number;
  readonly rps: number;
  readonly latency: LatencySummary;
  /** Responses by status code, e.g. { "200": 1998, "429": 2 }. */
  readonly statuses: Readonly<Record<string, number>>;
  /** Requests that got the expected status. */
  readonly ok: number;
  /** Transport errors (no response). */
  readonly errors: number;
  /** A few unexpected answers or errors, for the failure message. */
  readonly samples: readonly string[];
  readonly captured?: readonly (Readonly<Record<string, unknown>> | null)[];
}

export type ChildMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'warmed'; readonly id: number }
  | { readonly type: 'result'; readonly id: number; readonly result: LoadResult }
  | { readonly type: 'failed'; readonly id: number; readonly error: string };
