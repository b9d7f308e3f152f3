/**
 * test/setup/async-contexts.js: an AsyncLocalStorage a spec ran (Playwright's zones) is disabled
 * when the spec file ends, so the promise hooks it installed do not tax every later spec of the
 * jest worker; a storage used again afterwards works again.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { releaseAsyncContexts } = require('../setup/async-contexts') as {
  releaseAsyncContexts: () => void;
};

/** What `storage` holds in a callback scheduled inside `run` and called once `between` ran. */
async function storeSeenLater(storage: AsyncLocalStorage<string>, between: () => void) {
  let seen: () => Promise<string | undefined> = () => Promise.resolve(undefined);
  storage.run('the spec', () => {
    const later = sleep(10).then(() => storage.getStore());
    seen = () => later;
  });
  between();
  return seen();
}

describe('releaseAsyncContexts', () => {
  it('leaves a storage that ran enabled until the release (the control)', async () => {
    const storage = new AsyncLocalStorage<string>();
    await expect(storeSeenLater(storage, () => undefined)).resolves.toBe('the spec');
    releaseAsyncContexts();
  });

  it('disables every storage that ran: its context is no longer carried', async () => {
    const storage = new AsyncLocalStorage<string>();
    await expect(storeSeenLater(storage, releaseAsyncContexts)).resolves.toBeUndefined();
  });

  it('covers enterWith as well as run', async () => {
    const storage = new AsyncLocalStorage<string>();
    const seen = await new Promise<string | undefined>((resolve) => {
      // A fresh async context of its own, which enterWith then marks.
      setImmediate(() => {
        storage.enterWith('entered');
        const later = sleep(10).then(() => storage.getStore());
        releaseAsyncContexts();
        void later.then(resolve);
      });
    });
    expect(seen).toBeUndefined();
  });

  it('lets a released storage run again', async () => {
    const storage = new AsyncLocalStorage<string>();
    storage.run('first', () => undefined);
    releaseAsyncContexts();
    await expect(storeSeenLater(storage, () => undefined)).resolves.toBe('the spec');
    releaseAsyncContexts();
  });
});
