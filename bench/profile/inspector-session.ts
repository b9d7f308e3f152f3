/**
 * A Chrome DevTools Protocol session with a Node process started with `--inspect=127.0.0.1:<port>`,
 * just enough to start and stop the V8 sampling profiler around one phase of load.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket, request } from 'undici';

export interface CpuProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
    readonly columnNumber: number;
  };
  readonly children?: readonly number[];
}

export interface CpuProfile {
  readonly nodes: readonly CpuProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export class InspectorSession {
  private nextId = 1;
  private readonly pending = new Map<number, (message: Record<string, unknown>) => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(String(event.data)) as Record<string, unknown>;
      const id = message.id as number | undefined;
      if (id !== undefined) this.pending.get(id)?.(message);
    });
  }

  /** Connects, trying `attempts` times 100 ms apart while the process is still starting. */
  static async connect(port: number, attempts = 50): Promise<InspectorSession> {
    let lastError: unknown;
    for (let attempt = 0; attempt < attempts; attempt++) {
      try {
        const res = await request(`http://127.0.0.1:${port}/json/list`);
        const [target] = (await res.body.json()) as { webSocketDebuggerUrl: string }[];
        const socket = new WebSocket(target.webSocketDebuggerUrl);
        await new Promise<void>((resolve, reject) => {
          socket.addEventListener('open', () => resolve());
          socket.addEventListener('error', () => reject(new Error('inspector socket error')));
        });
        return new InspectorSession(socket);
      } catch (error) {
        lastError = error;
        await sleep(100);
      }
    }
    throw new Error(`no inspector on port ${port}: ${String(lastError)}`);
  }

  async send<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    const answer = new Promise<Record<string, unknown>>((resolve) => this.pending.set(id, resolve));
    this.socket.send(JSON.stringify({ id, method, params }));
    const message = await answer;
    this.pending.delete(id);
    if (message.error) throw new Error(`${method}: ${JSON.stringify(message.error)}`);
    return message.result as T;
  }

  close(): void {
    this.socket.close();
  }
}
