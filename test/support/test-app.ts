import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { __resetOutOfContextForTests } from 'nestjs-pino/PinoLogger';
import request from 'supertest';
import { AppModule } from '../../src/app.module';
import { APP_OPTIONS, configureApp, httpAdapter } from '../../src/app.setup';
import { Clock } from '../../src/platform/clock/clock';
import { AppConfig } from '../../src/config/app-config';
import { AnswerCache } from '../../src/compare/answer-cache';
import { PasswordHasher } from '../../src/platform/crypto/password-hasher';
import { SigningKeyPairs } from '../../src/tokens/signing-keys/signing-key-pairs';
import { TestClock } from './test-clock';
import { TestPasswordHasher } from './test-password-hasher';
import { ReusedKeyPairs } from './reused-key-pairs';
import { freePort } from './processes';
import { ipIssuer } from './ip-issuer';
import { RegisteredRoute, recordRoutes } from './registered-routes';

export interface TestApp {
  app: NestFastifyApplication;
  http: () => ReturnType<typeof request>;
  clock: TestClock;
  config: AppConfig;
  connection: Connection;
  /** Every route the app registered with Fastify (its HEAD twins of GET routes aside). */
  routes: readonly RegisteredRoute[];
  /** Runs `hook` when the app closes, before its database is dropped (e.g. a context on it). */
  onClose: (hook: () => Promise<void>) => void;
  close: (options?: { dropDatabase?: boolean }) => Promise<void>;
}

/**
 * The comparison's answers computed on every request: specs read figures right after their own
 * traffic, which the real AnswerCache would serve up to ANSWER_MAX_AGE_MS old. A spec that tests
 * the cache itself asks for it (`cachedAnswers: true`).
 */
class ComputedEachTime extends AnswerCache {
  override answer<T>(_key: string, compute: () => Promise<T>): Promise<T> {
    return compute();
  }
}

/**
 * Nest's logger (nestjs-pino) writes through one logger per module registry, the first app's,
 * which would keep its log level and destination for every later app: each e2e folder shares one
 * registry (test/support/folder-suite.ts). The library's reset for tests makes it the newest app's.
 */
function newestAppLogs(): void {
  __resetOutOfContextForTests();
}

/**
 * Mongoose lists every connection it opened (`mongoose.connections`) until one is destroyed, and
 * Nest's shutdown only closes the app's: the closed connection, and through its driver client the
 * whole closed app (~3 MB), stayed reachable for the rest of the suite, each boot making the
 * worker's heap and every later full garbage collection larger. Once `closed` (a Nest app or
 * context) is closed, its connection is taken off the list (`destroy()` of a closed connection
 * does nothing else); the service's one app per process does not care.
 */
export function forgetConnection(closed: Pick<INestApplicationContext, 'get'>): void {
  let connection: Connection;
  try {
    connection = closed.get<Connection>(getConnectionToken());
  } catch {
    return; // A start that failed before its connection was made.
  }
  void connection.destroy().catch(() => undefined);
}

/**
 * Boots the real AppModule in-process against the test database of this file (see
 * test/setup/database-per-file.js), with the production HTTP setup and a controllable clock.
 */
export async function createTestApp(
  env: Record<string, string> = {},
  /**
   * Providers to replace, e.g. a stub RPC transport: `[[EthRpcTransports, stub]]` (after the
   * test clock and TestPasswordHasher, which these may replace too).
   */
  overrides: ReadonlyArray<readonly [abstract new (...args: never[]) => unknown, unknown]> = [],
  { cachedAnswers = false }: { cachedAnswers?: boolean } = {},
): Promise<TestApp> {
  // Silent unless a spec asks: LOG_LEVEL's default is `info` under NODE_ENV=production.
  const config = AppConfig.fromEnv({ LOG_LEVEL: 'silent', ...process.env, ...env });
  newestAppLogs();
  const clock = new TestClock();
  let builder = Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(AppConfig)
    .useValue(config)
    .overrideProvider(Clock)
    .useValue(clock)
    .overrideProvider(PasswordHasher)
    .useValue(new TestPasswordHasher())
    .overrideProvider(SigningKeyPairs)
    .useValue(new ReusedKeyPairs(config.database.uri));
  if (!cachedAnswers) {
    builder = builder.overrideProvider(AnswerCache).useValue(new ComputedEachTime(clock));
  }
  for (const [token, value] of overrides) builder = builder.overrideProvider(token).useValue(value);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(
    httpAdapter(config.server),
    APP_OPTIONS,
  );
  const routes = recordRoutes(app.getHttpAdapter().getInstance());
  configureApp(app);
  await app.init();
  // supertest talks to the Node server: Fastify must have registered its routes first.
  await app.getHttpAdapter().getInstance().ready();
  const stopListening = await listenForSupertest(app);
  const connection = app.get<Connection>(getConnectionToken());
  const closeHooks: Array<() => Promise<void>> = [];
  return {
    app,
    http: () => request(app.getHttpServer()),
    clock,
    config,
    connection,
    routes,
    onClose: (hook) => closeHooks.push(hook),
    close: async ({ dropDatabase = true } = {}) => {
      for (const hook of closeHooks.splice(0)) await hook();
      if (dropDatabase) await connection.dropDatabase().catch(() => undefined);
      await stopListening();
      await app.close();
      forgetConnection(app);
    },
  };
}

