import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ChildMessage, LoadResult, ParentMessage, RunCommand } from '../loadgen/protocol';

type RunOptions = Omit<RunCommand, 'type' | 'id'>;

/** The parent's handle on the load-generator process (bench/loadgen/worker.ts). */
export class LoadGenerator {
  private nextId = 1;

  private constructor(private readonly child: ChildProcess) {}

  static async start(root: string): Promise<LoadGenerator> {
    const child = fork(join(root, 'bench', 'loadgen', 'worker.ts'), [], {
      cwd: root,
      execArgv: ['--require', 'ts-node/register/transpile-only'],
      env: { ...process.env, TS_NODE_PROJECT: join(root, 'tsconfig.jest.json') },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`load generator exited (${code})`)));
      child.once('message', (message: ChildMessage) => {
        if (message.type === 'ready') resolve();
        else reject(new Error(`load generator said ${message.type} first`));
      });
    });
    return new LoadGenerator(child);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /**
   * Runs one phase. `beforeClock` is called once every connection is open, just before the
   * first measured request is sent (the moment to read the database counters).
   */
  run(options: RunOptions, beforeClock: () => void): Promise<LoadResult> {
    const id = this.nextId++;
    return new Promise<LoadResult>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`load generator exited (${code})`));
      const onMessage = (message: ChildMessage) => {
        if (!('id' in message) || message.id !== id) return;
        if (message.type === 'warmed') {
          beforeClock();
          this.send({ type: 'go', id });
          return;
        }
        this.child.off('message', onMessage).off('exit', onExit);
        if (message.type === 'result') resolve(message.result);
        else if (message.type === 'failed') reject(new Error(`load generator: ${message.error}`));
      };
      this.child.on('message', onMessage).once('exit', onExit);
      this.send({ type: 'run', id, ...options });
    });
  }

  stop(): void {
    if (this.child.connected) this.send({ type: 'exit' });
    setTimeout(() => this.child.kill('SIGKILL'), 2000).unref();
  }

  private send(message: ParentMessage): void {
    this.child.send(message);
  }
}

/** Fields of captured JSON answers, failing loudly when one is missing. */
export function capturedField(
  captured: readonly (Readonly<Record<string, unknown>> | null)[] | undefined,
  name: string,
): string[] {
  return (captured ?? []).map((entry, i) => {
    const value = entry?.[name];
    if (typeof value !== 'string') throw new Error(`answer ${i} has no ${name}`);
    return value;
  });
}
