import { WorkerPool } from './worker-pool';

/** Jobs claimed from a list; each job's work waits until the test finishes it. */
function setUp(size: number) {
  const queue: string[] = [];
  const started: string[] = [];
  const finish = new Map<string, () => void>();
  let claims = 0;
  let atOnce = 0;
  let mostAtOnce = 0;
  const pool = new WorkerPool<string>(
    size,
    () => {
      claims++;
      return Promise.resolve(queue.shift() ?? null);
    },
    (job) => {
      started.push(job);
      mostAtOnce = Math.max(mostAtOnce, ++atOnce);
      return new Promise<void>((resolve) =>
        finish.set(job, () => {
          atOnce--;
          resolve();
        }),
      );
    },
    (error) => {
      throw error;
    },
  );
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return {
    pool,
    queue,
    started,
    finish: (job: string) => finish.get(job)!(),
    claims: () => claims,
    mostAtOnce: () => mostAtOnce,
    settle,
  };
}

describe('WorkerPool: up to `size` jobs at once, none left waiting while a worker could take it', () => {
  it('an idle wake costs one claim', async () => {
    const { pool, claims } = setUp(4);
    pool.wake();
    await pool.idle();
    expect(claims()).toBe(1);
  });

  it('ramps a backlog up to `size` jobs at once, never more', async () => {
    const { pool, queue, started, finish, mostAtOnce, settle } = setUp(4);
    queue.push(...'abcdefg');
    pool.wake();
    await settle();
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    for (const job of 'abcdefg') {
      finish(job);
      await settle();
    }
    await pool.idle();
    expect(started).toEqual([...'abcdefg']);
    expect(mostAtOnce()).toBe(4);
  });

  it('starts a worker for work that arrives while one worker is busy and the others have stopped', async () => {
    const { pool, queue, started, finish, settle } = setUp(4);
    queue.push('slow');
    pool.wake();
    await settle();
    expect(pool.busy).toBe(1);
    // While `slow` runs, more work arrives: it starts at once, not after `slow`.
    queue.push('x', 'y');
    pool.wake();
    await settle();
    expect(started).toEqual(['slow', 'x', 'y']);
    for (const job of ['slow', 'x', 'y']) finish(job);
    await pool.idle();
  });

  it('a wake while every worker is busy is not lost: a worker claims once more before it stops', async () => {
    const { pool, queue, started, finish, settle } = setUp(1);
    queue.push('a');
    pool.wake();
    await settle();
    queue.push('b');
    pool.wake();
    finish('a');
    await settle();
    expect(started).toEqual(['a', 'b']);
    finish('b');
    await pool.idle();
  });
});
