import { median, medianRatio, percentile, summarize } from '../../bench/lib/stats';
import { exchangeRatio, roundRatio, summarizePhase } from '../../bench/lib/results';
import { record } from './records';

const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

describe('bench statistics', () => {
  it('percentile is nearest-rank', () => {
    expect(percentile(oneToHundred, 50)).toBe(50);
    expect(percentile(oneToHundred, 99)).toBe(99);
    expect(percentile(oneToHundred, 100)).toBe(100);
    expect(percentile(oneToHundred, 0.1)).toBe(1);
    expect(percentile([1, 2, 3], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 0)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it('median of odd and even counts, in any order', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('summarize sorts numerically, not as strings', () => {
    const s = summarize([100, 9, 20, 3]);
    expect(s).toEqual({ count: 4, mean: 33, p50: 9, p90: 100, p99: 100, max: 100 });
  });

  it('medianRatio pairs rounds and skips unusable ones', () => {
    expect(medianRatio([100, 200, 300], [50, 100, 100])).toEqual({ ratios: [2, 2, 3], median: 2 });
    expect(medianRatio([100, Number.NaN, 90], [50, 100, 0]).ratios).toEqual([2]);
    expect(medianRatio([], []).median).toBeNaN();
  });
});

describe('bench results', () => {
  const records = [
    record('proofgate.exchange', 0, 1, 70), // warm-up: never counted
    record('proofgate.exchange', 1, 100, 70),
    record('oidc.exchange', 1, 50),
    record('proofgate.exchange', 2, 300, 70),
    record('oidc.exchange', 2, 100),
    record('proofgate.exchange', 3, 120, 70),
    record('oidc.exchange', 3, 100),
  ];

  it('summarizes measured rounds only, with medians and round trips per request', () => {
    const s = summarizePhase(records, 'proofgate.exchange')!;
    expect(s.rounds).toBe(3);
    expect(s.rps).toBe(120);
    expect(s.p50).toBe(12);
    expect(s.tripsPerRequest).toBe(7);
    expect(s.commands).toEqual({ find: 7 });
    expect(summarizePhase(records, 'proofgate.verify')).toBeUndefined();
  });

  it('the exchange ratio is the median of per-round ratios', () => {
    expect(exchangeRatio(records)).toEqual({ ratios: [2, 3, 1.2], median: 2 });
    expect(exchangeRatio(records.filter((r) => r.key !== 'oidc.exchange')).ratios).toEqual([]);
  });

  it('pairs any two phases by round: a round missing either phase is left out', () => {
    const nonce = [
      record('proofgate.nonce', 1, 250),
      record('proofgate.nonce', 2, 500),
      record('proofgate.nonce', 4, 999),
    ];
    // Ratio of medians would be 500 / 120; paired, round 1 gives 2.5 and round 2 gives 1.67.
    const { ratios, median } = roundRatio(
      [...records, ...nonce],
      'proofgate.nonce',
      'proofgate.exchange',
    );
    expect(ratios.map((r) => Number(r.toFixed(3)))).toEqual([2.5, 1.667]);
    expect(median).toBeCloseTo((2.5 + 500 / 300) / 2);
  });
});
