/**
 * The order a whole run's suites start in without jest's cache (a fresh clone, CI): the suites the
 * table of measured walls does not know first, heaviest in bytes first, then the known ones,
 * longest wall first (test/setup/sequencer.js).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sequencer = require('../setup/sequencer.js') as {
  byMeasuredWall(paths: string[]): string[];
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { walls } = require('../setup/suite-walls.json') as { walls: Record<string, number> };

const ROOT = join(__dirname, '..', '..');
const at = (path: string) => join(ROOT, path);

describe('the order suites start in without jest’s cache', () => {
  const known = Object.keys(walls);

  it('starts the known suites by their measured wall, longest first', () => {
    const shuffled = [...known].reverse().map(at);
    const order = sequencer.byMeasuredWall(shuffled);
    const seconds = order.map((path) => walls[path.slice(ROOT.length + 1)]);
    expect(seconds).toEqual([...seconds].sort((a, b) => b - a));
    expect(order[0]).toBe(at('test/e2e/platform/folder.e2e-suite.ts'));
  });

  it('starts a suite the table does not know before every known one', () => {
    const unknown = at('test/e2e/accounts/linking.e2e-spec.ts');
    expect(walls).not.toHaveProperty('test/e2e/accounts/linking.e2e-spec.ts');
    const order = sequencer.byMeasuredWall([...known.map(at), unknown]);
    expect(order[0]).toBe(unknown);
  });

  it('names only suites that exist', () => {
    expect(known.filter((path) => !existsSync(at(path)))).toEqual([]);
  });
});
