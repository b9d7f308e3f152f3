import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, ConnectOptions } from 'mongoose';
import { performance } from 'node:perf_hooks';
import { DatabaseConfig } from '../../config/sections/database.config';
import { ServerConfig } from '../../config/sections/server.config';
import { DomainEvents } from '../events/domain-events';
import { databaseUnreachable } from './database-preflight';
import { DatabaseReachabilityChanged } from './database.events';

/** How often the driver checks the server (`heartbeatFrequencyMS`); see connectionOptions. */
export const HEARTBEAT_MS = 2000;
/** Three heartbeats missed: the driver's server monitor has stopped. */
const SILENCE_MS = 3 * HEARTBEAT_MS;
const CHECK_EVERY_MS = 1000;

/** Reconnects when the database answers and the driver's server monitor has gone silent. */
export type Reconnect = () => Promise<void>;

/** The two questions asked before a reconnect; each resolves true when the database answers. */
export interface Probes {
  /** A fresh client of its own: is the database there at all? */
  fresh: () => Promise<boolean>;
  /** The service's own client: does it still reach the database? */
  current: () => Promise<boolean>;
}

/**
 * The MongoDB driver (7.x) can lose its server monitor for good: a heartbeat written on a socket
 * the database closed, just before the socket's `close` event, waits for a `drain` that never
 * comes (`Connection.writeCommand`), and the monitor, still "monitoring", never checks the server
 * again. Every request then fails server selection (answered 503) long after the database is
 * back, until the process restarts: seen in the fleet harness in about one database restart in
 * eight. The monitor otherwise reports a heartbeat (started, succeeded or failed) every
 * `HEARTBEAT_MS`, outages included, so silence is the sign. When the monitor has been silent for
 * `SILENCE_MS`, a fresh client reaches the database and the service's own client does not, the
 * connection is closed and opened again: a new driver client, new monitors; models and
 * collections follow the connection. Silence counts only while the watchdog's own timer keeps
 * time: a stalled event loop delays the heartbeats too, and is no reason to reconnect. A command
 * of the old client that was itself waiting for `drain` never settles once that client is closed:
 * its request is answered by the request deadline (platform/http/request-deadline.ts).
 */
@Injectable()
export class DatabaseWatchdog implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DatabaseWatchdog.name);
  private lastHeartbeat = performance.now();
  private lastTick = performance.now();
  private watched: object | undefined;
  private timer: NodeJS.Timeout | undefined;
  private checking = false;
  private stopped = false;
  /** What the last heartbeat said; the service started only once the database answered. */
  private reachable = true;

  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly database: DatabaseConfig,
    private readonly server: ServerConfig,
    private readonly events: DomainEvents,
  ) {}

  onApplicationBootstrap(): void {
    this.follow();
    this.timer = setInterval(() => void this.check(), CHECK_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** One round of the watch: exposed for the unit spec, which drives it without timers. */
  async check(
    now = performance.now(),
    probes: Probes = { fresh: () => this.freshClientAnswers(), current: () => this.pings() },
    reconnect: Reconnect = () => this.reconnect(),
  ): Promise<boolean> {
    const stalled = now - this.lastTick > 2 * CHECK_EVERY_MS;
    this.lastTick = now;
    if (stalled) this.lastHeartbeat = Math.max(this.lastHeartbeat, now - CHECK_EVERY_MS);
    if (this.stopped || this.checking || now - this.lastHeartbeat < SILENCE_MS) return false;
    this.checking = true;
    try {
      // A real outage keeps the monitor busy failing heartbeats, and a fresh client fails too;
      // a stuck monitor leaves the service's client failing while a fresh one gets through. A
      // server that holds its connections open and answers nothing (a hung primary) keeps the
      // monitor's heartbeat waiting for connectTimeoutMS (30 s): a fresh client that cannot
      // reach it either says it is gone now (database_up, and its alert), not half a minute on.
      if (!(await probes.fresh())) {
        if (!this.stopped) this.report(false);
        return false;
      }
      if (this.stopped) return false;
      if (await probes.current()) {
        this.lastHeartbeat = Math.max(now, performance.now());
        return false;
      }
      if (this.stopped) return false;
      this.logger.error(
        `The database driver has not checked the server for ${((now - this.lastHeartbeat) / 1000).toFixed(0)} s ` +
          'while the database answers: reconnecting',
      );
      await reconnect();
      this.lastHeartbeat = Math.max(now, performance.now());
      return true;
    } catch (error) {
      this.logger.error(`Reconnecting to the database failed: ${(error as Error).message}`);
      return false;
    } finally {
      this.checking = false;
    }
  }

  private async freshClientAnswers(): Promise<boolean> {
    return (await databaseUnreachable(this.database)) === undefined;
  }

  private async pings(): Promise<boolean> {
    try {
      await this.connection.getClient().db().command({ ping: 1 });
      return true;
    } catch {
      return false;
    }
  }

  private async reconnect(): Promise<void> {
    await this.connection.close();
    await this.connection.openUri(this.database.uri, connectionOptions(this.database, this.server));
    this.follow();
  }

  /** Tells the rest of the service (metrics) when the database comes and goes. */
  private report(reachable: boolean): void {
    if (reachable === this.reachable) return;
    this.reachable = reachable;
    this.events.emit(new DatabaseReachabilityChanged(reachable));
  }

  /** Follows the heartbeats of the connection's current driver client (at start, after a reconnect). */
  follow(): void {
    const client = this.connection.getClient();
    if (client === this.watched) return;
    this.watched = client;
    const seen = () => (this.lastHeartbeat = performance.now());
    client.on('serverHeartbeatStarted', seen);
    client.on('serverHeartbeatSucceeded', () => {
      seen();
      this.report(true);
    });
    client.on('serverHeartbeatFailed', () => {
      seen();
      this.report(false);
    });
    this.lastHeartbeat = performance.now();
  }
}

/** The driver settings of the service's connection (mongooseOptions adds Nest's own). */
export function connectionOptions(database: DatabaseConfig, server: ServerConfig): ConnectOptions {
  return {
    appName: 'proofgate',
    serverSelectionTimeoutMS: database.serverSelectionTimeoutMs,
    // Frequent enough for DatabaseWatchdog to tell a stopped monitor within seconds; a heartbeat
    // is one `hello` per server, not a command the application sends.
    heartbeatFrequencyMS: HEARTBEAT_MS,
    // Fail fast while the database is away (answered 503) instead of queueing requests.
    bufferCommands: false,
    // Indexes are created explicitly at start-up by the repositories that own them
    // (ensureIndexes), each once Mongoose has created its model's collection (its default, here
    // written out because ensureIndexes relies on it).
    autoIndex: false,
    autoCreate: true,
    // Command events: the round-trip budget tests and the write-concern checks read them. The
    // driver builds each event (a copy of the command and of the reply) whether or not anything
    // listens, about 80 µs of CPU per code exchange, so production, where nothing listens, has
    // none.
    monitorCommands: !server.isProduction,
  };
}
