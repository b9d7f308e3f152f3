import { LogDestination } from '../../src/platform/logging/log-destination';

/** A log destination that keeps every line, for specs about what reaches the log. */
export class CapturedLog extends LogDestination {
  readonly lines: string[] = [];

  write(line: string): void {
    this.lines.push(line);
  }

  records(): Record<string, unknown>[] {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}
