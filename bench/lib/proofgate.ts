/**
 * Proofgate as the bench sees it: built from this tree into its own folder, started as a child
 * process in production mode (with the demo users and clients seeded), and driven only through
 * its public HTTP API. Nothing here imports the service's code.
 */
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519';
import bs58 from 'bs58';
import { type Address, getAddress } from 'viem';
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import type { RequestSpec } from '../loadgen/protocol';
import { Browser, basicAuth, inBatches } from './browser';
import { dpopProof, type DpopSigner } from './dpop';
import { freePort, startServer, type ServerProcess } from './processes';
import { authorizationRequest } from '../../src/lab-client/authorization-request';
import { compileServiceSync } from '../../tools/build-service';
import {
  BITCOIN_MAINNET,
  type BitcoinAddressType,
  newBitcoinWallet,
} from '../../src/lab-client/siwb-scenarios';
import {
  DEMO_CLIENT,
  PARTNER_CLIENT,
  SIGN_IN_SCOPE,
  codeExchangeRequest,
  codeFromRedirect,
  signedInAuthorizations,
  type MintedCode,
  type PreparedAuthorizations,
} from './pkce';

/**
 * The Node flags production runs the service with (the Dockerfile's CMD, `npm run start:prod`; a
 * tooling spec checks they agree), so the bench and the fleet measure what is deployed.
 *
 * `--max-old-space-size=1024`: with a heap limit of 2 GiB or more (the default on a host with
 * 8 GiB or more) V8 lets the old generation grow up to 4× between collections; below it, at most 2×.
 * The service's live heap is ~50 MiB (`npm run bench:memory`), so the limit is never near, and the
 * peak RSS under the bench's load falls from ~330 to ~240 MiB for CPU within the noise
 * (docs/BENCHMARKS.md, "Peak memory").
 */
export const PRODUCTION_NODE_FLAGS: readonly string[] = ['--max-old-space-size=1024'];

/**
 * Compiles `root`'s src/ into `distDir` as `npm run build` does (never touching dist/), static
 * files included. `distDir` must lie inside a checkout, where the build finds node_modules.
 */
export function buildService(root: string, distDir: string): void {
  compileServiceSync(distDir, root);
}

/**
 * Production settings with the demo users and clients seeded; the per-IP and per-client limits on
 * /token and /wallet, which a benchmark from one address trips at once, raised out of the way.
 */
export function serviceEnv(options: {
  port: number;
  mongoUri: string;
  codeTtlSeconds: number;
}): NodeJS.ProcessEnv {
  const unlimited = '100000000';
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    SEED_DEMO_DATA: 'true',
    KEY_ENCRYPTION_SECRET: randomBytes(36).toString('base64url'),
    MONGODB_URI: options.mongoUri,
    HOST: '127.0.0.1',
    PORT: String(options.port),
    ISSUER: `http://127.0.0.1:${options.port}`,
    // Production refuses an http issuer unless told: the bench runs on loopback only.
    ALLOW_INSECURE_ISSUER: 'true',
    LOG_LEVEL: 'warn',
    AUTH_CODE_TTL_SECONDS: String(options.codeTtlSeconds),
    RATE_LIMIT_TOKEN_PER_IP: unlimited,
    RATE_LIMIT_TOKEN_PER_CLIENT: unlimited,
    RATE_LIMIT_WALLET_PER_IP: unlimited,
    RATE_LIMIT_WALLET_PER_ADDRESS: unlimited,
    // Codes are minted through the real login and /authorize before each exchange phase.
    RATE_LIMIT_AUTHORIZE_PER_IP: unlimited,
    RATE_LIMIT_LOGIN_PER_IP: unlimited,
    RATE_LIMIT_METADATA_PER_IP: unlimited,
    RATE_LIMIT_REGISTER_PER_IP: unlimited,
    RATE_LIMIT_PASSKEY_PER_IP: unlimited,
    RATE_LIMIT_OID4VP_PER_IP: unlimited,
    // The admin phases read one list page after another with one admin client's token.
    RATE_LIMIT_ADMIN_API_PER_IP: unlimited,
    RATE_LIMIT_ADMIN_API_PER_CLIENT: unlimited,
    // The CIBA phases' agent keeps every request of a round pending for user0 at once, which the
    // cap exists to refuse; each request still pays for the count of them.
    CIBA_MAX_PENDING_PER_CLIENT: unlimited,
    // The issuer is an IP address, which is no RP ID: the passkeys of bench/lib/passkeys.ts are
    // scoped to localhost.
    WEBAUTHN_RP_ID: 'localhost',
    WEBAUTHN_ORIGINS: 'http://localhost',
  };
}

