/**
 * The order a whole run's suites start in without jest's cache (a fresh clone, CI): the suites the
 * table of measured walls does not know first, heaviest in bytes first, then the known ones,
 * longest wall first (test/setup/sequencer.js).
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sequencer = require('../setup/sequencer.js') as {
  byMeasuredWall(suites: Suite[]): Suite[];
};

interface Suite {
  readonly path: string;
  readonly e2e: boolean;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { walls } = require('../setup/suite-walls.json') as { walls: Record<string, number> };

const ROOT = join(__dirname, '..', '..');
const at = (path: string) => join(ROOT, path);
/** A suite of the e2e project when its name says so (`.e2e-spec.ts`, `.e2e-suite.ts`). */
const suite = (path: string): Suite => ({ path: at(path), e2e: path.includes('.e2e-') });
const pathsOf = (suites: Suite[]) => suites.map((one) => one.path);

describe('the order suites start in without jest’s cache', () => {
  const known = Object.keys(walls);

  it('starts the known suites by their measured wall, longest first', () => {
    const shuffled = [...known].reverse().map(suite);
    const order = pathsOf(sequencer.byMeasuredWall(shuffled));
    const seconds = order.map((path) => walls[path.slice(ROOT.length + 1)]);
    expect(seconds).toEqual([...seconds].sort((a, b) => b - a));
    expect(order[0]).toBe(at('test/e2e/platform/folder.e2e-suite.ts'));
  });

  it('starts a suite the table does not know before every known one', () => {
    const unknown = suite('test/e2e/accounts/linking.e2e-spec.ts');
    expect(walls).not.toHaveProperty('test/e2e/accounts/linking.e2e-spec.ts');
    const order = sequencer.byMeasuredWall([...known.map(suite), unknown]);
    expect(order[0]).toBe(unknown);
  });

  it('starts unknown e2e suites before unknown unit specs, heaviest first, and keeps every one', () => {
    const files = [
      'src/oauth/pkce/check-pkce.spec.ts',
      'test/e2e/accounts/linking.e2e-spec.ts',
      'test/e2e/oauth/round-trips.e2e-spec.ts',
    ].map(suite);
    const order = sequencer.byMeasuredWall(files);
    expect(order).toHaveLength(3);
    expect(order.map((one) => one.e2e)).toEqual([true, true, false]);
    const [heavier, lighter] = order.map((one) => statSync(one.path).size);
    expect(heavier).toBeGreaterThan(lighter);
  });

  it('names only suites that exist', () => {
    expect(known.filter((path) => !existsSync(at(path)))).toEqual([]);
  });
});
