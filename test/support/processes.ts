import { ChildProcess, type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { join } from 'node:path';

// The harness's own (bench/, tools/ use them too): one free-port and one status check for all.
export { freePort, freePorts, statusOf } from '../../bench/lib/processes';

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

/**
 * Waits until `child` (its output piped) has printed `line`, has exited, or `timeoutMs` have
 * passed: whether it printed the line, and all it printed since this call. For a server's start,
 * its own ready line rather than an answer on its port: the port was free when chosen, and another
 * process may have taken it since (the server then exits), whose answers would pass for its own.
 */
export async function printed(
  child: ChildProcess,
  line: string,
  timeoutMs: number,
): Promise<{ printed: boolean; output: string }> {
  let output = '';
  const take = (chunk: Buffer) => (output += chunk.toString());
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  try {
    await waitFor(
      () => Promise.resolve(output),
      (text) => text.includes(line) || child.exitCode !== null,
      timeoutMs,
    );
    return { printed: output.includes(line), output };
  } finally {
    child.stdout?.off('data', take);
    child.stderr?.off('data', take);
  }
}

export function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** How a script run to its end went: its exit code and all it printed. */
export interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A node script of the repository running (see `startScript`): its process and its output so far. */
export interface RunningScript {
  child: ChildProcessByStdio<null, Readable, Readable>;
  output: { stdout: string; stderr: string };
  /** Its exit code, once its output is read to the end. */
  closed: Promise<number | null>;
}

/**
 * Starts a node script of the repository as a user runs it (`node <script> <args>`), from the root
 * with only PATH and `env`, for a test that answers it while it runs (a device code, an approval).
 */
export function startScript(
  script: string,
  args: string[] = [],
  env: Record<string, string> = {},
): RunningScript {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: join(__dirname, '..', '..'),
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  // 'close': the process ended and its output is all read.
  const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
  return { child, output, closed };
}

/**
 * Runs a script of the repository as a user runs it, from the root with only PATH and `env`:
 * with node, or a TypeScript one with ts-node on the tests' tsconfig (as `npm run example:…` does).
 */
export function runScript(script: string, env: Record<string, string>): Promise<ScriptRun> {
  const args = script.endsWith('.ts')
    ? ['-r', 'ts-node/register/transpile-only', script]
    : [script];
  const child = spawn(process.execPath, args, {
    cwd: join(__dirname, '..', '..'),
    env: { PATH: process.env.PATH, TS_NODE_PROJECT: 'tsconfig.jest.json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return runToEnd(child);
}

/** A process just spawned with its output piped, run to its end: its exit code and all it printed. */
export function runToEnd(child: ChildProcess): Promise<ScriptRun> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // 'close': the process ended and its output is all read.
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}
