/**
 * printed() (test/support/processes.ts): the examples' specs wait for an example's own ready line,
 * not for an answer on its port, which another process may have taken since it was chosen.
 */
import { spawn } from 'node:child_process';
import { exitOf, printed } from '../support/processes';

function node(script: string) {
  return spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
}

it('is true once the process prints the line, while it runs on', async () => {
  const child = node(
    "process.stdout.write('Example on http://127.0.0.1:1 ready\\n'); setInterval(() => {}, 1000)",
  );
  try {
    const ready = await printed(child, 'Example on http://127.0.0.1:1 ', 10_000);
    expect(ready).toEqual({ printed: true, output: 'Example on http://127.0.0.1:1 ready\n' });
    expect(child.exitCode).toBeNull();
  } finally {
    child.kill();
    await exitOf(child);
  }
});

it('is false, with what it printed, when the process exits without the line (a port taken)', async () => {
  const child = node(
    "console.error('Error: listen EADDRINUSE: address already in use 127.0.0.1:1'); process.exit(1)",
  );
  const ready = await printed(child, 'Example on http://127.0.0.1:1 ', 10_000);
  expect(ready.printed).toBe(false);
  expect(ready.output).toContain('EADDRINUSE');
  expect(await exitOf(child)).toBe(1);
});

it('is false when the line comes after the time given', async () => {
  const child = node("setTimeout(() => console.log('Example on http://127.0.0.1:1 '), 3000)");
  try {
    expect((await printed(child, 'Example on http://127.0.0.1:1 ', 500)).printed).toBe(false);
  } finally {
    child.kill();
    await exitOf(child);
  }
});
