import type { INestApplicationContext } from '@nestjs/common';
import { PassThrough } from 'node:stream';
import { ConfigError } from '../config/env-parsers';
import type { WithAdminContext } from './admin-context';
import { EXIT_ERROR, EXIT_OK, EXIT_USAGE, runAdminCli } from './admin-cli';
import { UserAdministration } from './users/user-administration.service';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  contextOpened: boolean;
}

/**
 * Runs the CLI with `stdin` piped and `app` standing in for the Nest context; without `app`,
 * opening the context fails the run, so a test shows that nothing reached the database.
 */
async function run(
  argv: string[],
  { stdin = '', app }: { stdin?: string; app?: Partial<INestApplicationContext> } = {},
): Promise<Run> {
  let stdout = '';
  let stderr = '';
  let contextOpened = false;
  const input = new PassThrough();
  input.end(stdin);
  const withContext: WithAdminContext = (work) => {
    contextOpened = true;
    if (!app) return Promise.reject(new Error('the database was reached'));
    return work(app as INestApplicationContext);
  };
  const code = await runAdminCli(argv, {
    io: {
      stdout: { write: (text: string) => Boolean((stdout += text)) },
      stderr: { write: (text: string) => Boolean((stderr += text)) },
      stdin: input,
    },
    withContext,
  });
  return { code, stdout, stderr, contextOpened };
}

/** A context whose UserAdministration is `users`. */
function appWith(users: Partial<UserAdministration>): Partial<INestApplicationContext> {
  return {
    get: ((token: unknown) => {
      if (token === UserAdministration) return users;
      throw new Error(`unexpected ${String(token)}`);
    }) as INestApplicationContext['get'],
  };
}

