import { readFileSync, readdirSync } from 'node:fs';
import { type TestApp, createTestApp, startListeningApp } from './test-app';
import { mongo } from 'mongoose';
import { startMongoServer } from '../../tools/mongo-server/launch';

/**
 * What a describe block boots in its beforeAll and closes in its afterAll; the function returned
 * gives it to the block's tests (and throws if called before the block runs).
 */
export function useBooted<T>(boot: () => Promise<T>, close: (booted: T) => Promise<void>): () => T {
  let current: T | undefined;
  beforeAll(async () => {
    current = await boot();
  });
  afterAll(async () => {
    if (current !== undefined) await close(current);
  });
  return () => {
    if (current === undefined) throw new Error('The app boots in beforeAll: use it from a test');
    return current;
  };
}

/** A TestApp that stands for the one `booted` gives once the block runs. */
export function bootedTestApp(booted: () => TestApp): TestApp {
  return {
    get app() {
      return booted().app;
    },
    http: () => booted().http(),
    get clock() {
      return booted().clock;
    },
    get config() {
      return booted().config;
    },
    get connection() {
      return booted().connection;
    },
    get routes() {
      return booted().routes;
    },
    onClose: (hook) => booted().onClose(hook),
    close: (options) => booted().close(options),
  };
}

/**
 * The app of a describe block, booted by createTestApp in the block's beforeAll and closed in its
 * afterAll: what every spec that needs one app for its tests wrote as a `let`, two hooks and an
 * assignment. What it returns stands for that app once the block runs (`t.http()`, `t.clock`,
 * `t.config`, ...); before then it has none to stand for.
 */
export function useTestApp(...args: Parameters<typeof createTestApp>): TestApp {
  return bootedTestApp(
    useBooted(
      () => createTestApp(...args),
      (t) => t.close(),
    ),
  );
}

/** A TestApp listening on a real port, with its origin. */
export interface ListeningTestApp extends TestApp {
  /** The app's origin and ISSUER: http://<host>:<its port>. */
  readonly issuer: string;
}

/**
 * useTestApp for clients that speak real HTTP (a client library, a browser, a child process): the
 * block's app listens as startListeningApp makes it, and `t.issuer` is its origin.
 */
export function useListeningApp(...args: Parameters<typeof startListeningApp>): ListeningTestApp {
  const booted = useBooted(
    () => startListeningApp(...args),
    ({ t }) => t.close(),
  );
  return Object.defineProperty(
    bootedTestApp(() => booted().t),
    'issuer',
    {
      get: () => booted().issuer,
      enumerable: true,
    },
  ) as ListeningTestApp;
}

/**
 * Waits until a database server just started answers a command, with time to spare: a fresh
 * server's first answers can take longer than the 500 ms the app below is given on a loaded
 * machine, and the app's own start should not be the one to find that out.
 */
async function answering(uri: string): Promise<void> {
  const client = new mongo.MongoClient(uri, { serverSelectionTimeoutMS: 30_000 });
  try {
    await client.db('admin').command({ ping: 1 });
  } finally {
    await client.close();
  }
}

/**
 * SIGSTOPs `pid` and resolves once each of its threads is stopped (each task's stat under /proc
 * state T): a thread busy in the kernel (a file write under load) stops only when it returns.
 */
async function stopped(pid: number): Promise<void> {
  process.kill(pid, 'SIGSTOP');
  const deadline = Date.now() + 10_000;
  for (;;) {
    const tasks = readdirSync(`/proc/${pid}/task`);
    const states = tasks.map((task) => {
      const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    });
    if (states.every((state) => state === 'T' || state === 't')) return;
    if (Date.now() > deadline)
      throw new Error(`database server ${pid} not stopped: ${states.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A TestApp on a database server of its own, which its tests may stop and start again. */
export interface AppWithOwnDatabase extends TestApp {
  stopDatabase(): Promise<void>;
  /**
   * Freezes the database server (SIGSTOP): its connections stay open and nothing answers, as a
   * hung primary's; `resumeDatabase` lets it go on (SIGCONT).
   */
  pauseDatabase(): Promise<void>;
  resumeDatabase(): void;
  /** Starts the database server again, on the port the app knows. */
  restartDatabase(): Promise<void>;
}

/**
 * useTestApp for tests of a database outage: the block's app talks to a server of its own (its
 * database `database`, and `env` over the defaults), so stopping it disturbs no other test file;
 * the app gives up on the server after 500 ms. Both are stopped after the block, the database left as it is.
 */
export function useAppWithOwnDatabase(
  database: string,
  env: Record<string, string> = {},
): AppWithOwnDatabase {
  const booted = useBooted(
    async () => {
      const server = { current: await startMongoServer() };
      await answering(server.current.uri);
      const t = await createTestApp({
        ...env,
        MONGODB_URI: `${server.current.uri}/${database}`,
        MONGODB_SERVER_SELECTION_TIMEOUT_MS: '500',
      });
      return { t, server };
    },
    async ({ t, server }) => {
      await t.close({ dropDatabase: false });
      await server.current.stop();
    },
  );
  return Object.assign(
    bootedTestApp(() => booted().t),
    {
      stopDatabase: () => booted().server.current.stop(),
      pauseDatabase: () => stopped(booted().server.current.pid),
      resumeDatabase: () => process.kill(booted().server.current.pid, 'SIGCONT'),
      restartDatabase: async () => {
        const { server } = booted();
        server.current = await startMongoServer({ port: server.current.port });
      },
    },
  );
}
