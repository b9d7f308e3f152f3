/**
 * Up to `size` workers, each claiming a job and doing it, one at a time, until a claim finds
 * none. A wake starts one more worker while fewer than `size` run, and each worker that found a
 * job wakes another: a backlog ramps up to `size` jobs at once, an idle wake costs one claim, and
 * a worker that found nothing never keeps the others from starting when work arrives later. A
 * wake while all `size` run is remembered: the next worker to find nothing claims once more, so
 * work queued meanwhile is not left for the next tick.
 */
export class WorkerPool<J> {
  private active = 0;
  private again = false;
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly size: number,
    private readonly claim: () => Promise<J | null>,
    private readonly work: (job: J) => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Workers running now (each claiming or working). */
  get busy(): number {
    return this.active;
  }

  wake(): void {
    if (this.active >= this.size) {
      this.again = true;
      return;
    }
    this.active++;
    const worker: Promise<void> = this.loop()
      .catch(this.onError)
      .finally(() => {
        this.active--;
        this.running.delete(worker);
      });
    this.running.add(worker);
  }

  /** Resolves once no worker runs (those a worker woke meanwhile included). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  private async loop(): Promise<void> {
    for (;;) {
      const job = await this.claim();
      if (job === null) {
        if (!this.again) return;
        this.again = false;
        continue;
      }
      this.wake();
      await this.work(job);
    }
  }
}
