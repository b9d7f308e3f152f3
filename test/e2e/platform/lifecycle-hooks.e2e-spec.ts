/**
 * Nest runs a provider's lifecycle hooks (onModuleInit, onApplicationBootstrap and the three of
 * shutdown) on each provider's value. An object that is the value of two providers, a class
 * provider handed on by a factory for instance, has its hooks run twice: the rate-limit store's
 * onModuleInit once did, at every start (its index created twice). A start of the service has no
 * such object, whichever rate-limit store it runs with.
 */
import { DiscoveryService, ModulesContainer } from '@nestjs/core';
import { createTestApp } from '../../support/test-app';

const HOOKS = [
  'onModuleInit',
  'onApplicationBootstrap',
  'onModuleDestroy',
  'beforeApplicationShutdown',
  'onApplicationShutdown',
] as const;

describe.each(['mongo', 'memory'])('lifecycle hooks, RATE_LIMIT_STORE=%s', (store) => {
  it('run once per object: no object with a hook is the value of two providers', async () => {
    const t = await createTestApp({ RATE_LIMIT_STORE: store });
    try {
      const discovery = new DiscoveryService(t.app.get(ModulesContainer));
      const providersOf = new Map<object, string[]>();
      let hooked = 0;
      for (const wrapper of [...discovery.getProviders(), ...discovery.getControllers()]) {
        // An alias (useExisting) is skipped by Nest's hooks, as here.
        if (wrapper.isAlias) continue;
        const value: unknown = wrapper.instance;
        if (typeof value !== 'object' || value === null) continue;
        const hooks = value as Partial<Record<(typeof HOOKS)[number], unknown>>;
        if (!HOOKS.some((hook) => typeof hooks[hook] === 'function')) continue;
        hooked += 1;
        const name = `${wrapper.host?.name ?? '?'}: ${String(wrapper.name)}`;
        providersOf.set(value, [...(providersOf.get(value) ?? []), name]);
      }
      // The check sees the service's providers with hooks (more than ten of them).
      expect(hooked).toBeGreaterThan(10);
      expect([...providersOf.values()].filter((names) => names.length > 1)).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
