import { BoundedWorkQueue, WorkQueueFull } from './bounded-work-queue';
import { KeyedSequence } from './keyed-sequence';
import { SingleFlight } from './single-flight';

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('BoundedWorkQueue', () => {
  it('runs at most `concurrency` tasks, queues `maxQueued`, refuses the rest at once', async () => {
    const queue = new BoundedWorkQueue(2, 1);
    const gates = [deferred(), deferred(), deferred()];
    let running = 0;
    let peak = 0;
    const task = (i: number) => async () => {
      running += 1;
      peak = Math.max(peak, running);
      await gates[i].promise;
      running -= 1;
      return i;
    };

    const accepted = [0, 1, 2].map((i) => queue.run(task(i)));
    await expect(queue.run(task(0))).rejects.toBeInstanceOf(WorkQueueFull);
    gates.forEach((gate) => gate.resolve());

    await expect(Promise.all(accepted)).resolves.toEqual([0, 1, 2]);
    expect(peak).toBe(2);
    // The slots are free again.
    await expect(queue.run(() => Promise.resolve('again'))).resolves.toBe('again');
  });

  it('frees the slot of a task that fails', async () => {
    const queue = new BoundedWorkQueue(1, 0);
    await expect(queue.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(queue.run(() => Promise.resolve(1))).resolves.toBe(1);
  });
});

describe('SingleFlight', () => {
  it('shares one in-flight call per key and forgets it once settled', async () => {
    const flight = new SingleFlight<string, number>();
    const gate = deferred<number>();
    let calls = 0;
    const work = () => {
      calls += 1;
      return gate.promise;
    };

    const both = Promise.all([flight.run('a', work), flight.run('a', work)]);
    gate.resolve(7);
    await expect(both).resolves.toEqual([7, 7]);
    expect(calls).toBe(1);

    await flight.run('a', () => Promise.resolve(8));
    expect(calls).toBe(1);
    await expect(flight.run('a', () => Promise.resolve(9))).resolves.toBe(9);
  });
});

describe('KeyedSequence', () => {
  it('runs tasks of one key one at a time, in order, and other keys alongside', async () => {
    const sequence = new KeyedSequence<string>();
    const log: string[] = [];
    const gate = deferred();
    const first = sequence.run('a', async () => {
      log.push('a1 start');
      await gate.promise;
      log.push('a1 end');
      throw new Error('a1 failed');
    });
    const second = sequence.run('a', () => Promise.resolve(log.push('a2')));
    await sequence.run('b', () => Promise.resolve(log.push('b1')));
    gate.resolve();

    await expect(first).rejects.toThrow('a1 failed');
    await second;
    expect(log).toEqual(['a1 start', 'b1', 'a1 end', 'a2']);
  });
});
