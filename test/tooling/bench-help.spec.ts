/**
 * Every `npm run bench*`, `npm run fleet` and `npm run soak` tells what it takes before it starts
 * anything: `--help` (or `-h`) prints its usage on stdout and exits 0, and an option it does not
 * know is named on stderr with the usage, exit code 2 and no stack trace. The scripts are read from package.json, so a harness
 * script added without --help fails here. Each runs as `npm run` runs it, with
 * test/support/nothing-starts.js preloaded: a child process (the database, a server, the load
 * generator), a worker thread or a listening socket would end it with exit code 3 instead.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const NOTHING_STARTS = join(ROOT, 'test', 'support', 'nothing-starts.js');
const REFUSED = 3;

const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};
const benches = Object.keys(scripts).filter((name) => /^(bench(:|$)|fleet$|soak$)/.test(name));

/** Runs `command` with `args` as `npm run <script> -- <args>` does: through sh, .bin on PATH. */
function run(command: string, args: readonly string[]) {
  return spawnSync('sh', ['-c', [command, ...args].join(' ')], {
    cwd: ROOT,
    env: {
      PATH: `${join(ROOT, 'node_modules', '.bin')}${delimiter}${process.env.PATH}`,
      NODE_OPTIONS: `--require ${NOTHING_STARTS}`,
    },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

/** A stack trace's frame line, as Node prints an uncaught error. */
const STACK_FRAME = /^\s+at /m;

describe('the harness scripts answer --help and refuse unknown options', () => {
  it("reads every bench script and the fleet's from package.json's scripts", () => {
    expect(benches).toEqual(
      expect.arrayContaining(['bench', 'bench:ab', 'bench:keycloak', 'fleet', 'soak']),
    );
  });

  it('ends a command that starts a process or listens on a port (the check itself works)', () => {
    const listens = run(`node -e "require('node:net').createServer().listen(0)"`, []);
    expect({ status: listens.status, stderr: listens.stderr }).toEqual({
      status: REFUSED,
      stderr: 'nothing-starts: refused a listening socket\n',
    });
    const spawns = run(`node -e "require('node:child_process').spawnSync('true')"`, []);
    expect({ status: spawns.status, stderr: spawns.stderr }).toEqual({
      status: REFUSED,
      stderr: 'nothing-starts: refused child_process.spawnSync\n',
    });
  });

  it.each(benches)(
    '`npm run %s -- --help` prints its usage and exits 0, starting nothing',
    (name) => {
      const help = run(scripts[name], ['--help']);
      expect({ status: help.status, stderr: help.stderr }).toEqual({ status: 0, stderr: '' });
      const [synopsis, what] = help.stdout.split('\n');
      expect(synopsis).toMatch(new RegExp(`^npm run ${name}( |$)`));
      // One line of what it does, then the options, --help among them.
      expect(what).toMatch(/^[A-Z]\S* /);
      expect(help.stdout).toMatch(/^ +--help +/m);
      const short = run(scripts[name], ['-h']);
      expect({ status: short.status, stdout: short.stdout }).toEqual({
        status: 0,
        stdout: help.stdout,
      });
    },
    60_000,
  );

  it.each(benches)(
    '`npm run %s -- --no-such-option` names it with the usage and exits 2, without a stack trace',
    (name) => {
      const refused = run(scripts[name], ['--no-such-option']);
      expect({ status: refused.status, stdout: refused.stdout }).toEqual({ status: 2, stdout: '' });
      expect(refused.stderr).toMatch(
        new RegExp(`^unknown option --no-such-option\n\nnpm run ${name}( |\n)`),
      );
      expect(refused.stderr).not.toMatch(STACK_FRAME);
    },
    60_000,
  );
});
