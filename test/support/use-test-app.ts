import { type TestApp, createTestApp } from './test-app';

/**
 * The app of a describe block, booted by createTestApp in the block's beforeAll and closed in its
 * afterAll: what every spec that needs one app for its tests wrote as a `let`, two hooks and an
 * assignment. What it returns stands for that app once the block runs (`t.http()`, `t.clock`,
 * `t.config`, ...); before then it has none to stand for.
 */
export function useTestApp(...args: Parameters<typeof createTestApp>): TestApp {
  let current: TestApp | undefined;
  beforeAll(async () => {
    current = await createTestApp(...args);
  });
  afterAll(() => current?.close());
  const booted = (): TestApp => {
    if (current === undefined) throw new Error('The app boots in beforeAll: use it from a test');
    return current;
  };
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
    close: (options) => booted().close(options),
  };
}
