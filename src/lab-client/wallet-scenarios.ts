import type { WalletMethod } from '../proofs/proof-vocabulary';
import { LabStepFailed, Outcome, allOf, describeReply, errorOutcome } from './expectations';
import type { ErrorAnswer } from './expectations';
import { HttpClient, Reply, csrfTokenOf, field } from './http';

/**
 * The answer of POST /wallet/nonce, for either chain: the nonce, what it is bound to (address and
 * chain), and the message the wallet is asked to sign (docs/WALLET-LOGIN.md).
 */
export interface IssuedWalletNonce<Address extends string, ChainId extends string | number> {
  nonce: string;
  address: Address;
  chainId: ChainId;
  domain: string;
  uri: string;
  issuedAt: string;
  expirationTime: string;
  message: string;
}

/** The built-in public client the lab's dApp signs in to (its messages name Proofgate's site). */
export const WALLET_CLIENT_ID = 'wallet';

/** A wallet of the chain: its address and how it signs a message (encoded as the chain's dApps send it). */
export interface LabWallet<Address extends string> {
  readonly address: Address;
  sign(message: string): Promise<string>;
}

/** A chain as its lab sees it: its wallets, the chain its nonces name, its login in /api/me. */
export interface WalletChain<Address extends string, ChainId extends string | number> {
  /** A wallet with a fresh key. */
  newWallet(): LabWallet<Address>;
  /** The chain a nonce is asked for unless a row names another. */
  defaultChainId: ChainId;
  authMethod: WalletMethod;
  /** The `sub` of a wallet's login. */
  subject(address: string): string;
  /** `sub` in the words of a lab row, e.g. `eip155:1:<address>`. */
  subjectText: string;
}

/** A signed message that is not, to the letter, the one issued with its nonce (#31). */
export const NOT_AS_ISSUED: ErrorAnswer = {
  status: 401,
  error: 'invalid_nonce',
  description:
    'The signed message differs from the one issued with its nonce; sign the message exactly as issued',
};

/**
 * The wallet-login attacks that are the same on every chain (a nonce is bound to an address and a
 * chain and used once; the signature covers the whole message), run by a dApp with its wallets
 * over HTTP only. A chain's lab names its chain (how its wallets sign, what its logins are) and
 * says how its messages are written (EIP-4361 for Ethereum, CAIP-122 / Sign In With Solana for
 * Solana), and adds its own attacks.
 */
export abstract class WalletLab<
  Address extends string,
  ChainId extends string | number,
  Issued extends IssuedWalletNonce<Address, ChainId>,
