import { RepeatedWarning } from './repeated-warning';

describe('RepeatedWarning', () => {
  let now: number;
  let written: string[];
  let warning: RepeatedWarning;

  beforeEach(() => {
    now = 0;
    written = [];
    warning = new RepeatedWarning(
      (message) => written.push(message),
      () => now,
      30_000,
    );
  });

  it('writes a warning once, then once a window with how many it left out', () => {
    for (let tick = 0; tick < 60; tick++) {
      warning.warn('Logout delivery round failed: connect ECONNREFUSED');
      now += 1_000;
    }

    expect(written).toEqual([
      'Logout delivery round failed: connect ECONNREFUSED',
      'Logout delivery round failed: connect ECONNREFUSED (29 more like it left out since)',
    ]);
  });

  it('writes a different warning at once, each followed on its own', () => {
    warning.warn('A failed');
    warning.warn('B failed');
    warning.warn('A failed');
    now = 30_000;
    warning.warn('B failed');

    expect(written).toEqual(['A failed', 'B failed', 'B failed']);
  });

  it('writes a warning that comes back after a quiet window without a count', () => {
    warning.warn('A failed');
    now = 45_000;
    warning.warn('A failed');

    expect(written).toEqual(['A failed', 'A failed']);
  });

  it('forgets the oldest of many distinct warnings rather than growing', () => {
    for (let i = 0; i < 40; i++) warning.warn(`failed ${i}`);
    // failed 0 was forgotten: written again at once; failed 39 is still followed.
    warning.warn('failed 0');
    warning.warn('failed 39');

    expect(written).toHaveLength(41);
    expect(written[40]).toBe('failed 0');
  });
});
