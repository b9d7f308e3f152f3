import { InvalidArgumentError } from 'commander';
import { formatDuration, parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['45s', 45],
    ['90m', 5_400],
    ['24h', 86_400],
    ['7d', 604_800],
    ['0h', 0],
  ])('%s is %d s', (typed, seconds) => {
    expect(parseDuration(typed)).toBe(seconds);
  });

  it.each(['3600', '', '1.5h', '-1h', '24 h', '1h30m', '24H', 'forever', `${'9'.repeat(20)}d`])(
    'refuses %j (a bare number could mean seconds or minutes)',
    (typed) => {
      expect(() => parseDuration(typed)).toThrow(InvalidArgumentError);
    },
  );
});

describe('formatDuration', () => {
  it.each([
    [0, '0'],
    [45, '45s'],
    [3_601, '3601s'],
    [5_400, '90m'],
    [90_000, '25h'],
    [2_592_000, '30d'],
  ])('%d s is %s, which parseDuration reads back', (seconds, written) => {
    expect(formatDuration(seconds)).toBe(written);
    expect(parseDuration(written)).toBe(seconds);
  });
});
