import { InvalidArgumentError } from 'commander';
import { parseDuration } from './duration';

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
