/**
 * The README's wallet snippet ships as examples/wallet-login.mjs: it runs as users run it (node,
 * as its own process, viem from the project's dependencies) against the service listening on a
 * real port, signs in with the key it is given and reaches /api/me with the token it got.
 */
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { privateKeyToAccount } from 'viem/accounts';
import { TestApp, createTestApp } from '../../support/test-app';

const SCRIPT = join(__dirname, '..', '..', '..', 'examples', 'wallet-login.mjs');
/** Hardhat's first account, a well-known test key. */
const KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runExample(env: Record<string, string>): Promise<Run> {
  const child = spawn(process.execPath, [SCRIPT], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** The script prints two JSON documents: the tokens, then /api/me. */
function documents(stdout: string): unknown[] {
  return stdout
    .split(/\n(?=\{)/)
    .filter((part) => part.trim())
    .map((part) => JSON.parse(part) as unknown);
}

describe('examples/wallet-login.mjs', () => {
  let t: TestApp;
  let url: string;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => t.close());

  it('signs in with KEY and prints the tokens and /api/me for that address', async () => {
    const run = await runExample({ PROOFGATE_URL: url, KEY });

    expect(run).toMatchObject({ code: 0, stderr: '' });
    const address = privateKeyToAccount(KEY).address;
    const [signedIn, me] = documents(run.stdout);
    expect(signedIn).toEqual({
      address,
      tokens: {
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: t.config.tokens.accessTokenTtlSeconds,
        refresh_token: expect.any(String),
        scope: expect.any(String),
      },
    });
    expect(me).toMatchObject({ sub: `eip155:1:${address}`, auth_method: 'siwe' });
  });

  it('generates a key when KEY is unset', async () => {
    const run = await runExample({ PROOFGATE_URL: url });

    expect(run.code).toBe(0);
    const [signedIn, me] = documents(run.stdout) as [{ address: string }, { sub: string }];
    expect(signedIn.address).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect(me.sub).toBe(`eip155:1:${signedIn.address}`);
  });
});
