/**
 * The non-browser paths of every wallet and passkey model ship as scripts in examples/:
 * wallet-login.mjs (SIWE), solana-login.mjs (SIWS), bitcoin-login.mjs (SIWB, BIP-322) and
 * passkey-login.ts (a passkey from the software authenticator). Each runs as users run it (its own process, the project's
 * dependencies) against the service listening on a real port, signs in and reaches /api/me with
 * the token it got; without a server it says in one line how to start one.
 */
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { privateKeyToAccount } from 'viem/accounts';
import { ACCOUNT_METHOD_COLLECTION } from '../../../src/accounts/persistence/account-method.schema';
import { freePort, runScript } from '../../support/processes';
import { useTestApp } from '../../support/use-test-app';

const ROOT = join(__dirname, '..', '..', '..');
const SCRIPT = join(ROOT, 'examples', 'wallet-login.mjs');
const SOLANA_SCRIPT = join(ROOT, 'examples', 'solana-login.mjs');
const BITCOIN_SCRIPT = join(ROOT, 'examples', 'bitcoin-login.mjs');
const PASSKEY_SCRIPT = join(ROOT, 'examples', 'passkey-login.ts');
/** Bitcoin mainnet's CAIP-2 id (its genesis block hash, truncated). */
const BITCOIN_MAINNET = 'bip122:000000000019d6689c085ae165831e93';
/** Solana mainnet's CAIP-2 reference (its genesis hash, truncated). */
const SOLANA_MAINNET = 'solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp';
/** Hardhat's first account, a well-known test key. */
const KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

const runExample = (env: Record<string, string>, script = SCRIPT) => runScript(script, env);

/** The script prints two JSON documents: the tokens, then /api/me. */
function documents(stdout: string): unknown[] {
  return stdout
    .split(/\n(?=\{)/)
    .filter((part) => part.trim())
    .map((part) => JSON.parse(part) as unknown);
}

describe('examples/wallet-login.mjs', () => {
  let url: string;

  const t = useTestApp();
  /** The token response each example prints: a bearer token of the configured lifetime, a refresh token. */
  const printedTokens = () => ({
    access_token: expect.any(String),
    token_type: 'Bearer',
    expires_in: t.config.tokens.accessTokenTtlSeconds,
    refresh_token: expect.any(String),
    scope: expect.any(String),
  });
  beforeAll(async () => {
    await t.app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  });

  it('signs in with KEY and prints the tokens and /api/me for that address', async () => {
    const run = await runExample({ PROOFGATE_URL: url, KEY });

    expect(run).toMatchObject({ code: 0, stderr: '' });
    const address = privateKeyToAccount(KEY).address;
    const [signedIn, me] = documents(run.stdout);
    expect(signedIn).toEqual({
      address,
      tokens: printedTokens(),
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

  it('examples/solana-login.mjs signs in a fresh Solana key with SIWS and prints the tokens and /api/me', async () => {
    const run = await runExample({ PROOFGATE_URL: url }, SOLANA_SCRIPT);

    expect(run).toMatchObject({ code: 0, stderr: '' });
    const [signedIn, me] = documents(run.stdout) as [{ address: string; tokens: unknown }, unknown];
    expect(signedIn.address).toMatch(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/);
    expect(signedIn.tokens).toEqual(printedTokens());
    expect(me).toMatchObject({
      sub: `${SOLANA_MAINNET}:${signedIn.address}`,
      auth_method: 'siws',
    });
  });

  it('examples/bitcoin-login.mjs signs in a fresh bc1q address with a BIP-322 signature and prints the tokens and /api/me', async () => {
    const run = await runExample({ PROOFGATE_URL: url }, BITCOIN_SCRIPT);

    expect(run).toMatchObject({ code: 0, stderr: '' });
    const [signedIn, me] = documents(run.stdout) as [{ address: string; tokens: unknown }, unknown];
    expect(signedIn.address).toMatch(/^bc1q[02-9ac-hj-np-z]{38}$/);
    expect(signedIn.tokens).toEqual(printedTokens());
    expect(me).toMatchObject({
      sub: `${BITCOIN_MAINNET}:${signedIn.address}`,
      auth_method: 'siwb',
    });
  });

  it('examples/passkey-login.ts adds a passkey to the demo user after a fresh password login, signs in with it alone, and removes it again', async () => {
    const passkeys = () =>
      t.connection
        .collection(ACCOUNT_METHOD_COLLECTION)
        .countDocuments({ _id: { $regex: '^passkey:' } } as Record<string, unknown>);
    const before = await passkeys();

    const run = await runExample({ PROOFGATE_URL: url }, PASSKEY_SCRIPT);

    expect(run).toMatchObject({ code: 0, stderr: '' });
    const [signedIn, me] = documents(run.stdout) as [
      { credential_id: string; tokens: Record<string, unknown> },
      unknown,
    ];
    expect(signedIn.credential_id).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(signedIn.tokens).toMatchObject({
      access_token: expect.any(String),
      token_type: 'Bearer',
    });
    expect(me).toMatchObject({ sub: 'user0', auth_method: 'passkey' });
    // The run leaves the account as it found it.
    expect(await passkeys()).toBe(before);
  });

  it.each([
    ['wallet-login.mjs', SCRIPT],
    ['solana-login.mjs', SOLANA_SCRIPT],
    ['bitcoin-login.mjs', BITCOIN_SCRIPT],
    ['passkey-login.ts', PASSKEY_SCRIPT],
  ])('%s without a server says in one line how to start one, no stack trace', async (_, script) => {
    const closed = `http://127.0.0.1:${await freePort()}`;

    const run = await runExample({ PROOFGATE_URL: closed }, script);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `No Proofgate answers at ${closed} (ECONNREFUSED): start one with \`npm start\`, or set PROOFGATE_URL.\n`,
    );
  });
});