/** Proofgate running from a build, as the bench scripts start it. */
export interface RunningService {
  readonly server: ServerProcess;
  readonly port: number;
  readonly origin: string;
}

/**
 * Starts Proofgate from its build in `distDir` on a free port with `serviceEnv` (and `env` over
 * it), resolving once its metadata answers, with production's Node flags; `nodeFlags` go after
 * them, before main.js (--inspect..., or a flag that overrides one of production's).
 */
export async function startService(options: {
  name?: string;
  distDir: string;
  mongoUri: string;
  codeTtlSeconds: number;
  nodeFlags?: readonly string[];
  env?: NodeJS.ProcessEnv;
}): Promise<RunningService> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const { mongoUri, codeTtlSeconds } = options;
  const server = await startServer({
    name: options.name ?? 'proofgate',
    command: process.execPath,
    args: [
      ...PRODUCTION_NODE_FLAGS,
      ...(options.nodeFlags ?? []),
      join(options.distDir, 'main.js'),
    ],
    cwd: resolve(__dirname, '..', '..'),
    env: { ...serviceEnv({ port, mongoUri, codeTtlSeconds }), ...options.env },
    readyUrl: `${origin}/.well-known/oauth-authorization-server`,
  });
  return { server, port, origin };
}

/** Logs user0 in through the real form: the page's CSRF token and cookie, then the POST. */
export async function login(browser: Browser, username = 'user0'): Promise<void> {
  const page = await browser.get('/login?return_to=%2F');
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.text)?.[1];
  if (page.status !== 200 || !csrf) throw new Error(`login page: ${page.status}, no CSRF token`);
  const res = await browser.postForm('/login', {
    username,
    // The demo users' passwords (demo-user.seeder.ts): user0's password0, and so on.
    password: username.replace(/^user/, 'password'),
    csrf_token: csrf,
    return_to: '/',
  });
  if (res.status !== 303) throw new Error(`login: ${res.status} ${res.text.slice(0, 200)}`);
}

/** The scope of every code the bench mints (no `openid`: the exchange signs one JWT). */
const CODE_SCOPE = 'profile';

/** Codes from GET /authorize with the logged-in browser's session, as a client would get them. */
export async function mintCodes(browser: Browser, n: number): Promise<MintedCode[]> {
  return inBatches(n, 16, async () => {
    const { query, state, verifier } = authorizationRequest(DEMO_CLIENT, CODE_SCOPE);
    const res = await browser.get(`/authorize?${query}`);
    if (res.status !== 302) throw new Error(`authorize: ${res.status} ${res.text.slice(0, 200)}`);
    return { code: codeFromRedirect(res.location, state), verifier };
  });
}

/**
 * The same requests for the load generator: GET /authorize with the logged-in browser's session
 * cookie, each answered 302 with a code (demo-client is first-party: no consent screen).
 */
export function authorizeRequests(browser: Browser, n: number): PreparedAuthorizations {
  return signedInAuthorizations(
    [browser],
    '/authorize',
    { client: DEMO_CLIENT, scope: CODE_SCOPE },
    n,
  );
}

/** PARTNER_CLIENT in OAUTH_CLIENTS: not first-party, so its requests read the user's consent. */
export function partnerClientMetadata(): Record<string, unknown> {
  return {
    client_id: PARTNER_CLIENT.id,
    client_secret: PARTNER_CLIENT.secret,
    name: 'Bench partner',
    redirect_uris: [PARTNER_CLIENT.redirectUri],
    grant_types: ['authorization_code'],
  };
}

/**
 * Signs `browser` in on the login page with `account`, an Ethereum wallet never seen before (an
 * account of its own: each browser a person of its own), as the page's script does: a nonce for
 * the address, then the signed SIWE message posted with the page's CSRF token.
 */
export async function signInWithWallet(
  browser: Browser,
  account: PrivateKeyAccount,
): Promise<void> {
  const page = await browser.get('/login?return_to=%2F');
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.text)?.[1];
  if (page.status !== 200 || !csrf) throw new Error(`login page: ${page.status}, no CSRF token`);
  const nonce = await browser.postJson('/wallet/nonce', { address: account.address, chainId: 1 });
  if (nonce.status !== 201)
    throw new Error(`wallet nonce: ${nonce.status} ${nonce.text.slice(0, 200)}`);
  const { message } = JSON.parse(nonce.text) as { message: string };
  const signedIn = await browser.postJson('/login/siwe', {
    message,
    signature: await account.signMessage({ message }),
    csrf_token: csrf,
    return_to: '/',
  });
  if (signedIn.status !== 200)
    throw new Error(`wallet sign-in: ${signedIn.status} ${signedIn.text.slice(0, 200)}`);
}

