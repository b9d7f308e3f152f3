'use strict';
// With PROOFGATE_TEST_CPU_LOG=<file>, each suite appends to <file> one JSON line of the CPU it
// cost: the jest worker's own (user + sys, libuv's threads included) and that of the processes it
// started and reaped (a built service, a database server, a browser), with its wall time; an e2e
// folder suite adds one line per spec file (test/support/folder-suite.ts). Summed up by
// `node tools/test-cpu-report.js <file>` (docs/DEVELOPMENT.md#test-time). Unset: nothing runs.
const { appendFileSync, readFileSync } = require('node:fs');

const file = process.env.PROOFGATE_TEST_CPU_LOG;

/** Seconds of CPU of this process and of its reaped children, from /proc (Linux). */
function cpu() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // Fields after the command name (which may hold spaces): utime is the 14th field of the line.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
  return { self: (utime + stime) / 100, children: (cutime + cstime) / 100, at: Date.now() };
}

if (file) {
  const suite = expect.getState().testPath;
  const since = (start) => {
    const now = cpu();
    return {
      self: +(now.self - start.self).toFixed(2),
      children: +(now.children - start.children).toFixed(2),
      wall: +((now.at - start.at) / 1000).toFixed(2),
    };
  };
  const write = (record) => appendFileSync(file, `${JSON.stringify(record)}\n`);
  const started = cpu();
  let current;
  const endFile = () => {
    if (current) write({ suite, file: current.name, ...since(current.start) });
  };
  globalThis.__proofgateCpuLog = {
    /** A folder suite's next spec file starts (the previous one ended). */
    fileStarts(name) {
      endFile();
      current = { name, start: cpu() };
    },
  };
  afterAll(() => {
    endFile();
    write({ suite, ...since(started) });
  });
}
