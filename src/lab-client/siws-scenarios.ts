import { ed25519 } from '@noble/curves/ed25519';
import { createSignInMessageText } from '@solana/wallet-standard-util';
import bs58 from 'bs58';
import { LabStepFailed, Outcome, allOf, describeReply, errorOutcome } from './expectations';
import { HttpClient, Reply, field } from './http';

/** The answer of POST /wallet/nonce for a Solana cluster (docs/SOLANA-AND-DAPP-KITS.md). */
export interface IssuedSolanaNonce {
  nonce: string;
  address: string;
  chainId: string;
  domain: string;
  uri: string;
  issuedAt: string;
  expirationTime: string;
  message: string;
}

/** A Solana wallet: an Ed25519 keypair, its address the base58 public key. */
interface SolanaWallet {
  address: string;
  sign(message: string): string;
}

function newWallet(): SolanaWallet {
  const secretKey = ed25519.utils.randomPrivateKey();
  return {
    address: bs58.encode(ed25519.getPublicKey(secretKey)),
    sign: (message) => bs58.encode(ed25519.sign(new TextEncoder().encode(message), secretKey)),
  };
}

const MAINNET_GENESIS = 'solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp';

/**
 * A Solana dApp with its wallets (Sign In With Solana, CAIP-122), over HTTP only: messages are
 * rebuilt with the Wallet Standard's own `createSignInMessageText`, never with the service's code.
 */
export class SiwsLab {
  private readonly http: HttpClient;

  constructor(baseUrl: string, signal?: AbortSignal) {
    this.http = new HttpClient(baseUrl, signal);
  }

  async nonceFor(wallet: SolanaWallet, chainId = 'solana:mainnet'): Promise<IssuedSolanaNonce> {
    const reply = await this.http.post('/wallet/nonce', {
      json: { address: wallet.address, chainId },
    });
    const issued = asIssuedNonce(reply.json);
    if (reply.status !== 201 || !issued) {
      throw new LabStepFailed(`POST /wallet/nonce: ${describeReply(reply)}, no nonce and message`);
    }
    return issued;
  }

  /** The issued message with some fields changed, rendered by the Wallet Standard. */
  rebuild(
    issued: IssuedSolanaNonce,
    changes: Partial<Pick<IssuedSolanaNonce, 'address' | 'chainId' | 'expirationTime'>> & {
      statement?: string;
    },
  ): string {
    return createSignInMessageText({
      domain: issued.domain,
      address: changes.address ?? issued.address,
      statement: changes.statement ?? 'Sign in to Proofgate',
      uri: issued.uri,
      version: '1',
      chainId: changes.chainId ?? issued.chainId,
      nonce: issued.nonce,
      issuedAt: issued.issuedAt,
      expirationTime: changes.expirationTime ?? issued.expirationTime,
    });
  }

  verify(message: string, signature: string): Promise<Reply> {
    return this.http.post('/wallet/verify', { json: { message, signature } });
  }

  // --- scenarios -------------------------------------------------------------------------

  async normalLogin(): Promise<Outcome> {
    const wallet = newWallet();
    const issued = await this.nonceFor(wallet);
    const tokens = await this.verify(issued.message, wallet.sign(issued.message));
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
    const sub = `${MAINNET_GENESIS}:${wallet.address}`;
    return allOf(verified, {
      expected: '/api/me 200 siws, sub solana:<mainnet genesis>:<address>',
      answered: `/api/me ${describeReply(me)} ${field(me.json, 'auth_method') ?? ''}${
        field(me.json, 'sub') === sub ? ', sub solana:<mainnet genesis>:<address>' : ''
      }`,
      passed:
        me.status === 200 &&
        field(me.json, 'auth_method') === 'siws' &&
        field(me.json, 'sub') === sub,
    });
  }

  async replayedMessage(): Promise<Outcome> {
    const wallet = newWallet();
    const issued = await this.nonceFor(wallet);
    const signature = wallet.sign(issued.message);
    const first = await this.verify(issued.message, signature);
    if (first.status !== 200) throw new LabStepFailed(`first verify: ${describeReply(first)}`);
    return errorOutcome(await this.verify(issued.message, signature), {
      status: 401,
      error: 'nonce_already_used',
    });
  }

  /** A mainnet nonce in a devnet message (or, where devnet is not allowed, refused as such). */
  async nonceForAnotherCluster(): Promise<Outcome> {
    const wallet = newWallet();
    const issued = await this.nonceFor(wallet, 'solana:mainnet');
    const message = this.rebuild(issued, { chainId: 'solana:devnet' });
    const reply = await this.verify(message, wallet.sign(message));
    const bound = errorOutcome(reply, {
      status: 401,
      error: 'invalid_nonce',
      description: 'The nonce was issued for another chain',
    });
    const mainnetOnly = errorOutcome(reply, { status: 400, error: 'chain_not_allowed' });
    return {
      expected: `${bound.expected} (${mainnetOnly.expected} where devnet is not allowed)`,
      answered: bound.answered,
      passed: bound.passed || mainnetOnly.passed,
    };
  }

  async nonceBoundToAnotherAddress(): Promise<Outcome> {
    const victim = newWallet();
    const attacker = newWallet();
    const issued = await this.nonceFor(victim);
    const message = this.rebuild(issued, { address: attacker.address });
    return errorOutcome(await this.verify(message, attacker.sign(message)), {
      status: 401,
      error: 'invalid_nonce',
    });
  }

  /** A second line in the statement: the library's lax parser would read fields from it. */
  async multiLineStatement(): Promise<Outcome> {
    const wallet = newWallet();
    const issued = await this.nonceFor(wallet);
    const message = this.rebuild(issued, {
      statement: 'Sign in to Proofgate\nURI: https://evil.example',
    });
    return errorOutcome(await this.verify(message, wallet.sign(message)), {
      status: 400,
      error: 'invalid_message',
    });
  }

  /** The signed message with its Expiration Time stretched by a year: a lasting sign-in. */
  async tamperedMessage(): Promise<Outcome> {
    const wallet = newWallet();
    const issued = await this.nonceFor(wallet);
    const signature = wallet.sign(issued.message);
    const later = new Date(Date.parse(issued.expirationTime) + 365 * 86_400_000);
    const tampered = this.rebuild(issued, { expirationTime: later.toISOString() });
    return errorOutcome(await this.verify(tampered, signature), {
      status: 401,
      error: 'invalid_signature',
    });
  }

  async signatureFromAnotherKey(): Promise<Outcome> {
    const issued = await this.nonceFor(newWallet());
    return errorOutcome(await this.verify(issued.message, newWallet().sign(issued.message)), {
      status: 401,
      error: 'invalid_signature',
    });
  }
}

function asIssuedNonce(json: unknown): IssuedSolanaNonce | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const body = json as Record<string, unknown>;
  const strings = [
    'nonce',
    'address',
    'chainId',
    'domain',
    'uri',
    'issuedAt',
    'expirationTime',
    'message',
  ];
  if (!strings.every((name) => typeof body[name] === 'string')) return undefined;
  return body as unknown as IssuedSolanaNonce;
}