/**
 * `browser`'s person allows PARTNER_CLIENT the browsers' scope, on the consent screen its first
 * request gets (Allow, with the page's CSRF token); the next request then gets a code.
 */
export async function allowPartner(browser: Browser): Promise<void> {
  const { query, state } = authorizationRequest(PARTNER_CLIENT, SIGN_IN_SCOPE, { nonce: 'allow' });
  const screen = await browser.get(`/authorize?${query}`);
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(screen.text)?.[1];
  const returnTo = /name="return_to" value="([^"]+)"/.exec(screen.text)?.[1];
  if (screen.status !== 200 || !csrf || !returnTo) {
    throw new Error(`consent screen: ${screen.status} ${screen.text.slice(0, 200)}`);
  }
  const allowed = await browser.postForm('/consent', {
    decision: 'allow',
    csrf_token: csrf,
    return_to: returnTo.replace(/&amp;/g, '&'),
  });
  if (allowed.status !== 303 || !allowed.location) throw new Error(`consent: ${allowed.status}`);
  const back = await browser.get(allowed.location);
  if (back.status !== 302) throw new Error(`after consent: ${back.status}`);
  codeFromRedirect(back.location, state);
}

/**
 * The browsers' requests: an OpenID Connect sign-in of PARTNER_CLIENT (its consent read each time)
 * with a nonce, round robin over `browsers`, each answered 302 with a code.
 */
export function partnerSignInRequests(
  browsers: readonly Browser[],
  n: number,
): PreparedAuthorizations {
  return signedInAuthorizations(
    browsers,
    '/authorize',
    { client: PARTNER_CLIENT, scope: SIGN_IN_SCOPE, withNonce: true },
    n,
  );
}

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

export function exchangeRequests(codes: readonly MintedCode[]): RequestSpec[] {
  return codes.map((minted) => codeExchangeRequest(DEMO_CLIENT, minted));
}

/** The same exchanges, each with a fresh DPoP proof of `signer`'s key (RFC 9449 §5). */
export function dpopExchangeRequests(
  codes: readonly MintedCode[],
  origin: string,
  signer: DpopSigner,
): RequestSpec[] {
  return exchangeRequests(codes).map((spec) => ({
    ...spec,
    headers: { ...spec.headers, dpop: dpopProof(signer, 'POST', `${origin}/token`) },
  }));
}

/** GET /api/me with DPoP-bound tokens, each with a fresh proof carrying its `ath` (§7). */
export function dpopMeRequests(
  accessTokens: readonly string[],
  n: number,
  origin: string,
  signer: DpopSigner,
): RequestSpec[] {
  return Array.from({ length: n }, (_, i) => {
    const token = accessTokens[i % accessTokens.length];
    return {
      method: 'GET',
      path: '/api/me',
      headers: {
        authorization: `DPoP ${token}`,
        dpop: dpopProof(signer, 'GET', `${origin}/api/me`, token),
      },
    };
  });
}

export function refreshRequests(refreshTokens: readonly string[]): RequestSpec[] {
  const authorization = basicAuth(DEMO_CLIENT.id, DEMO_CLIENT.secret);
  return refreshTokens.map((token) => ({
    method: 'POST',
    path: '/token',
    headers: { authorization, 'content-type': FORM },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token }).toString(),
  }));
}

export function meRequests(accessTokens: readonly string[], n: number): RequestSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    method: 'GET',
    path: '/api/me',
    headers: { authorization: `Bearer ${accessTokens[i % accessTokens.length]}` },
  }));
}

/** POST /wallet/nonce for each address in turn (request i from `addresses[i % length]`). */
export function nonceRequests(addresses: readonly Address[], n: number): RequestSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    method: 'POST',
    path: '/wallet/nonce',
    headers: { 'content-type': JSON_TYPE },
    body: JSON.stringify({ address: addresses[i % addresses.length], chainId: 1 }),
  }));
}

/**
 * Addresses of wallets never seen before, checksummed (EIP-55) as wallets send them. Sign-ins
 * come from many wallets: a nonce issue for a wallet met for the first time pays for its
 * checksum, which repeating a few accounts would leave to a cache.
 */
