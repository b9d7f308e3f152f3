'use strict';
// Preloaded (`node --require`) into a command that must start nothing, such as a bench script
// asked for its --help: the first child process, worker thread or listening socket it would
// start ends it instead, with exit code 3 and a line on stderr naming what it tried to start.
const childProcess = require('node:child_process');
const net = require('node:net');
const workerThreads = require('node:worker_threads');

const REFUSED = 3;

function refuse(what) {
  return () => {
    process.stderr.write(`nothing-starts: refused ${what}\n`);
    process.exit(REFUSED);
  };
}

for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) {
  childProcess[name] = refuse(`child_process.${name}`);
}
net.Server.prototype.listen = refuse('a listening socket');
workerThreads.Worker = refuse('a worker thread');
