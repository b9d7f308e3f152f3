/** What every bench script does around its work: stop what it started, and fail loudly. */

/** Steps that undo what a script started, run last first; a failing step does not stop the rest. */
export class Cleanups {
  private readonly steps: (() => unknown)[] = [];

  constructor(private readonly log: (line: string) => void) {}

  push(step: () => unknown): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    for (const step of this.steps.reverse()) {
      try {
        await step();
      } catch (error) {
        this.log(`cleanup: ${String(error)}`);
      }
    }
    this.steps.length = 0;
  }
}

/** Runs a script's `main`, printing the stack and exiting 1 if it fails. */
export function runScript(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
}
