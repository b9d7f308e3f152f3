import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { Connection } from 'mongoose';
import { AppConfig } from '../../config/app-config';
import { DatabaseWatchdog, HEARTBEAT_MS } from './database-watchdog';

function setup() {
  const client = new EventEmitter();
  const connection = { getClient: () => client } as unknown as Connection;
  const watchdog = new DatabaseWatchdog(connection, AppConfig.fromEnv({ NODE_ENV: 'test', MONGODB_URI: 'mongodb://127.0.0.1:1/watchdog' }));
  watchdog.follow();
  const reconnect = jest.fn(() => Promise.resolve());
  return { client, watchdog, reconnect, start: performance.now() };
}

const answers = () => Promise.resolve(true);
const unreachable = () => Promise.resolve(false);

describe('DatabaseWatchdog', () => {
  it('leaves a monitor alone while it reports heartbeats', async () => {
    const { client, watchdog, reconnect, start } = setup();
    client.emit('serverHeartbeatStarted');
    const probe = jest.fn(answers);
    expect(await watchdog.check(start + 2 * HEARTBEAT_MS, probe, reconnect)).toBe(false);
    expect(probe).not.toHaveBeenCalled();
    expect(reconnect).not.toHaveBeenCalled();
  });

  it('reconnects once the monitor is silent for three heartbeats while the database answers', async () => {
    const { watchdog, reconnect, start } = setup();
    expect(await watchdog.check(start + 3 * HEARTBEAT_MS + 100, answers, reconnect)).toBe(true);
    expect(reconnect).toHaveBeenCalledTimes(1);
    // Silence is counted again from the reconnect.
    expect(await watchdog.check(performance.now() + HEARTBEAT_MS, answers, reconnect)).toBe(false);
    expect(reconnect).toHaveBeenCalledTimes(1);
  });

  it('does nothing during a real outage: the database does not answer a fresh client either', async () => {
    const { watchdog, reconnect, start } = setup();
    expect(await watchdog.check(start + 10 * HEARTBEAT_MS, unreachable, reconnect)).toBe(false);
    expect(reconnect).not.toHaveBeenCalled();
  });

  it('a failed heartbeat counts as the monitor working', async () => {
    const { client, watchdog, reconnect } = setup();
    await new Promise((resolve) => setTimeout(resolve, 5));
    client.emit('serverHeartbeatFailed');
    expect(await watchdog.check(performance.now() + 2 * HEARTBEAT_MS, answers, reconnect)).toBe(false);
    expect(reconnect).not.toHaveBeenCalled();
  });

  it('never reconnects once the app is shutting down', async () => {
    const { watchdog, reconnect, start } = setup();
    watchdog.onModuleDestroy();
    expect(await watchdog.check(start + 10 * HEARTBEAT_MS, answers, reconnect)).toBe(false);
    expect(reconnect).not.toHaveBeenCalled();
  });

  it('keeps watching after a reconnect that failed', async () => {
    const { watchdog, start } = setup();
    const failing = jest.fn(() => Promise.reject(new Error('server selection timed out')));
    expect(await watchdog.check(start + 10 * HEARTBEAT_MS, answers, failing)).toBe(false);
    const working = jest.fn(() => Promise.resolve());
    expect(await watchdog.check(start + 11 * HEARTBEAT_MS, answers, working)).toBe(true);
  });
});
