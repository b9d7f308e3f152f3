import { LabStepFailed, Outcome, allOf, describeReply, errorOutcome } from './expectations';
import { HttpClient, Reply, field } from './http';

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

/** A wallet of the chain: its address and how it signs a message (encoded as the chain's dApps send it). */
export interface LabWallet<Address extends string> {
  readonly address: Address;
  sign(message: string): Promise<string>;
}

/** A login of the chain as /api/me should report it. */
export interface WalletSubject {
  authMethod: 'siwe' | 'siws';
  /** The `sub` of a wallet's login. */
  subject(address: string): string;
  /** `sub` in the words of a lab row, e.g. `eip155:1:<address>`. */
  subjectText: string;
}

/**
 * The wallet-login attacks that are the same on every chain (a nonce is bound to an address and a
 * chain and used once; the signature covers the whole message), run by a dApp with its wallets
 * over HTTP only. A chain's lab says how its wallets sign and how its messages are written
 * (EIP-4361 for Ethereum, CAIP-122 / Sign In With Solana for Solana), and adds its own attacks.
 */
export abstract class WalletLab<
  Address extends string,
  ChainId extends string | number,
  Issued extends IssuedWalletNonce<Address, ChainId>,
> {
  protected readonly http: HttpClient;

  constructor(
    baseUrl: string,
    signal: AbortSignal | undefined,
    private readonly login: WalletSubject,
    private readonly defaultChainId: ChainId,
  ) {
    this.http = new HttpClient(baseUrl, signal);
  }

  protected abstract newWallet(): LabWallet<Address>;

  /** The issued message with some fields changed, rendered by the chain's own library. */
  abstract rebuild(issued: Issued, changes: { address?: Address; chainId?: ChainId }): string;

  async nonceFor(
    wallet: LabWallet<Address>,
    chainId: ChainId = this.defaultChainId,
  ): Promise<Issued> {
    const reply = await this.http.post('/wallet/nonce', {
      json: { address: wallet.address, chainId },
    });
    const chainIdType = typeof this.defaultChainId === 'number' ? 'number' : 'string';
    const issued = issuedNonce<Issued>(reply.json, chainIdType);
    if (reply.status !== 201 || !issued) {
      throw new LabStepFailed(`POST /wallet/nonce: ${describeReply(reply)}, no nonce and message`);
    }
    return issued;
  }

  verify(message: string, signature: string): Promise<Reply> {
    return this.http.post('/wallet/verify', { json: { message, signature } });
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
    const { authMethod, subjectText } = this.login;
    const sub = this.login.subject(wallet.address);
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
    const wallet = this.newWallet();
    const issued = await this.nonceFor(wallet, issuedFor);
    const message = this.rebuild(issued, { chainId: claimed });
    const reply = await this.verify(message, await wallet.sign(message));
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
