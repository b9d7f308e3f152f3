'use strict';
// `node tools/test-cpu-report.js <file> [N]`: the N (default 15) costliest suites and spec files of
// a run made with PROOFGATE_TEST_CPU_LOG=<file> (test/setup/cpu-log.js), by CPU: the jest worker's
// own plus the processes it started. Seconds; wall is the suite's or file's own.
// `--write-walls`: also writes each suite's wall into test/setup/suite-walls.json, the order the
// suites of a run without jest's cache start in (test/setup/sequencer.js); from a whole run only.
const { readFileSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');

const args = process.argv.slice(2);
const writeWalls = args.includes('--write-walls');
const [file, top = '15'] = args.filter((arg) => arg !== '--write-walls');
if (!file) {
  process.stderr.write(
    'usage: node tools/test-cpu-report.js <PROOFGATE_TEST_CPU_LOG file> [N] [--write-walls]\n',
  );
  process.exit(2);
}
const records = readFileSync(file, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line));
const cpuOf = (r) => r.self + r.children;
const name = (r) => relative(process.cwd(), r.suite) + (r.file ? ` ${r.file}` : '');
const sum = (rows, key) => rows.reduce((total, r) => total + key(r), 0);
const row = (r) =>
  [cpuOf(r), r.self, r.children, r.wall].map((n) => n.toFixed(1).padStart(7)).join(' ') +
  `  ${name(r)}`;

const suites = records.filter((r) => !r.file);
const files = records.filter((r) => r.file);
const header = '    cpu    self children  wall';
const lines = [
  `${suites.length} suites: ${sum(suites, cpuOf).toFixed(1)} s of CPU ` +
    `(workers ${sum(suites, (r) => r.self).toFixed(1)} s, their processes ` +
    `${sum(suites, (r) => r.children).toFixed(1)} s)`,
  '',
  `The ${top} costliest suites:`,
  header,
  ...suites
    .sort((a, b) => cpuOf(b) - cpuOf(a))
    .slice(0, Number(top))
    .map(row),
  '',
  `The ${top} costliest spec files of the folder suites:`,
  header,
  ...files
    .sort((a, b) => cpuOf(b) - cpuOf(a))
    .slice(0, Number(top))
    .map(row),
];
process.stdout.write(`${lines.join('\n')}\n`);

if (writeWalls) {
  // The suites' paths from the repository's root, whichever clone ran them.
  const fromRoot = (path) => path.slice(path.lastIndexOf('/test/') + 1);
  const walls = Object.fromEntries(
    suites
      .sort((a, b) => b.wall - a.wall)
      .map((r) => [fromRoot(r.suite), Math.round(r.wall * 10) / 10]),
  );
  const table = {
    about:
      'Each suite’s wall (s) in one whole run, the order a run without jest’s cache starts them in ' +
      '(test/setup/sequencer.js). Written by node tools/test-cpu-report.js <log> --write-walls.',
    written: new Date().toISOString().slice(0, 10),
    walls,
  };
  const target = join(__dirname, '..', 'test', 'setup', 'suite-walls.json');
  writeFileSync(target, `${JSON.stringify(table, null, 2)}\n`);
  process.stdout.write(
    `\nWrote ${Object.keys(walls).length} suites' walls to ${relative(process.cwd(), target)}\n`,
  );
}