describe('proofgate-admin command line', () => {
  it.each([
    [['users', 'add', 'alice', 'hunter2hunter2']],
    [['users', 'add', 'alice', '--password', 'hunter2hunter2']],
    [['users', 'add', 'alice', '--password=hunter2hunter2']],
    [['users', 'add', 'alice', '-p', 'hunter2hunter2']],
    [['users', 'set-password', 'alice', 'hunter2hunter2']],
    [['users', 'set-password', 'alice', '-hunter2hunter2']],
  ])('refuses a password on the command line %j, without echoing it', async (argv) => {
    const result = await run(argv, { stdin: 'correct horse\n' });

    expect(result.code).toBe(EXIT_USAGE);
    expect(result.stderr).toMatch(
      /^proofgate-admin: passwords are never read from the command line/,
    );
    expect(result.stderr).not.toContain('hunter2');
    expect(result.contextOpened).toBe(false);
  });

  it.each([
    [[], /Usage: proofgate-admin/],
    [['users'], /Usage: proofgate-admin users/],
    [['nope'], /unknown command 'nope'/],
    [['users', 'add'], /missing required argument 'username'/],
    [['clients', 'add', 'app'], /required option '--redirect-uri <uri>' not specified/],
    [['grants', 'revoke'], /name a grant_id, or --user and\/or --client/],
    [['grants', 'revoke', 'abc', '--user', 'alice'], /name a grant_id, or --user and\/or --client/],
    [['grants', 'list', '--limit', '0'], /--limit <n>' argument '0' is invalid/],
    [
      ['grants', 'revoke', '-dtaq0123456789abcdefgh'],
      /goes after --: proofgate-admin grants revoke --/,
    ],
  ])('answers %j with exit code 2 and the usage on stderr', async (argv, message) => {
    const result = await run(argv);

    expect(result.code).toBe(EXIT_USAGE);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
    expect(result.contextOpened).toBe(false);
  });

  it('prints help on stdout and exits 0 when asked for it', async () => {
    const result = await run(['users', 'add', '--help']);

    expect(result.code).toBe(EXIT_OK);
    expect(result.stdout).toMatch(/^Usage: proofgate-admin users add \[options\] <username>/);
    expect(result.stdout).not.toContain('--password');
  });

  it('checks the username and the password before reaching the database', async () => {
    const badName = await run(['users', 'add', 'eip155:1:0xabc'], { stdin: 'correct horse\n' });
    expect(badName).toMatchObject({ code: EXIT_ERROR, contextOpened: false });
    expect(badName.stderr).toMatch(/^proofgate-admin: username must be/);

    const shortPassword = await run(['users', 'add', 'alice'], { stdin: 'short\n' });
    expect(shortPassword).toMatchObject({ code: EXIT_ERROR, contextOpened: false });
    expect(shortPassword.stderr).toBe('proofgate-admin: password must be at least 8 characters\n');

    const noPassword = await run(['users', 'add', 'alice']);
    expect(noPassword).toMatchObject({ code: EXIT_USAGE, contextOpened: false });
  });

  it('hands the piped password to the service, never to the output', async () => {
    const add = jest.fn((username: string) =>
      Promise.resolve({
        username,
        sub: username,
        createdAt: new Date('2026-01-02T03:04:05.678Z'),
      }),
    );

    const result = await run(['users', 'add', 'alice', '--json'], {
      stdin: 'correct horse\n',
      app: appWith({ add }),
    });

    expect(result.code).toBe(EXIT_OK);
    expect(add).toHaveBeenCalledWith('alice', 'correct horse');
    expect(JSON.parse(result.stdout)).toEqual({
      username: 'alice',
      sub: 'alice',
      status: 'active',
      created_at: '2026-01-02T03:04:05.678Z',
      disabled_at: null,
    });
    expect(result.stdout + result.stderr).not.toContain('correct horse');
  });

  it('prints a table by default and JSON with --json, before or after the command', async () => {
    const list = () =>
      Promise.resolve([
        { username: 'alice', sub: 'alice', createdAt: new Date('2026-01-02T03:04:05Z') },
        {
          username: 'bob',
          sub: 'bob',
          createdAt: new Date('2026-01-02T03:04:05Z'),
          disabledAt: new Date('2026-02-03T04:05:06Z'),
        },
      ]);
    const app = appWith({ list });

    const table = await run(['users', 'list'], { app });
    expect(table.stdout).toBe(
      [
        'USERNAME  STATUS    CREATED               DISABLED',
        'alice     active    2026-01-02 03:04:05Z  -',
        'bob       disabled  2026-01-02 03:04:05Z  2026-02-03 04:05:06Z',
        '',
      ].join('\n'),
    );
    const before = JSON.parse((await run(['--json', 'users', 'list'], { app })).stdout);
    const after = JSON.parse((await run(['users', 'list', '--json'], { app })).stdout);
    expect(before).toEqual(after);
    expect(after).toEqual([
      expect.objectContaining({ username: 'alice', status: 'active', disabled_at: null }),
      expect.objectContaining({ username: 'bob', status: 'disabled' }),
    ]);
  });

  it('turns any failure into one line on stderr and exit code 1, never a stack trace', async () => {
    const failing = (error: Error) => appWith({ list: () => Promise.reject(error) });

    const config = await run(['users', 'list'], {
      app: failing(new ConfigError('MONGODB_URI is required')),
    });
    expect(config).toMatchObject({
      code: EXIT_ERROR,
      stderr: 'proofgate-admin: invalid configuration: MONGODB_URI is required\n',
    });

    const unreachable = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      name: 'MongooseServerSelectionError',
    });
    expect((await run(['users', 'list'], { app: failing(unreachable) })).stderr).toBe(
      'proofgate-admin: cannot reach MongoDB: connect ECONNREFUSED 127.0.0.1:1\n',
    );

    const multiline = await run(['users', 'list'], {
      app: failing(new Error('first line\n    second line')),
    });
    expect(multiline.stderr).toBe('proofgate-admin: first line second line\n');
    expect(multiline.stderr).not.toMatch(/\bat /);
  });
});