> {
  protected readonly http: HttpClient;
  protected abstract readonly chain: WalletChain<Address, ChainId>;

  /** The model its rows are of: its chain's `auth_method`. */
  get model(): WalletMethod {
    return this.chain.authMethod;
  }

  constructor(
    private readonly baseUrl: string,
    private readonly signal?: AbortSignal,
  ) {
    this.http = new HttpClient(baseUrl, signal);
  }

  protected newWallet(): LabWallet<Address> {
    return this.chain.newWallet();
  }

  /** The issued message with some fields changed, rendered by the chain's own library. */
  abstract rebuild(
    issued: Issued,
    changes: { address?: Address; chainId?: ChainId; statement?: string },
  ): string;

  /**
   * A client-bound nonce, as a dApp asks for one: for the built-in `wallet` client, whose
   * messages name Proofgate's own site. `http` is another client's (one with a login page's
   * cookies) when a row needs it; `clientId` null asks as that browser's login page.
   */
  async nonceFor(
    wallet: LabWallet<Address>,
    chainId: ChainId = this.chain.defaultChainId,
    {
      http = this.http,
      clientId = WALLET_CLIENT_ID,
    }: { http?: HttpClient; clientId?: string | null } = {},
  ): Promise<Issued> {
    const reply = await http.post('/wallet/nonce', {
      json: {
        address: wallet.address,
        chainId,
        ...(clientId === null ? {} : { client_id: clientId }),
      },
    });
    const chainIdType = typeof this.chain.defaultChainId === 'number' ? 'number' : 'string';
    const issued = issuedNonce<Issued>(reply.json, chainIdType);
    if (reply.status !== 201 || !issued) {
      throw new LabStepFailed(`POST /wallet/nonce: ${describeReply(reply)}, no nonce and message`);
    }
    return issued;
  }

  verify(message: string, signature: string): Promise<Reply> {
    return this.http.post('/wallet/verify', {
      json: { message, signature, client_id: WALLET_CLIENT_ID },
    });
  }

  /** A browser of its own on the login page: its cookies kept by the client, and the CSRF token. */
  private async loginPage(): Promise<{ browser: HttpClient; csrf: string }> {
    const browser = new HttpClient(this.baseUrl, this.signal);
    const page = await browser.get('/login', { headers: { accept: 'text/html' } });
    const csrf = csrfTokenOf(page);
    if (page.status !== 200 || !csrf) {
      throw new LabStepFailed(`GET /login: ${page.status}, no csrf_token in the form`);
    }
    return { browser, csrf };
  }

  // --- scenarios -------------------------------------------------------------------------

  async normalLogin(): Promise<Outcome> {
    const wallet = this.newWallet();
    const issued = await this.nonceFor(wallet);
    const tokens = await this.verify(issued.message, await wallet.sign(issued.message));
    const accessToken = field(tokens.json, 'access_token');
    const verified = {
      expected: '/wallet/verify 200',
      answered: `/wallet/verify ${describeReply(tokens)}`,
      passed: tokens.status === 200 && !!accessToken,
    };
    if (!accessToken) return verified;
    const me = await this.http.get('/api/me', {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    const { authMethod, subjectText } = this.chain;
    const sub = this.chain.subject(wallet.address);
    return allOf(verified, {
      expected: `/api/me 200 ${authMethod}, sub ${subjectText}`,
      answered: `/api/me ${describeReply(me)} ${field(me.json, 'auth_method') ?? ''}${
        field(me.json, 'sub') === sub ? `, sub ${subjectText}` : ''
      }`,
      passed:
        me.status === 200 &&
        field(me.json, 'auth_method') === authMethod &&
        field(me.json, 'sub') === sub,
    });
  }

  async replayedMessage(): Promise<Outcome> {
    const wallet = this.newWallet();
    const issued = await this.nonceFor(wallet);
    const signature = await wallet.sign(issued.message);
    const first = await this.verify(issued.message, signature);
    if (first.status !== 200) throw new LabStepFailed(`first verify: ${describeReply(first)}`);
    return errorOutcome(await this.verify(issued.message, signature), {
      status: 401,
      error: 'nonce_already_used',
    });
  }

  /**
   * A nonce issued for `issuedFor` in a message for `claimed`; where the service allows only one
   * chain, refused as `chain_not_allowed` instead (`otherChain` names the claimed one in the row).
   */
  protected async nonceOnAnotherChain(
    issuedFor: ChainId,
    claimed: ChainId,
    otherChain: string,
  ): Promise<Outcome> {
    const reply = await this.sendChanged(
      (issued) => this.rebuild(issued, { chainId: claimed }),
      issuedFor,
    );
    const bound = errorOutcome(reply, {
      status: 401,
      error: 'invalid_nonce',
      description: 'The nonce was issued for another chain',
    });
    const oneChain = errorOutcome(reply, { status: 400, error: 'chain_not_allowed' });
    return {
      expected: `${bound.expected} (${oneChain.expected} where ${otherChain} is not allowed)`,
      answered: bound.answered,
      passed: bound.passed || oneChain.passed,
    };
  }

  async nonceBoundToAnotherAddress(): Promise<Outcome> {
    const victim = this.newWallet();
    const attacker = this.newWallet();
    const issued = await this.nonceFor(victim);
    const message = this.rebuild(issued, { address: attacker.address });
    return errorOutcome(await this.verify(message, await attacker.sign(message)), {
      status: 401,
      error: 'invalid_nonce',
    });
  }

  /**
   * A fresh nonce's message as `change` rewrites it, signed so by its own wallet and sent to
   * POST /wallet/verify.
   */
  protected async sendChanged(
    change: (issued: Issued) => string,
    chainId: ChainId = this.chain.defaultChainId,
  ): Promise<Reply> {
    const wallet = this.newWallet();
    const message = change(await this.nonceFor(wallet, chainId));
    return this.verify(message, await wallet.sign(message));
  }

  /** As `sendChanged`, whose answer must be exactly the error `expected`. */
  protected async refusedWhenChanged(
    change: (issued: Issued) => string,
    expected: ErrorAnswer,
    chainId?: ChainId,
  ): Promise<Outcome> {
    return errorOutcome(await this.sendChanged(change, chainId), expected);
  }

  /** The issued message signed, then changed by `tamper` and sent with that signature. */
  protected async signedThenTampered(tamper: (issued: Issued) => string): Promise<Outcome> {
    const wallet = this.newWallet();
    const issued = await this.nonceFor(wallet);
    const signature = await wallet.sign(issued.message);
    return errorOutcome(await this.verify(tamper(issued), signature), {
      status: 401,
      error: 'invalid_signature',
    });
  }

  // --- cross-purpose attempts (#31): a signature is worth what it was asked for -------------

  /** A dApp's signature (a client-bound nonce) presented at the login page for a session. */
  async dappSignatureAtLoginPage(): Promise<Outcome> {
    const wallet = this.newWallet();
    const issued = await this.nonceFor(wallet);
    const signature = await wallet.sign(issued.message);
    const { browser, csrf } = await this.loginPage();
    const reply = await browser.post('/login/siwe', {
      json: { message: issued.message, signature, csrf_token: csrf, return_to: '/' },
    });
    return errorOutcome(reply, {
      status: 401,
      error: 'invalid_nonce',
      description: 'The nonce was issued for another audience, not for this browser’s login page',
    });
  }

  /** A login page's signature (bound to that browser) traded for a dApp's tokens. */
  async loginPageSignatureAtVerify(): Promise<Outcome> {
    const wallet = this.newWallet();
    const { browser } = await this.loginPage();
    const issued = await this.nonceFor(wallet, this.chain.defaultChainId, {
      http: browser,
      clientId: null,
    });
    return errorOutcome(await this.verify(issued.message, await wallet.sign(issued.message)), {
      status: 401,
      error: 'invalid_nonce',
      description: 'The nonce was issued for another audience, not for this client',
    });
  }

  /** A victim's login signature presented to link the wallet to the attacker's account. */
  async loginSignatureToLink(accountToken: () => Promise<string>): Promise<Outcome> {
    const victim = this.newWallet();
    const issued = await this.nonceFor(victim);
    const signature = await victim.sign(issued.message);
    const reply = await this.http.post('/account/methods/wallet', {
      headers: { authorization: `Bearer ${await accountToken()}` },
      json: { message: issued.message, signature },
    });
    return errorOutcome(reply, {
      status: 401,
      error: 'invalid_nonce',
      description: 'The message was issued to sign in, not to link a wallet to an account',
    });
  }

  /** The issued message with another statement, signed as changed by its own wallet. */
  resignedWithAnotherStatement(): Promise<Outcome> {
    return this.refusedWhenChanged(
      (issued) => this.rebuild(issued, { statement: 'Claim your airdrop' }),
      NOT_AS_ISSUED,
    );
  }

  async signatureFromAnotherKey(): Promise<Outcome> {
    const issued = await this.nonceFor(this.newWallet());
    const signature = await this.newWallet().sign(issued.message);
    return errorOutcome(await this.verify(issued.message, signature), {
      status: 401,
      error: 'invalid_signature',
    });
  }
}

/** The nonce answer, if every field is there with its type (`chainId` a number or a string). */
function issuedNonce<Issued>(json: unknown, chainIdType: 'number' | 'string'): Issued | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const body = json as Record<string, unknown>;
  const strings = ['nonce', 'address', 'domain', 'uri', 'issuedAt', 'expirationTime', 'message'];
  if (!strings.every((name) => typeof body[name] === 'string')) return undefined;
  if (typeof body.chainId !== chainIdType) return undefined;
  return body as Issued;
}
