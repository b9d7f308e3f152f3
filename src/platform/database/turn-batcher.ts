/** What one item of a batch came to: its own value, or its own error. */
export type ItemOutcome<O> = { readonly value: O } | { readonly error: unknown };

interface Waiting<I, O> {
  readonly item: I;
  readonly resolve: (value: O) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Per-turn batching (group commit): items asked for in the same turn of the event loop are handed
 * to `process` together at the end of that turn (`setImmediate`), and each caller gets its own
 * outcome. Under load one turn handles many requests' I/O, so batches grow with the load by
 * themselves; a lone item is a batch of one. No batch waits for another: one stuck on a dead
 * connection holds up its own items only. When `process` throws, every item of its batch fails
 * with that error.
 */
export class TurnBatcher<I, O> {
  private waiting: Waiting<I, O>[] = [];
  private scheduled = false;

  constructor(
    private readonly process: (items: readonly I[]) => Promise<readonly ItemOutcome<O>[]>,
  ) {}

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    this.scheduled = false;
    let outcomes: readonly ItemOutcome<O>[];
    try {
      outcomes = await this.process(batch.map((w) => w.item));
    } catch (error) {
      for (const w of batch) w.reject(error);
      return;
    }
    batch.forEach((w, i) => {
      const outcome = outcomes[i];
      if ('error' in outcome) w.reject(outcome.error);
      else w.resolve(outcome.value);
    });
  }
}

/**
 * A turn's single-use writes, one per key at a time: the first item of each key goes in one
 * `batch` (or `alone` when the turn has one key), and any other item of a key already in it is
 * done `alone` after the batch, as though it came later. `batch` answers by key; a key it leaves
 * out is answered `absent`.
 */
export async function firstOfEachKey<I, O>(
  items: readonly I[],
  keyOf: (item: I) => string,
  run: {
    readonly alone: (item: I) => Promise<O>;
    readonly batch: (items: readonly I[]) => Promise<ReadonlyMap<string, O>>;
    readonly absent: O;
  },
): Promise<ItemOutcome<O>[]> {
  const first = new Map<string, I>();
  const again: number[] = [];
  items.forEach((item, i) => {
    if (first.has(keyOf(item))) again.push(i);
    else first.set(keyOf(item), item);
  });
  const batched =
    first.size === 1
      ? new Map([[keyOf(items[0]), await run.alone(items[0])]])
      : await run.batch([...first.values()]);
  const outcomes = items.map((item) => batched.get(keyOf(item)) ?? run.absent);
  await Promise.all(again.map(async (i) => (outcomes[i] = await run.alone(items[i]))));
  return outcomes.map((value) => ({ value }));
}
