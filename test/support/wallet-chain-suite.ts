/**
 * What every wallet chain must do at POST /wallet/nonce and POST /wallet/verify, whatever its
 * signatures: the test-side twin of "a chain is a folder" (src/wallet/<chain>/). A chain's spec
 * file describes the chain (`WalletChain`: its keys, its chain ids, its refusal texts) and runs
 * `describeWalletChain(chain, own)`, which boots one app and runs this conformance suite, then the
 * chain's own tests (`own`) against the same app.
 */
import request from 'supertest';
import { decodeJwt } from 'jose';
import { sha256Base64Url } from '../../src/platform/crypto/hashing';
import { SecurityEventLog } from '../../src/telemetry/security-events/security-event.log';
import { accountToken } from './accounts';
import { exchangeCode, obtainCode } from './oauth';
import { expectRefusal } from './refusal';
import { register } from './registration';
import { TestApp, createTestApp } from './test-app';
import { placeInWindow } from './rate-limit-window';

/** A key of the chain, as its wallets hold it: an address, and signMessage's answer. */
export interface ChainWallet {
  readonly address: string;
  sign(message: string): Promise<string>;
}

/** POST /wallet/nonce's answer. */
export interface IssuedNonce {
  nonce: string;
  address: string;
  chainId: number | string;
  domain: string;
  uri: string;
  issuedAt: string;
  expirationTime: string;
  message: string;
}

/** A refusal: status, error and error_description of the one envelope. */
export type Refusal = readonly [status: number, error: string, description: string];

export interface WalletChain {
  /** The auth_method (and amr) of its sign-ins: siwe, siws, siwb. */
  readonly method: string;
  /** The account its messages name: "wants you to sign in with your <account> account:". */
  readonly account: string;
  /** The chain's settings (its allowlist), on top of the suite's. */
  readonly env?: Record<string, string>;
  /** Providers the app replaces (createTestApp's overrides), for the chain's own tests. */
  readonly overrides?: Parameters<typeof createTestApp>[1];
  /** The kinds of key that sign in, by name (the first is the suite's default). */
  readonly wallets: ReadonlyArray<readonly [name: string, make: () => ChainWallet]>;
  /** The chain as a nonce is asked for it, and as the answer and message name it. */
  readonly chainId: number | string;
  readonly issuedChainId: number | string;
  /** Its CAIP-2 id: the subject is `<caip2>:<address>`. */
  readonly caip2: string;
  /** The address as wallets report it, when it may differ from how the message writes it. */
  readonly reported?: (address: string) => string;
  /** How the challenge store keeps the nonce: its kind and binding. */
  readonly stored: { kind: string; address: (address: string) => string; chainId: string };
  /** Another allowed chain of the same family (its id as the message names it), if any. */
  readonly otherChain?: number | string;
  /** A chain of the family this service does not accept, and how the refusal names it. */
  readonly refusedChain: { readonly id: number | string; readonly shown: string };
  /** Whether the issued message carries an Expiration Time. */
  readonly expiresInMessage: boolean;
  /** The chain's own check of the issued message's exact text (an independent library's). */
  expectIssuedMessage(issued: IssuedNonce, wallet: ChainWallet, statement: string): void;
  /** A URI that is not the site's, and the refusal's text. */
  readonly foreignUri: { readonly uri: (site: string) => string; readonly description: string };
  /** Nonce requests the chain refuses: the fields over a good request, and the refusal. */
  readonly nonceRefusals: ReadonlyArray<
    readonly [name: string, fields: () => Record<string, unknown>, ...Refusal]
  >;
  /** Messages the chain refuses though signed by the wallet: the edit, and the refusal. */
  readonly messageRefusals: ReadonlyArray<
    readonly [name: string, edit: (message: string) => string, ...Refusal]
  >;
  /** Signatures the chain refuses: how to make one from the wallet's, and the refusal. */
  readonly signatureRefusals?: ReadonlyArray<
    readonly [
      name: string,
      forge: (signature: string, message: string) => string | Promise<string>,
      ...Refusal,
    ]
  >;
}