export function newWalletAddresses(n: number): Address[] {
  return Array.from({ length: n }, () => getAddress(`0x${randomBytes(20).toString('hex')}`));
}

/** A Solana wallet of the bench: an Ed25519 keypair (@noble/curves), its address base58. */
export interface SolanaBenchWallet {
  readonly address: string;
  readonly secretKey: Uint8Array;
}

export function newSolanaWallets(n: number): SolanaBenchWallet[] {
  return Array.from({ length: n }, () => {
    const secretKey = ed25519.utils.randomPrivateKey();
    return { address: bs58.encode(ed25519.getPublicKey(secretKey)), secretKey };
  });
}

/** One Sign In With Solana nonce request per wallet, on mainnet (the default SIWS_CHAINS). */
export function solanaNonceRequests(wallets: readonly SolanaBenchWallet[]): RequestSpec[] {
  return wallets.map((wallet) => ({
    method: 'POST',
    path: '/wallet/nonce',
    headers: { 'content-type': JSON_TYPE },
    body: JSON.stringify({ address: wallet.address, chainId: 'solana:mainnet' }),
  }));
}

/** Signs message i with wallet i, base58 as Solana wallets hand signatures over. */
export function signSolanaMessages(
  wallets: readonly SolanaBenchWallet[],
  messages: readonly string[],
): RequestSpec[] {
  return messages.map((message, i) => ({
    method: 'POST' as const,
    path: '/wallet/verify',
    headers: { 'content-type': JSON_TYPE },
    body: JSON.stringify({
      message,
      signature: bs58.encode(
        ed25519.sign(new TextEncoder().encode(message), wallets[i % wallets.length].secretKey),
      ),
    }),
  }));
}

/** A Bitcoin wallet of the bench: the lab's (BIP-322 simple by @scure/btc-signer), on mainnet. */
export type BitcoinBenchWallet = ReturnType<typeof newBitcoinWallet>;

export function newBitcoinWallets(n: number, type: BitcoinAddressType): BitcoinBenchWallet[] {
  return Array.from({ length: n }, () => newBitcoinWallet(type));
}

/** One Sign in with Bitcoin nonce request per wallet, on mainnet (the default SIWB_CHAINS). */
export function bitcoinNonceRequests(wallets: readonly BitcoinBenchWallet[]): RequestSpec[] {
  return wallets.map((wallet) => ({
    method: 'POST',
    path: '/wallet/nonce',
    headers: { 'content-type': JSON_TYPE },
    body: JSON.stringify({ address: wallet.address, chainId: BITCOIN_MAINNET }),
  }));
}

/** Signs message i with wallet i, base64 as Bitcoin wallets' `signMessage` answers. */
export function signBitcoinMessages(
  wallets: readonly BitcoinBenchWallet[],
  messages: readonly string[],
): RequestSpec[] {
  return messages.map((message, i) => ({
    method: 'POST' as const,
    path: '/wallet/verify',
    headers: { 'content-type': JSON_TYPE },
    body: JSON.stringify({ message, signature: wallets[i].signText(message) }),
  }));
}

/** Signs each issued message with the account it was issued to (nonce request i used account i % k). */
export async function signMessages(
  accounts: readonly PrivateKeyAccount[],
  messages: readonly string[],
): Promise<RequestSpec[]> {
  return Promise.all(
    messages.map(async (message, i) => ({
      method: 'POST' as const,
      path: '/wallet/verify',
      headers: { 'content-type': JSON_TYPE },
      body: JSON.stringify({
        message,
        signature: await accounts[i % accounts.length].signMessage({ message }),
      }),
    })),
  );
}

/**
 * `n` SIWE sign-ins of new wallets, ready for the load generator: each wallet's nonce asked at
 * `origin` (POST /wallet/nonce, not measured) and its message signed.
 */
export async function walletVerifyRequests(origin: string, n: number): Promise<RequestSpec[]> {
  const wallets = Array.from({ length: n }, () => privateKeyToAccount(generatePrivateKey()));
  const messages = await inBatches(n, 16, async (i) => {
    const response = await fetch(`${origin}/wallet/nonce`, {
      method: 'POST',
      headers: { 'content-type': JSON_TYPE },
      body: JSON.stringify({ address: wallets[i].address, chainId: 1 }),
    });
    const body = (await response.json()) as { message?: string };
    if (response.status !== 201 || typeof body.message !== 'string') {
      throw new Error(`nonce: ${response.status} ${JSON.stringify(body)}`);
    }
    return body.message;
  });
  return signMessages(wallets, messages);
}
