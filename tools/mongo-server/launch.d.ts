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
  /**
   * Period of the TTL monitor, which deletes TTL-expired documents as mongod does. Defaults to
   * PROOFGATE_TTL_MONITOR_SECONDS, else 60 (mongod's); 0 turns it off.
   */
  ttlMonitorSeconds?: number;
  /**
   * The JVM's optimising compiler (C2) too, for a database under sustained load: the benchmarks.
   * Without it (tests, `npm start`), C1 only, which costs a short-lived database less CPU.
   */
  optimisingCompiler?: boolean;
}): Promise<MongoServerHandle>;