/** The chain's tests beside the suite, on the same app. */
export interface WalletChainContext {
  readonly t: TestApp;
  /** A client_id of a public dApp registered for https://dapp.example. */
  readonly dapp: string;
  /** POST /wallet/nonce from an IP of its own (so per-(IP, address) counts never interfere). */
  nonce(body: Record<string, unknown>): request.Test;
  /** POST /wallet/verify from an IP of its own. */
  verify(body: Record<string, unknown>): request.Test;
  /** A nonce for the wallet on the chain's default chain (201), with `extra` fields. */
  issue(wallet: ChainWallet, extra?: Record<string, unknown>): Promise<IssuedNonce>;
  /** GET /api/me with the access token (200). */
  me(accessToken: string): Promise<Me>;
}

export interface Me {
  sub: string;
  auth_method: string;
  client_id: string;
  scope: string;
}

/** The statement of a script's message (no client_id, no cookies: the built-in wallet client). */
export const WALLET_CLIENT_STATEMENT =
  "Sign in to Proofgate's wallet client: tokens for this site only, no login session.";
export const MESSAGE_CHANGED =
  'The signed message differs from the one issued with its nonce; sign the message exactly as issued';
export const SITE = { domain: 'app.example.com', uri: 'https://app.example.com' };
const PER_ADDRESS = 5;

/**
 * The refusals of a CAIP-122 chain's message text (src/wallet/core/caip122-message.ts), each
 * signed by the wallet: `profile` is the name its texts give the chain ("Sign In With Solana"),
 * `last` the field nothing may follow, and `appended` a field added after it.
 */
export function caip122MessageRefusals(
  profile: string,
  last: string,
  appended: readonly [name: string, text: string],
): WalletChain['messageRefusals'] {
  const notAsIssued = `Not a ${profile} message as issued`;
  const oneLine = `${notAsIssued}: the statement must be one line, followed by a blank line`;
  const S = WALLET_CLIENT_STATEMENT;
  return [
    [
      'a multi-line statement',
      (m) => m.replace(S, `${S}\nURI: https://evil.example`),
      400,
      'invalid_message',
      oneLine,
    ],
    [
      'no blank line before the fields',
      (m) => m.replace(`${S}\n\n`, `${S}\n`),
      400,
      'invalid_message',
      oneLine,
    ],
    [
      appended[0],
      (m) => `${m}\n${appended[1]}`,
      400,
      'invalid_message',
      `${notAsIssued}: nothing may follow the ${last}`,
    ],
    [
      'version 2',
      (m) => m.replace('Version: 1', 'Version: 2'),
      400,
      'invalid_message',
      `Only version 1 of ${profile} messages is supported`,
    ],
  ];
}

