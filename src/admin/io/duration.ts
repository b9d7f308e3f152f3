import { InvalidArgumentError } from 'commander';

const SECONDS_PER_UNIT = { s: 1, m: 60, h: 3_600, d: 86_400 } as const;

/**
 * A duration as an operator types it, in whole seconds: `0`, or a whole number with its unit
 * (`90s`, `90m`, `24h`, `7d`). A bare number other than 0 is refused: `--overlap 3600` could be
 * read as seconds or as minutes, and the wrong reading keeps a secret alive for days.
 */
export function parseDuration(value: string): number {
  if (value === '0') return 0;
  const match = /^(\d+)([smhd])$/.exec(value);
  const seconds = match
    ? Number(match[1]) * SECONDS_PER_UNIT[match[2] as keyof typeof SECONDS_PER_UNIT]
    : NaN;
  if (!Number.isSafeInteger(seconds)) {
    throw new InvalidArgumentError(
      'expected 0, or a whole number with a unit: s, m, h or d (90m, 24h, 7d)',
    );
  }
  return seconds;
}

/**
 * Whole seconds as `parseDuration` reads them, in the largest unit that holds them whole (`30d`,
 * `90m`, `3601s`): how a refusal names a duration to a reader who typed hours or days.
 */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0';
  const [unit, size] = Object.entries(SECONDS_PER_UNIT)
    .reverse()
    .find(([, size]) => seconds % size === 0)!;
  return `${seconds / size}${unit}`;
}
