import { type Address, type Hex } from 'viem';
import { type PrivateKeyAccount, generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { createSiweMessage, parseSiweMessage } from 'viem/siwe';
import {
  ErrorAnswer,
  LabStepFailed,
  Outcome,
  allOf,
  describeReply,
  errorOutcome,
  raceOutcome,
} from './expectations';
import { HttpClient, Reply, field } from './http';

/** The answer of POST /wallet/nonce (README, Wallet login). */
export interface IssuedNonce {
  nonce: string;
  address: Address;
  chainId: number;
  domain: string;
  uri: string;
  issuedAt: string;
  expirationTime: string;
  message: string;
}

type MessageChanges = Partial<{
  address: Address;
  chainId: number;
  domain: string;
  statement: string;
  issuedAt: Date;
  /** null: leave Expiration Time out of the message. */
  expirationTime: Date | null;
}>;

/** A dApp with its wallets, talking to the service over HTTP only. */
export class SiweLab {
  private readonly http: HttpClient;

  constructor(baseUrl: string, signal?: AbortSignal) {
    this.http = new HttpClient(baseUrl, signal);
  }

  async nonceFor(account: PrivateKeyAccount, chainId = 1): Promise<IssuedNonce> {
    const reply = await this.http.post('/wallet/nonce', {
      json: { address: account.address, chainId },
    });
    const issued = asIssuedNonce(reply.json);
    if (reply.status !== 201 || !issued) {
      throw new LabStepFailed(`POST /wallet/nonce: ${describeReply(reply)}, no nonce and message`);
    }
    return issued;
  }

  /**
   * The issued message with some fields changed, rebuilt as EIP-4361 text by viem from the
   * nonce response's own fields (never guessed: domain and uri are the service's).
   */
  rebuild(issued: IssuedNonce, changes: MessageChanges): string {
    const statement = parseSiweMessage(issued.message).statement;
    const expirationTime =
      changes.expirationTime === null
        ? undefined
        : (changes.expirationTime ?? new Date(issued.expirationTime));
    return createSiweMessage({
      domain: changes.domain ?? issued.domain,
      address: changes.address ?? issued.address,
      statement: changes.statement ?? statement,
      uri: issued.uri,
      version: '1',
      chainId: changes.chainId ?? issued.chainId,
      nonce: issued.nonce,
      issuedAt: changes.issuedAt ?? new Date(issued.issuedAt),
      expirationTime,
    });
  }

  verify(message: string, signature: Hex): Promise<Reply> {
    return this.http.post('/wallet/verify', { json: { message, signature } });
  }

  // --- scenarios -------------------------------------------------------------------------

  async normalLogin(): Promise<Outcome> {
    const account = newAccount();
    const issued = await this.nonceFor(account);
    const tokens = await this.verify(
      issued.message,
      await account.signMessage({ message: issued.message }),
    );
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
    const sub = `eip155:1:${account.address}`;
    return allOf(verified, {
      expected: '/api/me 200 siwe, sub eip155:1:<address>',
      answered: `/api/me ${describeReply(me)} ${field(me.json, 'auth_method') ?? ''}${
        field(me.json, 'sub') === sub ? ', sub eip155:1:<address>' : ''
      }`,
      passed:
        me.status === 200 &&
        field(me.json, 'auth_method') === 'siwe' &&
        field(me.json, 'sub') === sub,
    });
  }

  async replayedMessage(): Promise<Outcome> {
    const account = newAccount();
    const issued = await this.nonceFor(account);
    const signature = await account.signMessage({ message: issued.message });
    const first = await this.verify(issued.message, signature);
    if (first.status !== 200) throw new LabStepFailed(`first verify: ${describeReply(first)}`);
    return errorOutcome(await this.verify(issued.message, signature), {
      status: 401,
      error: 'nonce_already_used',
    });
  }

  /** A chain-1 nonce in a message for chain 10 (or, where only chain 1 is allowed, refused as such). */
  async nonceForAnotherChain(): Promise<Outcome> {
    const account = newAccount();
    const issued = await this.nonceFor(account, 1);
    const message = this.rebuild(issued, { chainId: 10 });
    const reply = await this.verify(message, await account.signMessage({ message }));
    const bound = errorOutcome(reply, {
      status: 401,
      error: 'invalid_nonce',
      description: 'The nonce was issued for another chain',
    });
    const onlyChain1 = errorOutcome(reply, { status: 400, error: 'chain_not_allowed' });
    return {
      expected: `${bound.expected} (${onlyChain1.expected} where chain 10 is not allowed)`,
      answered: bound.answered,
      passed: bound.passed || onlyChain1.passed,
    };
  }

  async backdatedMessage(): Promise<Outcome> {
    const account = newAccount();
    const issued = await this.nonceFor(account);
    const message = this.rebuild(issued, { issuedAt: new Date('2000-01-01T00:00:00Z') });
    return errorOutcome(await this.verify(message, await account.signMessage({ message })), {
      status: 401,
      error: 'invalid_nonce',
      description: 'The message was issued before its nonce',
    });
  }

  async nonceBoundToAnotherAddress(): Promise<Outcome> {
    const victim = newAccount();
    const attacker = newAccount();
    const issued = await this.nonceFor(victim);
    const message = this.rebuild(issued, { address: attacker.address });
    return errorOutcome(await this.verify(message, await attacker.signMessage({ message })), {
      status: 401,
      error: 'invalid_nonce',
    });
  }

  async wrongDomain(): Promise<Outcome> {
    const account = newAccount();
    const message = this.rebuild(await this.nonceFor(account), { domain: 'evil.example' });
    return errorOutcome(await this.verify(message, await account.signMessage({ message })), {
      status: 401,
      error: 'domain_mismatch',
    });
  }

  async wrongChain(): Promise<Outcome> {
    const account = newAccount();
    // The nonce endpoint refuses chain 999 itself; a message can still claim it.
    const message = this.rebuild(await this.nonceFor(account, 1), { chainId: 999 });
    return errorOutcome(await this.verify(message, await account.signMessage({ message })), {
      status: 400,
      error: 'chain_not_allowed',
    });
  }

  async tamperedMessage(): Promise<Outcome> {
    const account = newAccount();
    const issued = await this.nonceFor(account);
    const signature = await account.signMessage({ message: issued.message });
    const tampered = this.rebuild(issued, {
      statement: 'Sign in to Proofgate and approve a transfer',
    });
    return errorOutcome(await this.verify(tampered, signature), {
      status: 401,
      error: 'invalid_signature',
    });
  }

  async signatureFromAnotherKey(): Promise<Outcome> {
    const account = newAccount();
    const issued = await this.nonceFor(account);
    const signature = await newAccount().signMessage({ message: issued.message });
    return errorOutcome(await this.verify(issued.message, signature), {
      status: 401,
      error: 'invalid_signature',
    });
  }

  /**
   * Without an Expiration Time of its own, the message can only be refused for its nonce:
   * otherwise `expired_message` would answer first and the nonce's expiry would go unproven.
   */
  async startExpiredNonce(): Promise<PendingSiwe> {
    const account = newAccount();
    const issued = await this.nonceFor(account);
    const message = this.rebuild(issued, { expirationTime: null });
    return { issued, message, signature: await account.signMessage({ message }) };
  }

  async finishExpiredNonce(pending: PendingSiwe): Promise<Outcome> {
    return errorOutcome(await this.verify(pending.message, pending.signature), EXPIRED_NONCE);
  }

  async race(concurrency: number, lifetimeSeconds: number): Promise<Outcome> {
    const account = newAccount();
    const asked = Date.now();
    const issued = await this.nonceFor(account);
    const signature = await account.signMessage({ message: issued.message });
    const started = Date.now();
    const replies = await Promise.all(
      Array.from({ length: concurrency }, () => this.verify(issued.message, signature)),
    );
    const ended = Date.now();
    return raceOutcome(
      replies,
      {
        loser: { status: 401, error: 'nonce_already_used' },
        expired: [
          { status: 401, error: 'invalid_nonce' },
          { status: 401, error: 'expired_message' },
        ],
        outlastedLifetime: ended >= asked + lifetimeSeconds * 1000,
      },
      ended - started,
    );
  }
}

export interface PendingSiwe {
  issued: IssuedNonce;
  message: string;
  signature: Hex;
}

export const EXPIRED_NONCE: ErrorAnswer = { status: 401, error: 'invalid_nonce' };

function newAccount(): PrivateKeyAccount {
  return privateKeyToAccount(generatePrivateKey());
}

function asIssuedNonce(json: unknown): IssuedNonce | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const body = json as Record<string, unknown>;
  const strings = ['nonce', 'address', 'domain', 'uri', 'issuedAt', 'expirationTime', 'message'];
  if (!strings.every((name) => typeof body[name] === 'string')) return undefined;
  if (typeof body.chainId !== 'number') return undefined;
  return body as unknown as IssuedNonce;
}