/**
 * The app's Node server listening on an ephemeral port of 127.0.0.1 for the spec's requests:
 * supertest, handed a server that is not listening, listens and closes again around every
 * request (~0.9 ms of CPU each, 2026-11-26), and a listening one it leaves alone (each request
 * still on a connection of its own: superagent sends without a pooling agent; see
 * docs/DEVELOPMENT.md#test-time). A spec that makes the app listen where it needs
 * (`t.app.listen(port, host)`) gets that: the ephemeral listener is closed first. Returns what
 * closes the ephemeral listener, which Nest's close would leave open (Fastify did not open it).
 */
async function listenForSupertest(app: NestFastifyApplication): Promise<() => Promise<void>> {
  const server = app.getHttpServer();
  const closeServer = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      // Kept-alive and unfinished requests too: the app is going away, or moving to its port.
      server.closeAllConnections();
    });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  let ephemeral = true;
  const listen = app.listen.bind(app);
  app.listen = (async (...args: Parameters<typeof app.listen>) => {
    if (ephemeral) {
      ephemeral = false;
      await closeServer();
    }
    return listen(...args);
  }) as typeof app.listen;
  return async () => {
    if (ephemeral) await closeServer();
  };
}

/**
 * Boots the real AppModule with `env` and returns why `init` failed (undefined when it started);
 * the app is closed either way, which createTestApp's caller could not do for a failed start.
 */
export async function startupFailure(env: Record<string, string>): Promise<unknown> {
  const config = AppConfig.fromEnv({ LOG_LEVEL: 'silent', ...process.env, ...env });
  newestAppLogs();
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(AppConfig)
    .useValue(config)
    .compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(httpAdapter(config.server), {
    ...APP_OPTIONS,
    logger: false,
  });
  try {
    await app.init();
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await app.close();
    forgetConnection(app);
  }
}

export interface ListeningApp {
  t: TestApp;
  /** The app's origin and ISSUER: http://<host>:<its port>. */
  issuer: string;
}

/**
 * Ports tried at the most, the first among them, by the two below. A port is free when chosen and
 * released until the app listens on it: another process (another worker's app listening on port
 * 0, an outgoing connection) may take it in between.
 */
const LISTEN_ATTEMPTS = 3;

/**
 * The app listening on a free port of 127.0.0.1, for clients that speak real HTTP (a client
 * library, a browser, a child process). `env`: the settings, or what makes them of the issuer.
 * `host`: the issuer's host name, 127.0.0.1 by default (then with the WebAuthn settings an IP
 * issuer needs, see ipIssuer); `localhost` where a page needs a domain (a WebAuthn RP ID). A port
 * taken before the app listens: the app is made again on another (its issuer names the port),
 * LISTEN_ATTEMPTS ports at the most. `ports`: where the ports come from (freePort; its spec hands
 * out a taken one).
 */
export async function startListeningApp(
  env: Record<string, string> | ((issuer: string) => Record<string, string>) = {},
  host: '127.0.0.1' | 'localhost' = '127.0.0.1',
  overrides: Parameters<typeof createTestApp>[1] = [],
  ports: () => Promise<number> = freePort,
): Promise<ListeningApp> {
  for (let attempt = 1; ; attempt++) {
    const port = await ports();
    const issuer = `http://${host}:${port}`;
    const t = await createTestApp(
      {
        ...(host === 'localhost' ? { ISSUER: issuer } : ipIssuer(issuer)),
        ...(typeof env === 'function' ? env(issuer) : env),
      },
      overrides,
    );
    try {
      await t.app.listen(port, '127.0.0.1');
      return { t, issuer };
    } catch (error) {
      await t.close();
      if (!portTaken(error) || attempt === LISTEN_ATTEMPTS) throw error;
    }
  }
}

/**
 * Makes `t` listen on a free port of `host` (127.0.0.1, or every address `localhost` names) and
 * returns the port: for an app whose issuer does not name that port (a second instance of one
 * issuer, an app whose clients come from other addresses). A taken port: the next,
 * LISTEN_ATTEMPTS ports at the most.
 */
export async function listenOnFreePort(
  t: TestApp,
  ports: () => Promise<number> = freePort,
  host: '127.0.0.1' | 'localhost' = '127.0.0.1',
): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const port = await ports();
    try {
      await t.app.listen(port, host);
      return port;
    } catch (error) {
      if (!portTaken(error) || attempt === LISTEN_ATTEMPTS) throw error;
    }
  }
}

/** Whether listening failed because another socket holds the port. */
function portTaken(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE';
}
