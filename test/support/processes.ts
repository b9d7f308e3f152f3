import { ChildProcess } from 'node:child_process';

// The harness's own (bench/, tools/ use them too): one free-port and one status check for all.
export { freePort, statusOf } from '../../bench/lib/processes';

/** Polls `probe` until it returns a value `done` accepts, or the deadline passes. */
export async function waitFor<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

export function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}
