/**
 * docs/SECURITY.md's Wycheproof table and the vectors it counts: one row per run (a file through
 * one proof's verify layer), in WYCHEPROOF_RUNS' order, whose Valid, Invalid and Acceptable
 * columns are the file's own counts (every vector runs), and whose Verified and rule columns add
 * up to Valid. The measured columns are each run's own spec's to check (`documentedTally`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/readme';
import {
  WYCHEPROOF_FILES,
  WYCHEPROOF_RUNS,
  WYCHEPROOF_VECTORS,
  documentedRows,
  documentedTally,
  wycheproof,
} from '../support/wycheproof-vectors';

const unticked = (cell: string) => cell.replace(/`/g, '');

describe('the Wycheproof vectors and what docs/SECURITY.md says of them', () => {
  it('keeps the vectors in the repository, with their README (source) and licence', () => {
    const readme = readFileSync(join(WYCHEPROOF_VECTORS, 'README.md'), 'utf8');
    expect(readme).toMatch(/C2SP\/wycheproof/);
    expect(readme).toMatch(/Apache/);
    expect(readFileSync(join(WYCHEPROOF_VECTORS, 'LICENSE'), 'utf8')).toMatch(
      /Apache License\s+Version 2\.0/,
    );
    for (const file of WYCHEPROOF_FILES) {
      expect(wycheproof(file).numberOfTests).toBe(
        wycheproof(file).testGroups.reduce((sum, group) => sum + group.tests.length, 0),
      );
      expect(readme).toContain(`\`${file}\``);
    }
  });

  it('runs every file through at least one proof', () => {
    const run = new Set(WYCHEPROOF_RUNS.map(({ file }) => file));
    expect(WYCHEPROOF_FILES.filter((file) => !run.has(file))).toEqual([]);
  });

  it('has one row per run, naming its proof, layer and file', () => {
    expect(
      documentedRows().map(([proof, layer, file]) => [proof, unticked(layer), unticked(file)]),
    ).toEqual(WYCHEPROOF_RUNS.map(({ proof, layer, file }) => [proof, layer, file]));
  });

  it.each(WYCHEPROOF_RUNS.map((run) => [run.proof, run.file, run] as const))(
    '%s, %s: every vector of the file is counted',
    (_proof, file, run) => {
      const tests = wycheproof(file).testGroups.flatMap((group) => group.tests);
      const count = (result: string) => tests.filter((test) => test.result === result).length;
      const tally = documentedTally(run);
      const rules = Object.values(tally.rules).reduce((sum, n) => sum + n, 0);
      const acceptable = Object.values(tally.acceptable).reduce((sum, n) => sum + (n ?? 0), 0);
      expect([tally.valid, tally.invalid, acceptable]).toEqual([
        count('valid'),
        count('invalid'),
        count('acceptable'),
      ]);
      expect(tally.verified + rules).toBe(tally.valid);
    },
  );

  it.each(WYCHEPROOF_RUNS.map((run) => [run.proof, run.file, run.spec] as const))(
    '%s, %s: run by a spec that reads the file',
    (_proof, file, spec) => {
      expect(existsSync(join(ROOT, spec))).toBe(true);
      const source = readFileSync(join(ROOT, spec), 'utf8');
      const named = source.includes(file) || source.includes('JWS_FILES');
      expect(named).toBe(true);
    },
  );
});
