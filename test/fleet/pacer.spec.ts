import { Pacer } from '../../tools/fleet/pacer';

/** A pacer on a clock the test moves; each wait it asks for is recorded and resolved at once. */
function pacedAt(perSecond: number) {
  let now = 1_000;
  const waits: number[] = [];
  const pacer = new Pacer(
    perSecond,
    () => now,
    (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
  );
  return { pacer, waits, advance: (ms: number) => (now += ms) };
}

describe('fleet traffic pacing', () => {
  it('spaces the starts of callers arriving together evenly, perSecond a second in all', async () => {
    const { pacer, waits } = pacedAt(10);
    // Five loops ask at the same moment: the first starts at once, each next 100 ms after the last.
    const asked = [0, 1, 2, 3, 4].map(() => pacer.turn());
    await Promise.all(asked);
    expect(waits).toEqual([100, 200, 300, 400]);
  });

  it('starts a caller at once when its turn is past, and never schedules a start in the past', async () => {
    const { pacer, waits, advance } = pacedAt(4);
    await pacer.turn();
    // The loops held up 2 s (a fault): no burst of the starts they missed afterwards.
    advance(2_000);
    await pacer.turn();
    await pacer.turn();
    advance(100);
    await pacer.turn();
    // At +2 s at once, then +2.25 s (250 ms on), then +2.5 s (asked at +2.1 s: 400 ms on).
    expect(waits).toEqual([250, 400]);
  });

  it('does not pace at 0', async () => {
    const { pacer, waits } = pacedAt(0);
    for (let i = 0; i < 100; i++) await pacer.turn();
    expect(waits).toEqual([]);
  });
});
