import { TestApp, createTestApp } from './test-app';

export interface TwoInstances {
  a: TestApp;
  b: TestApp;
}

/**
 * Two instances of the app with the same `env` on one database, as a fleet runs them: started
 * before the tests of the block, closed after them (the database dropped once, by the last).
 * The object is filled in by the hooks: read it inside tests and hooks.
 */
export function useTwoInstances(env: Record<string, string>): TwoInstances {
  const apps = {} as TwoInstances;
  beforeAll(async () => {
    apps.a = await createTestApp(env);
    apps.b = await createTestApp(env);
  });
  afterAll(async () => {
    await apps.b.close({ dropDatabase: false });
    await apps.a.close();
  });
  return apps;
}
