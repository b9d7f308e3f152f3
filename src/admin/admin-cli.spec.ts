import type { INestApplicationContext } from '@nestjs/common';
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { ConfigError } from '../config/env-parsers';
import type { WithAdminContext } from './admin-context';
import { EXIT_ERROR, EXIT_OK, EXIT_USAGE, buildAdminProgram, runAdminCli } from './admin-cli';
import { ClientAdministration } from './clients/client-administration.service';
import { UserAdministration } from './users/user-administration.service';
import { SERVICE_VERSION } from '../platform/version';

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

/** A context whose UserAdministration is `users` (and ClientAdministration `clients`). */
/** Every write of the CLI names its caller for the audit trail: `cli`, with the OS user. */
const CLI_CALL = expect.objectContaining({
  actor: { kind: 'cli', osUser: expect.any(String) as unknown },
  requestId: expect.any(String) as unknown,
}) as unknown;

function appWith(
  users: Partial<UserAdministration>,
  clients: Partial<ClientAdministration> = {},
): Partial<INestApplicationContext> {
  return {
    get: ((token: unknown) => {
      if (token === UserAdministration) return users;
      if (token === ClientAdministration) return clients;
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
      /goes after --: proofgate-admin grants revoke -- <grant_id>\)\n/,
    ],
    [
      ['sessions', 'revoke', 'alice', '-Kq3Xn0u0lY8cS3c8mJm7y', '--json'],
      /^proofgate-admin: unknown option '-Kq3Xn0u0lY8cS3c8mJm7y'\n\(a sid that starts with '-' goes after --: proofgate-admin sessions revoke <account> -- <sid>\)\n/,
    ],
    [
      ['outboxes', 'retry', 'logout', '--kq3Xn0u0lY8cS3c8mJm7y'],
      /\(an id that starts with '-' goes after --: proofgate-admin outboxes retry <outbox> -- <id>\)/,
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

  it('prints the release with --version and exits 0, without opening the database', async () => {
    const result = await run(['--version']);

    expect(result).toMatchObject({ code: EXIT_OK, stdout: `${SERVICE_VERSION}\n`, stderr: '' });
    expect(SERVICE_VERSION).toBe(
      (
        JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
          version: string;
        }
      ).version,
    );
    expect(result.contextOpened).toBe(false);
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
        revision: 0,
      }),
    );

    const result = await run(['users', 'add', 'alice', '--json'], {
      stdin: 'correct horse\n',
      app: appWith({ add }),
    });

    expect(result.code).toBe(EXIT_OK);
    expect(add).toHaveBeenCalledWith('alice', 'correct horse', CLI_CALL);
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
        {
          username: 'alice',
          sub: 'alice',
          createdAt: new Date('2026-01-02T03:04:05Z'),
          revision: 0,
        },
        {
          username: 'bob',
          sub: 'bob',
          createdAt: new Date('2026-01-02T03:04:05Z'),
          disabledAt: new Date('2026-02-03T04:05:06Z'),
          revision: 2,
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

  it('hands every client field of `clients add` to the service, repeated ones in order', async () => {
    const add = jest.fn((wanted: { clientId: string }) =>
      Promise.resolve({
        client: {
          clientId: wanted.clientId,
          type: 'public' as const,
          name: 'MCP',
          redirectUris: ['http://127.0.0.1:8765/callback'],
          resources: ['https://mcp.example.com/mcp', 'https://api.example.com/'],
          grantTypes: ['authorization_code'],
          tokenEndpointAuthMethod: 'none' as const,
          firstParty: true,
          dpopBoundAccessTokens: true,
          requirePushedAuthorizationRequests: true,
          requirePkce: true,
          requireSignedRequestObject: false,
          requestUris: [],
          postLogoutRedirectUris: [],
          adminScopes: [],
          source: 'database' as const,
          revision: 0,
          expired: false,
        },
      }),
    );
    const app = appWith({}, { add });

    const result = await run(
      [
        'clients',
        'add',
        'mcp',
        '--public',
        '--name',
        'MCP',
        '--redirect-uri',
        'http://127.0.0.1:8765/callback',
        '--resource',
        'https://mcp.example.com/mcp',
        '--resource',
        'https://api.example.com/',
        '--grant-type',
        'authorization_code',
        '--first-party',
        '--dpop-bound-access-tokens',
        '--require-pushed-authorization-requests',
        '--json',
      ],
      { app },
    );

    expect(result).toMatchObject({ code: EXIT_OK, stderr: '' });
    expect(add).toHaveBeenCalledWith(
      {
        clientId: 'mcp',
        redirectUris: ['http://127.0.0.1:8765/callback'],
        public: true,
        name: 'MCP',
        firstParty: true,
        resources: ['https://mcp.example.com/mcp', 'https://api.example.com/'],
        grantTypes: ['authorization_code'],
        dpopBoundAccessTokens: true,
        requirePushedAuthorizationRequests: true,
      },
      CLI_CALL,
    );
    expect(JSON.parse(result.stdout)).toMatchObject({
      client_id: 'mcp',
      token_endpoint_auth_method: 'none',
      resources: ['https://mcp.example.com/mcp', 'https://api.example.com/'],
      grant_types: ['authorization_code'],
      dpop_bound_access_tokens: true,
      require_pushed_authorization_requests: true,
      require_pkce: true,
    });

    // `--no-require-pkce` is the one way to hand the service `requirePkce: false`.
    add.mockClear();
    await run(
      ['clients', 'add', 'oidc-rp', '--redirect-uri', 'https://rp.example/cb', '--no-require-pkce'],
      {
        app,
      },
    );
    expect(add).toHaveBeenCalledWith(
      expect.objectContaining({ clientId: 'oidc-rp', public: false, requirePkce: false }),
      CLI_CALL,
    );

    // The request object settings, the algorithm as typed: the service checks it (as
    // OAUTH_CLIENTS and POST /register do), not commander.
    add.mockClear();
    await run(
      [
        'clients',
        'add',
        'jar-rp',
        '--redirect-uri',
        'https://rp.example/cb',
        '--request-object-signing-alg',
        'HS256',
        '--require-signed-request-object',
      ],
      { app },
    );
    expect(add).toHaveBeenCalledWith(
      expect.objectContaining({
        clientId: 'jar-rp',
        requestObjectSigningAlg: 'HS256',
        requireSignedRequestObject: true,
      }),
      CLI_CALL,
    );
    add.mockClear();
    await run(['clients', 'add', 'plain-rp', '--redirect-uri', 'https://rp.example/cb'], { app });
    expect(add).toHaveBeenCalledWith(
      expect.not.objectContaining({ requireSignedRequestObject: expect.anything() as unknown }),
      CLI_CALL,
    );
    expect(add).toHaveBeenCalledWith(
      expect.not.objectContaining({ requestObjectSigningAlg: expect.anything() as unknown }),
      CLI_CALL,
    );

    const unknownGrant = await run(
      [
        'clients',
        'add',
        'app',
        '--redirect-uri',
        'https://a.example/cb',
        '--grant-type',
        'password',
      ],
      { app },
    );
    expect(unknownGrant).toMatchObject({ code: EXIT_USAGE, contextOpened: false });
    expect(unknownGrant.stderr).toMatch(
      /'--grant-type <type>' argument 'password' is invalid\. expected one of authorization_code, refresh_token/,
    );
  });

  it('rotate-secret: --overlap as a duration to the service (0 unless given), a bare number refused', async () => {
    const created = new Date('2026-12-01T12:00:00Z');
    const addSecret = jest.fn((): ReturnType<ClientAdministration['addSecret']> =>
      Promise.resolve({
        id: 'new-id',
        secret: 'the-new-secret',
        createdAt: created,
        client: {
          clientId: 'billing',
          type: 'confidential',
          name: 'Billing',
          redirectUris: ['https://billing.example/cb'],
          resources: [],
          grantTypes: ['authorization_code', 'refresh_token'],
          tokenEndpointAuthMethod: 'client_secret_basic',
          firstParty: false,
          dpopBoundAccessTokens: false,
          requirePushedAuthorizationRequests: false,
          requirePkce: true,
          requireSignedRequestObject: false,
          requestUris: [],
          postLogoutRedirectUris: [],
          adminScopes: [],
          source: 'database',
          revision: 0,
          expired: false,
        },
        secrets: [
          { id: 'new-id', createdAt: created, expired: false },
          { id: 'old-id', expiresAt: new Date('2026-12-02T12:00:00Z'), expired: false },
        ],
      }),
    );
    const app = appWith({}, { addSecret });

    expect(await run(['clients', 'rotate-secret', 'billing', '--json'], { app })).toMatchObject({
      code: EXIT_OK,
    });
    expect(addSecret).toHaveBeenLastCalledWith('billing', { previousExpiresIn: 0 }, CLI_CALL);
    await run(['clients', 'rotate-secret', 'billing', '--overlap', '24h', '--json'], { app });
    expect(addSecret).toHaveBeenLastCalledWith('billing', { previousExpiresIn: 86_400 }, CLI_CALL);
    const json = await run(['clients', 'rotate-secret', 'billing', '--overlap=90m', '--json'], {
      app,
    });
    expect(addSecret).toHaveBeenLastCalledWith('billing', { previousExpiresIn: 5_400 }, CLI_CALL);
    expect(JSON.parse(json.stdout)).toMatchObject({
      client_secret: 'the-new-secret',
      secret_id: 'new-id',
      secrets: [
        { id: 'new-id', created_at: created.toISOString(), expires_at: null, expired: false },
        { id: 'old-id', created_at: null, expires_at: '2026-12-02T12:00:00.000Z', expired: false },
      ],
    });

    addSecret.mockClear();
    const bare = await run(['clients', 'rotate-secret', 'billing', '--overlap', '3600'], { app });
    expect(bare).toMatchObject({ code: EXIT_USAGE, contextOpened: false });
    expect(bare.stderr).toMatch(/'--overlap <duration>' argument '3600' is invalid\. expected 0,/);
    expect(addSecret).not.toHaveBeenCalled();
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

/** A command as the documentation names it: `clients add`, with the flags named beside it. */
interface DocumentedUse {
  readonly command: string;
  readonly flags: readonly string[];
  readonly where: string;
}

/** Options every command takes (commander's own, and the program's `--json`). */
const GLOBAL_FLAGS = ['--help', '--json', '--version'];

const flagsIn = (text: string) => [...text.matchAll(/(?<![\w-])--[a-z][a-z-]*/g)].map((m) => m[0]);

/**
 * What docs/ADMINISTRATION.md says of the CLI: each item of its command list (the commands in the
 * code spans that open it, each with the flags of its span; the flags of the rest of the item, its
 * nested items included, belong to one of the item's commands), and each command line of its
 * examples.
 */
function documentedUses(groups: readonly string[]): DocumentedUse[] {
  const text = readFileSync(join(__dirname, '..', '..', 'docs', 'ADMINISTRATION.md'), 'utf8');
  const commandOf = (words: string) => {
    const [group, name] = words.trim().split(/\s+/);
    return groups.includes(group) && name !== undefined ? `${group} ${name}` : undefined;
  };
  const uses: DocumentedUse[] = [];
  /** A list item: its first line and the indented lines under it. */
  const items: string[] = [];
  let fenced = false;
  // A command line continued with a backslash is one line.
  for (const line of text.replace(/\\\n/g, ' ').split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    if (fenced) {
      const words = /(?:proofgate-admin|npm run admin --) (.*)$/.exec(line)?.[1] ?? '';
      const command = commandOf(words.split('#')[0]);
      if (command) uses.push({ command, flags: flagsIn(words.split('#')[0]), where: line });
    } else if (line.startsWith('- `')) items.push(line);
    else if (/^\s+\S/.test(line) && items.length > 0) items[items.length - 1] += `\n${line}`;
    else if (line.trim() !== '') items.push('');
  }
  for (const item of items.filter((text) => text !== '')) {
    const opening = /^- ((?:`[^`]+`(?:, | or | and )?)+)/.exec(item)?.[1] ?? '';
    const spans = [...opening.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    const commands = spans.flatMap((span) => {
      const command = commandOf(span);
      return command ? [{ command, flags: flagsIn(span) }] : [];
    });
    const where = item.slice(0, 80);
    for (const use of commands) uses.push({ ...use, where });
    // A flag the item explains belongs to one of its commands: checked against their union.
    const explained = flagsIn(item.slice(2 + opening.length));
    if (commands.length && explained.length) {
      uses.push({
        command: commands.map((use) => use.command).join(' | '),
        flags: explained,
        where,
      });
    }
  }
  return uses;
}

describe('docs/ADMINISTRATION.md and the CLI agree', () => {
  const program = buildAdminProgram({
    io: { stdout: { write: () => true }, stderr: { write: () => true }, stdin: new PassThrough() },
    withContext: () => Promise.reject(new Error('not run')),
  });
  const groups = program.commands.map((group: Command) => group.name());
  const commands = program.commands.flatMap((group: Command) =>
    group.commands.map((command: Command) => ({
      name: `${group.name()} ${command.name()}`,
      flags: command.options.filter((option) => !option.hidden).map((option) => option.long),
    })),
  );
  const uses = documentedUses(groups);

  /** The flags `<command> --help` shows, read from its output. */
  async function helpFlags(command: string): Promise<string[]> {
    const help = await run([...command.split(' '), '--help']);
    expect(help).toMatchObject({ code: EXIT_OK, contextOpened: false });
    expect(help.stdout).toMatch(new RegExp(`^Usage: proofgate-admin ${command} `));
    return flagsIn(help.stdout);
  }

  it('reads the command list and the examples', () => {
    expect(uses.length).toBeGreaterThan(25);
    expect(uses).toContainEqual(
      expect.objectContaining({
        command: 'clients add',
        flags: expect.arrayContaining(['--resource', '--dpop-bound-access-tokens']) as unknown,
      }),
    );
  });

  it('every flag the documentation names for a command is in its --help', async () => {
    const globals = flagsIn((await run(['--help'])).stdout);
    expect(globals).toEqual(expect.arrayContaining(GLOBAL_FLAGS));
    const missing: string[] = [];
    for (const use of uses) {
      const shown = new Set<string>(GLOBAL_FLAGS);
      for (const command of use.command.split(' | ')) {
        for (const flag of await helpFlags(command)) shown.add(flag);
      }
      for (const flag of use.flags) {
        if (!shown.has(flag)) missing.push(`${use.command} ${flag} (${use.where})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('documents every command, and every flag of each command, in the list', () => {
    const documented = new Map<string, Set<string>>();
    for (const use of uses) {
      for (const command of use.command.split(' | ')) {
        const flags = documented.get(command) ?? new Set<string>();
        for (const flag of use.flags) flags.add(flag);
        documented.set(command, flags);
      }
    }
    const undocumented = commands.flatMap(({ name, flags }) => {
      const named = documented.get(name);
      if (!named) return [name];
      return flags
        .filter((flag) => !GLOBAL_FLAGS.includes(flag!) && !named.has(flag!))
        .map((flag) => `${name} ${flag}`);
    });
    expect(undocumented).toEqual([]);
  });
});
