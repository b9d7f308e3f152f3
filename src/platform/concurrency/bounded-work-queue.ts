/** The queue of a `BoundedWorkQueue` is full: the work was refused without being started. */
export class WorkQueueFull extends Error {
  constructor() {
    super('Work queue full');
    this.name = 'WorkQueueFull';
  }
}

/**
 * Runs at most `concurrency` tasks at once and lets at most `maxQueued` more wait; past that, a
 * task is refused at once (`WorkQueueFull`) instead of piling up. For expensive work (scrypt)
 * that an unauthenticated caller can ask for: the cost of a flood stays bounded, and so does the
 * wait of whoever is queued behind it.
 */
export class BoundedWorkQueue {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxQueued: number,
  ) {
    if (!(concurrency >= 1) || !(maxQueued >= 0)) {
      throw new RangeError('BoundedWorkQueue needs concurrency >= 1 and maxQueued >= 0');
    }
  }

  /** Tasks running now (at most `concurrency`). */
  get active(): number {
    return this.running;
  }

  /** Tasks waiting for a slot (at most `maxQueued`). */
  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxQueued) throw new WorkQueueFull();
      // The slot is handed over by the finishing task, so `running` stays at the limit.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
