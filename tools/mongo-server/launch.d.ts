export interface MongoServerHandle {
  /** mongodb://127.0.0.1:<port>, without a database name. */
  uri: string;
  port: number;
  pid: number;
  /** SIGTERM, then waits for a clean exit (SIGKILL after 10 s). */
  stop: () => Promise<void>;
}

export function startMongoServer(options?: {
  port?: number;
  h2File?: string;
  startTimeoutMs?: number;
}): Promise<MongoServerHandle>;
