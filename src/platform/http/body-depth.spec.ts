import { nestsDeeperThan } from './body-depth';

function arrays(depth: number): unknown {
  let value: unknown = [];
  for (let i = 1; i < depth; i++) value = [value];
  return value;
}

describe('nestsDeeperThan', () => {
  it('counts the outermost object or array as one level', () => {
    expect(nestsDeeperThan({ a: 1 }, 1)).toBe(false);
    expect(nestsDeeperThan({ a: [] }, 1)).toBe(true);
    expect(nestsDeeperThan(arrays(32), 32)).toBe(false);
    expect(nestsDeeperThan(arrays(33), 32)).toBe(true);
  });

  it('treats scalars and absent bodies as depth zero', () => {
    for (const value of [undefined, null, 'x', 1, true])
      expect(nestsDeeperThan(value, 0)).toBe(false);
  });

  it('finds the deep branch among wide siblings', () => {
    expect(nestsDeeperThan({ a: 1, b: [1, 2, { c: arrays(40) }], d: 'x' }, 32)).toBe(true);
  });

  it('walks 100,000 levels without overflowing the stack', () => {
    expect(nestsDeeperThan(arrays(100_000), 32)).toBe(true);
    expect(nestsDeeperThan(arrays(100_000), 200_000)).toBe(false);
  });
});
