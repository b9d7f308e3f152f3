/**
 * Holds every thread of libuv's pool (the one `dns.lookup`, `fs`, `crypto.pbkdf2`/`scrypt` and
 * zlib queue on) until released, without using the CPU: each thread is stuck in open(2) on a
 * FIFO that no one writes to, which returns only once a writer opens it. A probe queued behind
 * them (`fs.stat`) says whether the pool was held all along, with no clock involved.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface HeldThreadpool {
  /** Whether work queued on the pool after it was held has run (false: held all along). */
  readonly probeRan: () => boolean;
  /** Lets the pool go (again: the same promise). */
  release: () => Promise<void>;
}

/** libuv's pool size: UV_THREADPOOL_SIZE as this process started with it, else 4. */
export function threadpoolSize(): number {
  return Number(process.env.UV_THREADPOOL_SIZE) || 4;
}

export function holdThreadpool(): HeldThreadpool {
  const dir = mkdtempSync(join(tmpdir(), 'proofgate-pool-'));
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const readers: Promise<FileHandle>[] = Array.from({ length: threadpoolSize() }, () =>
    open(fifo, 'r'),
  );
  let ran = false;
  let released: Promise<void> | undefined;
  void stat(dir).then(() => {
    ran = true;
  });
  return {
    probeRan: () => ran,
    release: () => (released ??= letGo()),
  };

  async function letGo(): Promise<void> {
    // Non-blocking, so it never hangs the test: it succeeds once a reader waits in open(2)
    // (ENXIO before). The writer stays open until every reader, queued ones too, got through.
    let writer: number | undefined;
    while (writer === undefined) {
      try {
        writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    for (const reader of await Promise.all(readers)) await reader.close();
    closeSync(writer);
    rmSync(dir, { recursive: true, force: true });
  }
}
