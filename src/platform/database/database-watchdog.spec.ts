import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { Connection } from 'mongoose';
import { AppConfig } from '../../config/app-config';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DomainEvents } from '../events/domain-events';
import { DatabaseReachabilityChanged } from './database.events';
import { DatabaseWatchdog, HEARTBEAT_MS, type Probes, type Reconnect } from './database-watchdog';

function setup() {
  const client = new EventEmitter();
  const emitter = new EventEmitter2();
  const events = new DomainEvents(emitter);
  const reported: boolean[] = [];
  emitter.on(DatabaseReachabilityChanged.type, (event: DatabaseReachabilityChanged) =>
    reported.push(event.reachable),
  );
  const connection = { getClient: () => client } as unknown as Connection;
  const config = AppConfig.fromEnv({
    NODE_ENV: 'test',
    MONGODB_URI: 'mongodb://127.0.0.1:1/watchdog',
  });
  const watchdog = new DatabaseWatchdog(connection, config.database, config.server, events);
  watchdog.follow();
  const reconnect = jest.fn(() => Promise.resolve());
  return { client, watchdog, reconnect, reported, start: performance.now() };
}

const yes = () => Promise.resolve(true);
const no = () => Promise.resolve(false);
/** The database answers a fresh client; the service's own client is stuck. */
const stuck = { fresh: yes, current: no };
/** A real outage: nobody reaches the database. */
const outage = { fresh: no, current: no };
/** Both clients reach the database: the silence was something else. */
const healthy = { fresh: yes, current: yes };

describe('DatabaseWatchdog', () => {
  it('leaves a monitor alone while it reports heartbeats', async () => {
    const { client, watchdog, reconnect, start } = setup();
    client.emit('serverHeartbeatStarted');
    const probe = jest.fn(yes);
    expect(
      await watchdog.check(start + 2 * HEARTBEAT_MS, { fresh: probe, current: no }, reconnect),
    ).toBe(false);
    expect(probe).not.toHaveBeenCalled();
    expect(reconnect).not.toHaveBeenCalled();
  });

  /** Ticks every second up to `until`, as the watchdog's timer does; true if one reconnected. */
  async function tick(
    watchdog: DatabaseWatchdog,
    from: number,
    until: number,
    probes: Probes,
    reconnect: Reconnect,
  ): Promise<boolean> {
    let reconnected = false;
    for (let at = from + 1000; at <= until; at += 1000) {
      if (await watchdog.check(at, probes, reconnect)) reconnected = true;
    }
    return reconnected;
  }

  it('reconnects once the monitor is silent for three heartbeats, a fresh client gets through and its own does not', async () => {
    const { watchdog, reconnect, start } = setup();
    expect(await tick(watchdog, start, start + 3 * HEARTBEAT_MS + 1000, stuck, reconnect)).toBe(
      true,
    );
    expect(reconnect).toHaveBeenCalledTimes(1);
    // Silence is counted again from the reconnect.
    const after = performance.now();
    expect(await tick(watchdog, after, after + HEARTBEAT_MS, stuck, reconnect)).toBe(false);
    expect(reconnect).toHaveBeenCalledTimes(1);
  });

  it('leaves the connection alone when its own client still reaches the database', async () => {
    const { watchdog, reconnect, start } = setup();
    expect(await tick(watchdog, start, start + 5 * HEARTBEAT_MS, healthy, reconnect)).toBe(false);
    expect(reconnect).not.toHaveBeenCalled();
  });

  it('takes a stalled event loop for what it is: the silence starts again', async () => {
    const { watchdog, reconnect, start } = setup();
    // One tick, then nothing for 20 s (a blocked process), then the next tick.
    await watchdog.check(start + 1000, stuck, reconnect);
    expect(await watchdog.check(start + 21_000, stuck, reconnect)).toBe(false);
    expect(reconnect).not.toHaveBeenCalled();
    // Still silent on regular ticks afterwards: now it is the monitor.
    expect(
      await tick(watchdog, start + 21_000, start + 21_000 + 3 * HEARTBEAT_MS, stuck, reconnect),
    ).toBe(true);
  });

  it('does nothing during a real outage: the database does not answer a fresh client either', async () => {
    const { watchdog, reconnect, start } = setup();
    expect(await tick(watchdog, start, start + 10 * HEARTBEAT_MS, outage, reconnect)).toBe(false);
    expect(reconnect).not.toHaveBeenCalled();
  });

  it('reports the database gone when the monitor is silent and a fresh client cannot reach it (a hung server)', async () => {
    const { client, watchdog, reconnect, reported, start } = setup();
    client.emit('serverHeartbeatSucceeded');
    // The monitor's heartbeat waits on a server that answers nothing: silence, not a failure.
    expect(await tick(watchdog, start, start + 2 * HEARTBEAT_MS, outage, reconnect)).toBe(false);
    expect(reported).toEqual([]);
    expect(await tick(watchdog, start, start + 4 * HEARTBEAT_MS, outage, reconnect)).toBe(false);
    expect(reported).toEqual([false]);
    expect(reconnect).not.toHaveBeenCalled();
    // Its next heartbeat that succeeds says it is back.
    client.emit('serverHeartbeatSucceeded');
    expect(reported).toEqual([false, true]);
  });

  it('a failed heartbeat counts as the monitor working', async () => {
    const { client, watchdog, reconnect } = setup();
    await new Promise((resolve) => setTimeout(resolve, 5));
    client.emit('serverHeartbeatFailed');
    const now = performance.now();
    expect(await tick(watchdog, now, now + 2 * HEARTBEAT_MS, stuck, reconnect)).toBe(false);
    expect(reconnect).not.toHaveBeenCalled();
  });

  it('never reconnects once the app is shutting down', async () => {
    const { watchdog, reconnect, start } = setup();
    watchdog.onModuleDestroy();
    expect(await tick(watchdog, start, start + 10 * HEARTBEAT_MS, stuck, reconnect)).toBe(false);
    expect(reconnect).not.toHaveBeenCalled();
  });

  it('keeps watching after a reconnect that failed', async () => {
    const { watchdog, start } = setup();
    const failing = jest.fn(() => Promise.reject(new Error('server selection timed out')));
    expect(await tick(watchdog, start, start + 4 * HEARTBEAT_MS, stuck, failing)).toBe(false);
    expect(failing).toHaveBeenCalled();
    const working = jest.fn(() => Promise.resolve());
    expect(await watchdog.check(start + 4 * HEARTBEAT_MS + 1000, stuck, working)).toBe(true);
  });

  it('reports the database going and coming back, once per change (the database_up metric)', () => {
    const { client, reported } = setup();
    client.emit('serverHeartbeatSucceeded');
    client.emit('serverHeartbeatFailed');
    client.emit('serverHeartbeatFailed');
    client.emit('serverHeartbeatStarted');
    client.emit('serverHeartbeatSucceeded');
    expect(reported).toEqual([false, true]);
  });
});
