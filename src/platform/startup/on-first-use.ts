/**
 * A package the service loads the first time something needs it rather than at start, for what
 * only one configuration or a later request uses (the development mail catcher, the SMTP client,
 * a QR code, the RPC half of contract wallet checks): a start loads only what it serves with, and
 * `npm start`, a container's restart and every built service a test starts are that much shorter.
 * Never for what a hot path needs at once (a code exchange, an EOA's SIWE signature): there the
 * first request would pay the load.
 *
 *   const smtp = onFirstUse(() => import('smtp-server'));
 *   const { SMTPServer } = await smtp();
 *
 * The first call loads it; every later call gets the same module. A load that failed is tried
 * again on the next call. test/tooling/architecture.spec.ts holds the packages loaded this way to
 * it: no other import of them, but for their types.
 */
export function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () =>
    (loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    }));
}
