/**
 * examples/spa/serve.mjs as its specs run it: a process of its own on a port of 127.0.0.1, with
 * the settings the example reads (PROOFGATE_URL, SPA_PORT, SPA_CLIENT_ID, SPA_API) or `--port`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { exitOf, printed, statusOf } from './processes';

export const SPA_EXAMPLE_SCRIPT = join(__dirname, '..', '..', 'examples', 'spa', 'serve.mjs');

/**
 * Starts the example and waits until it says it serves its page at `port` (within 15 s): the
 * process, to stop with stopSpaExample. Its own line first, not an answer on the port, which
 * another process may have taken since the port was chosen (the example then exits); then its page
 * answers 200. A start that exits, never says so or does not serve fails the calling test, stopped.
 */
export async function startSpaExample(
  port: number,
  env: Record<string, string>,
  args: readonly string[] = [],
): Promise<ChildProcess> {
  const spa = spawn(process.execPath, [SPA_EXAMPLE_SCRIPT, ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ready = await printed(spa, `SPA example on http://127.0.0.1:${port}/ `, 15_000);
  try {
    expect({ ...ready, exited: spa.exitCode }).toMatchObject({ printed: true, exited: null });
    // It said so, then serves its page.
    expect(await statusOf(`http://127.0.0.1:${port}/`)).toBe(200);
  } catch (error) {
    await stopSpaExample(spa);
    throw error;
  }
  return spa;
}

/** Stops the example if it still runs, and waits for it to exit. */
export async function stopSpaExample(spa: ChildProcess | undefined): Promise<void> {
  if (spa === undefined || spa.exitCode !== null) return;
  spa.kill('SIGTERM');
  await exitOf(spa);
}
