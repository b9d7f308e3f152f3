/** How often, at most, one repeating warning is written again. */
export const REPEATED_WARNING_EVERY_MS = 30_000;

/** Distinct warnings followed at once; past this many, the oldest are forgotten. */
const MAX_FOLLOWED = 32;

/**
 * A warning that repeats while something stays broken (the database away, say: a poller fails
 * every tick, in every worker): written the first time, then at most once every `everyMs` with
 * how many like it were left out since. An outage of minutes is a few lines a process, not
 * thousands, and a different warning is still written at once.
 */
export class RepeatedWarning {
  private readonly followed = new Map<string, { writtenAt: number; leftOut: number }>();

  constructor(
    private readonly write: (message: string) => void,
    private readonly now: () => number,
    private readonly everyMs = REPEATED_WARNING_EVERY_MS,
  ) {}

  warn(message: string): void {
    const now = this.now();
    const seen = this.followed.get(message);
    if (seen && now - seen.writtenAt < this.everyMs) {
      seen.leftOut++;
      return;
    }
    const leftOut = seen?.leftOut ?? 0;
    this.followed.delete(message);
    if (this.followed.size >= MAX_FOLLOWED) {
      this.followed.delete(this.followed.keys().next().value as string);
    }
    this.followed.set(message, { writtenAt: now, leftOut: 0 });
    this.write(leftOut > 0 ? `${message} (${leftOut} more like it left out since)` : message);
  }
}