export function describeWalletChain(
  chain: WalletChain,
  own: (w: WalletChainContext) => void = () => undefined,
): void {
  let t: TestApp;
  let dapp: string;
  let ip = 0;
  const from = () => `198.51.100.${(ip++ % 250) + 1}`;
  const [, defaultWallet] = chain.wallets[0];

  const w: WalletChainContext = {
    get t() {
      return t;
    },
    get dapp() {
      return dapp;
    },
    nonce: (body) => t.http().post('/wallet/nonce').set('X-Forwarded-For', from()).send(body),
    verify: (body) => t.http().post('/wallet/verify').set('X-Forwarded-For', from()).send(body),
    async issue(wallet, extra = {}) {
      const res = await w.nonce({ address: wallet.address, chainId: chain.chainId, ...extra });
      expect(res.status).toBe(201);
      return res.body as IssuedNonce;
    },
    async me(accessToken) {
      const res = await t.http().get('/api/me').set('Authorization', `Bearer ${accessToken}`);
      expect(res.status).toBe(200);
      return res.body as Me;
    },
  };
  const { nonce, verify, issue, me } = w;
  const signed = async (wallet: ChainWallet, message: string) => ({
    message,
    signature: await wallet.sign(message),
  });
  const chainLine = (id: number | string) => `Chain ID: ${id}`;
  const ttl = () => t.config.challenges.walletNonceTtlSeconds;

  describe(`${chain.method}: the wallet chain conformance suite`, () => {
    beforeAll(async () => {
      t = await createTestApp(
        {
          TRUST_PROXY: 'loopback',
          SIWE_URI: SITE.uri,
          RATE_LIMIT_WALLET_PER_IP: '100000',
          RATE_LIMIT_LOGIN_PER_IP: '100000',
          RATE_LIMIT_WALLET_PER_ADDRESS: String(PER_ADDRESS),
          ...chain.env,
        },
        chain.overrides,
      );
      // One listening server, so concurrent supertest requests do not each call listen().
      await t.app.listen(0, '127.0.0.1');
      dapp = (
        await register(t, {
          redirect_uris: ['https://dapp.example/callback'],
          token_endpoint_auth_method: 'none',
          client_name: 'A dApp',
        }).expect(201)
      ).body.client_id as string;
    });
    afterAll(() => t.close());
    beforeEach(() => placeInWindow([t]));

    describe('POST /wallet/nonce', () => {
      it('answers 201 no-store with a nonce and the exact message to sign', async () => {
        const wallet = defaultWallet();
        const res = await nonce({
          address: (chain.reported ?? String)(wallet.address),
          chainId: chain.chainId,
        });
        expect(res.status).toBe(201);
        expect(res.headers['cache-control']).toBe('no-store');
        const body = res.body as IssuedNonce;
        expect(body).toEqual({
          nonce: expect.stringMatching(/^[0-9A-Za-z]{22}$/),
          address: wallet.address,
          chainId: chain.issuedChainId,
          domain: SITE.domain,
          uri: SITE.uri,
          issuedAt: expect.any(String),
          expirationTime: expect.any(String),
          message: expect.any(String),
        });
        const issuedAt = Date.parse(body.issuedAt);
        expect(Math.abs(issuedAt - t.clock.now().getTime())).toBeLessThan(5000);
        expect(Date.parse(body.expirationTime) - issuedAt).toBe(300_000);
        expect(body.message.split('\n').slice(0, 2)).toEqual([
          `${SITE.domain} wants you to sign in with your ${chain.account} account:`,
          wallet.address,
        ]);
        chain.expectIssuedMessage(body, wallet, WALLET_CLIENT_STATEMENT);
      });

      it('stores only a hash of the nonce, bound to the address and the chain, expiring with the message', async () => {
        const wallet = defaultWallet();
        const body = await issue(wallet);
        const challenges = t.connection.collection('challenges');
        expect(await challenges.findOne({ _id: body.nonce as never })).toBeNull();
        const stored = await challenges.findOne({ _id: sha256Base64Url(body.nonce) as never });
        expect(stored).toMatchObject({
          kind: chain.stored.kind,
          binding: {
            address: chain.stored.address(wallet.address),
            chain_id: chain.stored.chainId,
          },
        });
        expect((stored?.expiresAt as Date).toISOString()).toBe(body.expirationTime);
        // One document per nonce, living as long as the nonce: nothing else is written for it.
        const collections = (await t.connection.db!.listCollections().toArray()).map((c) => c.name);
        expect(collections).not.toContain('wallet_nonce_receipts');
      });

      it('hands out a fresh nonce on every call, several alive per address', async () => {
        const wallet = defaultWallet();
        const nonces = await Promise.all(
          Array.from({ length: 5 }, async () => (await issue(wallet)).nonce),
        );
        expect(new Set(nonces).size).toBe(5);
      });

      it('refuses a chain that is not allowed with 400 chain_not_allowed', async () => {
        expectRefusal(
          await nonce({ address: defaultWallet().address, chainId: chain.refusedChain.id }),
          400,
          'chain_not_allowed',
          `Chain ${chain.refusedChain.shown} is not accepted by this service`,
        );
      });

      it.each(chain.nonceRefusals)('refuses %s', async (_name, fields, ...refusal) => {
        const res = await nonce({
          address: defaultWallet().address,
          chainId: chain.chainId,
          ...fields(),
        });
        expectRefusal(res, ...refusal);
      });
    });

    describe('POST /wallet/verify', () => {
      describe.each(chain.wallets)('signed by %s', (_name, makeWallet) => {
        it(`answers 200 no-store with tokens for the CAIP-10 account, auth_method ${chain.method}, usable at /api/me and /token`, async () => {
          const wallet = makeWallet();
          const issued = await issue(wallet);
          const res = await verify(await signed(wallet, issued.message));

          expect(res.status).toBe(200);
          expect(res.headers['cache-control']).toBe('no-store');
          const tokens = res.body as { access_token: string; refresh_token: string };
          expect(tokens).toEqual({
            access_token: expect.any(String),
            token_type: 'Bearer',
            expires_in: t.config.tokens.accessTokenTtlSeconds,
            refresh_token: expect.any(String),
            scope: 'profile',
          });
          const account = {
            sub: `${chain.caip2}:${wallet.address}`,
            auth_method: chain.method,
            client_id: 'wallet',
          };
          expect(await me(tokens.access_token)).toMatchObject({ ...account, scope: 'profile' });

          const refreshed = await t.http().post('/token').type('form').send({
            grant_type: 'refresh_token',
            refresh_token: tokens.refresh_token,
            client_id: 'wallet',
          });
          expect(refreshed.status).toBe(200);
          expect(refreshed.body.refresh_token).not.toBe(tokens.refresh_token);
          expect(await me(refreshed.body.access_token as string)).toMatchObject(account);
        });

        it('refuses a signature by another key of this kind, and the nonce stays for its owner', async () => {
          const wallet = makeWallet();
          const issued = await issue(wallet);
          expectRefusal(
            await verify(await signed(makeWallet(), issued.message)),
            401,
            'invalid_signature',
            'The signature is not valid for the message address',
          );
          expect((await verify(await signed(wallet, issued.message))).status).toBe(200);
        });
      });

      it('refuses a replay of a used message with nonce_already_used and records the attack', async () => {
        const wallet = defaultWallet();
        const proof = await signed(wallet, (await issue(wallet)).message);
        const events = t.app.get(SecurityEventLog);
        const before = await events.count('wallet_nonce_replay');
        expect((await verify(proof)).status).toBe(200);
        expectRefusal(
          await verify(proof),
          401,
          'nonce_already_used',
          'The nonce has already been used; request a new one',
        );
        expect(await events.count('wallet_nonce_replay')).toBe(before + 1);
      });

      it('lets exactly one of 50 concurrent verifications of one signed message through', async () => {
        const wallet = defaultWallet();
        const proof = await signed(wallet, (await issue(wallet)).message);
        const results = await Promise.all(Array.from({ length: 50 }, () => verify(proof)));
        expect(results.filter((r) => r.status === 200)).toHaveLength(1);
        expect(
          results.filter((r) => r.status !== 200).map((r) => [r.status, r.body.error as string]),
        ).toEqual(Array.from({ length: 49 }, () => [401, 'nonce_already_used']));
      });

      it('keeps several live nonces per address, each usable once', async () => {
        const wallet = defaultWallet();
        const first = await issue(wallet);
        const second = await issue(wallet);
        expect(second.nonce).not.toBe(first.nonce);
        expect((await verify(await signed(wallet, second.message))).status).toBe(200);
        expect((await verify(await signed(wallet, first.message))).status).toBe(200);
      });

      it("refuses another address's nonce, even signed by that other address's own key, and the owner can still use it", async () => {
        const victim = defaultWallet();
        const attacker = defaultWallet();
        const issued = await issue(victim);
        const message = issued.message.replace(victim.address, attacker.address);
        expectRefusal(
          await verify(await signed(attacker, message)),
          401,
          'invalid_nonce',
          'The nonce is bound to another address',
        );
        expect((await verify(await signed(victim, issued.message))).status).toBe(200);
      });

      if (chain.otherChain !== undefined) {
        const other = chain.otherChain;
        it(`refuses a ${chain.issuedChainId} nonce in a message for ${other} (cross-chain), and it still works on its own chain`, async () => {
          const wallet = defaultWallet();
          const issued = await issue(wallet);
          const message = issued.message.replace(chainLine(chain.issuedChainId), chainLine(other));
          expectRefusal(
            await verify(await signed(wallet, message)),
            401,
            'invalid_nonce',
            'The nonce was issued for another chain',
          );
          expect((await verify(await signed(wallet, issued.message))).status).toBe(200);
        });
      }

      const tamperings: Array<readonly [string, (message: string) => string]> = [
        ['statement', (m) => m.replace(WALLET_CLIENT_STATEMENT, 'Transfer everything')],
        ...(chain.expiresInMessage
          ? [
              [
                'expiration time',
                (m: string) =>
                  m.replace(/Expiration Time: .*$/m, 'Expiration Time: 2099-01-01T00:00:00.000Z'),
              ] as const,
            ]
          : []),
      ];
      it.each(tamperings)(
        'refuses a message whose %s was edited after signing with invalid_signature, without burning the nonce',
        async (_what, edit) => {
          const wallet = defaultWallet();
          const issued = await issue(wallet);
          const signature = await wallet.sign(issued.message);
          const tampered = edit(issued.message);
          expect(tampered).not.toBe(issued.message);
          expectRefusal(
            await verify({ message: tampered, signature }),
            401,
            'invalid_signature',
            'The signature is not valid for the message address',
          );
          expect((await verify({ message: issued.message, signature })).status).toBe(200);
        },
      );

      const earlier = (by: (at: Date) => Date) => (m: string) =>
        m.replace(
          /Issued At: (.*)$/m,
          (_all, at: string) => `Issued At: ${by(new Date(at)).toISOString()}`,
        );
      // Each signed by the wallet itself: refused for what the text says, not for the signature.
      it.each<readonly [string, (message: string) => string, ...Refusal]>([
        [
          'another domain',
          (m) => m.replace(`${SITE.domain} wants`, 'evil.example wants'),
          401,
          'domain_mismatch',
          'The message is for another domain',
        ],
        [
          'another URI',
          (m) => m.replace(`URI: ${SITE.uri}`, `URI: ${chain.foreignUri.uri(SITE.uri)}`),
          401,
          'uri_mismatch',
          chain.foreignUri.description,
        ],
        [
          'another statement',
          (m) => m.replace(WALLET_CLIENT_STATEMENT, 'Transfer everything'),
          401,
          'invalid_nonce',
          MESSAGE_CHANGED,
        ],
        [
          'an Issued At a second before its nonce',
          earlier((at) => new Date(at.getTime() - 1000)),
          401,
          'invalid_nonce',
          MESSAGE_CHANGED,
        ],
        // Without an Expiration Time, a message's lifetime runs from its Issued At.
        [
          'an Issued At years before its nonce',
          earlier(() => new Date('2000-01-01T00:00:00Z')),
          401,
          ...(chain.expiresInMessage
            ? (['invalid_nonce', MESSAGE_CHANGED] as const)
            : (['expired_message', 'The message has expired'] as const)),
        ],
        [
          'a chain that is not allowed',
          (m) => m.replace(chainLine(chain.issuedChainId), chainLine(chain.refusedChain.id)),
          400,
          'chain_not_allowed',
          `Chain ${chain.refusedChain.shown} is not accepted by this service`,
        ],
      ])(
        'refuses a message with %s, without burning the nonce',
        async (_name, edit, ...refusal) => {
          const wallet = defaultWallet();
          const issued = await issue(wallet);
          const message = edit(issued.message);
          expect(message).not.toBe(issued.message);
          expectRefusal(await verify(await signed(wallet, message)), ...refusal);
          expect((await verify(await signed(wallet, issued.message))).status).toBe(200);
        },
      );

      it('refuses a nonce this service never issued with invalid_nonce', async () => {
        const wallet = defaultWallet();
        const issued = await issue(wallet);
        const message = issued.message.replace(
          `Nonce: ${issued.nonce}`,
          'Nonce: NeverIssued12345678',
        );
        expectRefusal(
          await verify(await signed(wallet, message)),
          401,
          'invalid_nonce',
          'The nonce was not issued by this service',
        );
      });

      it.each(chain.messageRefusals)('refuses %s', async (_name, edit, ...refusal) => {
        const wallet = defaultWallet();
        const message = edit((await issue(wallet)).message);
        expectRefusal(await verify(await signed(wallet, message)), ...refusal);
      });

      if (chain.signatureRefusals !== undefined) {
        it.each(chain.signatureRefusals)(
          'refuses %s as the signature, never a 5xx',
          async (_name, forge, ...refusal) => {
            const wallet = defaultWallet();
            const issued = await issue(wallet);
            const signature = await forge(await wallet.sign(issued.message), issued.message);
            expectRefusal(await verify({ message: issued.message, signature }), ...refusal);
          },
        );
      }

      it('refuses the issued message once its nonce expired with expired_message', async () => {
        const wallet = defaultWallet();
        const proof = await signed(wallet, (await issue(wallet)).message);
        t.clock.advance(ttl() + 1);
        expectRefusal(await verify(proof), 401, 'expired_message', 'The message has expired');
      });
    });

    describe("a dApp's client_id", () => {
      it("signs in to a dApp with its client_id: the message names the dApp's origin", async () => {
        const wallet = defaultWallet();
        const issued = await issue(wallet, { client_id: dapp });
        expect(issued.message.split('\n')[0]).toBe(
          `dapp.example wants you to sign in with your ${chain.account} account:`,
        );
        const proof = await signed(wallet, issued.message);
        // Without the client_id (the built-in wallet client's sites) it is another domain's.
        expectRefusal(
          await verify(proof),
          401,
          'domain_mismatch',
          'The message is for another domain',
        );
        const res = await verify({ ...proof, client_id: dapp });
        expect(res.status).toBe(200);
        expect(decodeJwt(res.body.access_token as string)).toMatchObject({
          sub: `${chain.caip2}:${wallet.address}`,
          client_id: dapp,
        });
      });

      it.each([
        ['an unknown client', 'nobody', 'client_id is not a registered client'],
        [
          'a confidential client',
          'demo-client',
          'client_id must be a public client: wallet login does not authenticate client secrets',
        ],
      ])(
        'refuses %s as client_id with 400 invalid_request, without burning the nonce',
        async (_what, clientId, description) => {
          const wallet = defaultWallet();
          const proof = await signed(wallet, (await issue(wallet)).message);
          expectRefusal(
            await verify({ ...proof, client_id: clientId }),
            400,
            'invalid_request',
            description,
          );
          expect((await verify(proof)).status).toBe(200);
        },
      );
    });

    describe('the login page and the code flow behind it', () => {
      it(`opens a login session at POST /login/siwe; the id_token says amr ["${chain.method}"]`, async () => {
        const wallet = defaultWallet();
        const browser = request.agent(t.app.getHttpServer());
        const page = await browser.get('/login').expect(200);
        const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.text)![1];
        const issued = (
          await browser
            .post('/wallet/nonce')
            .send({ address: wallet.address, chainId: chain.chainId })
            .expect(201)
        ).body as IssuedNonce;
        expect(issued.message).toContain('\nSign in to Proofgate in this browser.\n');
        const proof = await signed(wallet, issued.message);

        // A script's message (no cookies) is not the page's; the page's is not a script's.
        const scripted = await signed(wallet, (await issue(wallet)).message);
        const atPage = (body: object) =>
          browser.post('/login/siwe').send({ ...body, csrf_token: csrf, return_to: '/' });
        expect((await atPage(scripted)).body.error).toBe('invalid_nonce');
        expect((await verify(proof)).body.error).toBe('invalid_nonce');

        await atPage(proof).expect(200);
        const { code, verifier } = await obtainCode(browser, { scope: 'openid profile' });
        const tokens = await exchangeCode(t.app.getHttpServer(), code, verifier).expect(200);
        expect(decodeJwt(tokens.body.id_token as string)).toMatchObject({
          sub: `${chain.caip2}:${wallet.address}`,
          amr: [chain.method],
        });
        expect(await me(tokens.body.access_token as string)).toMatchObject({
          auth_method: chain.method,
        });
      });
    });

    describe('account linking', () => {
      it('links a wallet with its link message only; it then signs in to that account', async () => {
        const wallet = defaultWallet();
        const owner = await accountToken(t);
        const link = (proof: { message: string; signature: string }) =>
          t
            .http()
            .post('/account/methods/wallet')
            .set('Authorization', `Bearer ${owner}`)
            .send(proof);

        const loginProof = await signed(wallet, (await issue(wallet)).message);
        expect((await link(loginProof).expect(401)).body.error_description).toBe(
          'The message was issued to sign in, not to link a wallet to an account',
        );

        const linkMessage = (
          await t
            .http()
            .post('/account/methods/wallet/nonce')
            .set('Authorization', `Bearer ${owner}`)
            .send({ address: wallet.address, chainId: chain.chainId })
            .expect(201)
        ).body.message as string;
        expect(linkMessage).toContain(
          'Link this wallet to the Proofgate account user0: it will sign in to that account.',
        );
        // Signed by another key: refused, nothing linked.
        await link(await signed(defaultWallet(), linkMessage)).expect(401);
        const linked = await link(await signed(wallet, linkMessage)).expect(201);
        expect(linked.body.method).toBe(`${chain.caip2}:${wallet.address}`);

        // The wallet now signs in as the account, with its own method.
        const res = await verify(await signed(wallet, (await issue(wallet)).message));
        expect(res.status).toBe(200);
        const account = await me(res.body.access_token as string);
        expect(account.sub).not.toBe(`${chain.caip2}:${wallet.address}`);
        expect(account.auth_method).toBe(chain.method);
      });
    });

    describe('rate limits', () => {
      it('charges the address budget only after a valid signature', async () => {
        const victim = defaultWallet();
        const issued = await issue(victim);
        const forged = await signed(defaultWallet(), issued.message);
        // Twice the budget of forged messages naming the victim, each from an IP of its own.
        for (let i = 0; i < 2 * PER_ADDRESS; i++) {
          expect((await verify(forged)).status).toBe(401);
        }
        // The victim signs in, up to its budget, from anywhere; then it is spent.
        expect((await verify(await signed(victim, issued.message))).status).toBe(200);
        for (let i = 1; i < PER_ADDRESS; i++) {
          const next = await issue(victim);
          expect((await verify(await signed(victim, next.message))).status).toBe(200);
        }
        const limited = await verify(await signed(victim, (await issue(victim)).message));
        expect(limited.status).toBe(429);
        expect(limited.body.error).toBe('too_many_requests');
      });

      it('counts nonce requests per (IP, address)', async () => {
        const wallet = defaultWallet();
        const fromOneIp = (address: string) =>
          t
            .http()
            .post('/wallet/nonce')
            .set('X-Forwarded-For', '203.0.113.77')
            .send({ address, chainId: chain.chainId });
        for (let i = 0; i < PER_ADDRESS; i++) {
          expect((await fromOneIp(wallet.address)).status).toBe(201);
        }
        expect((await fromOneIp(wallet.address)).status).toBe(429);
        // Another address from the same IP has its own count.
        expect((await fromOneIp(defaultWallet().address)).status).toBe(201);
      });
    });

    own(w);
  });
}
