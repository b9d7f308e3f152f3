import { Injectable } from '@nestjs/common';
import { ChallengeConfig } from '../../config/sections/challenges.config';
import { WalletConfig } from '../../config/sections/wallet.config';
import { Clock } from '../../platform/clock/clock';
import type { LoginModel } from '../../proofs/proof-vocabulary';
import type { WalletSite } from '../audience/wallet-audience';
import type {
  ChainNonceRequest,
  SignedStatement,
  VerifiedSignature,
  WalletChain,
  WalletChainSyntax,
  WalletMessageFields,
} from './wallet-chain';
import { messageFieldsOf } from './wallet-chain';
import type { WalletNonceKind } from './wallet-nonce';
import type { VerifiedWalletProof, WalletProof } from './wallet-proof';
import {
  DomainMismatch,
  ExpiredMessage,
  InvalidMessage,
  NotYetValid,
  UriMismatch,
} from './wallet.errors';

/** The fields of a CAIP-122 message as Proofgate issues it: every one present, one statement line. */
export interface Caip122Fields {
  readonly domain: string;
  /** The address exactly as the nonce request sent it (as the chain writes it). */
  readonly address: string;
  readonly statement: string;
  readonly uri: string;
  readonly version: string;
  /** The chain as the message names it (`bip122:000000000019d6689c085ae165831e93`, `solana:mainnet`). */
  readonly chainId: string;
  readonly nonce: string;
  /** RFC 3339, as `Date.toISOString` writes it. */
  readonly issuedAt: string;
  /** RFC 3339; a chain whose message has no such line is valid for the nonce's lifetime. */
  readonly expirationTime?: string;
}

/** A chain's message: its exact text from the fields, and its strict reading back. */
export interface Caip122Template<Fields extends Caip122Fields> {
  render(fields: Caip122Fields): string;
  parse(text: string): Fields;
}

/** CAIP-122 nonce: alphanumeric, at least 8 characters (ours are 22). */
const NONCE = /^[A-Za-z0-9]{8,64}$/;
/** The one date-time form the nonce endpoint writes (`Date.toISOString`). */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const writtenHere = (value: string): boolean =>
  ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value));

/** A nonce request of a CAIP-122 chain: the chain as its messages name it. */
export interface Caip122NonceRequest extends ChainNonceRequest {
  readonly chainId: string;
}

/** The chain a request or a message names, as a CAIP-122 chain reads it. */
export interface Caip122Network {
  /** As the message's `Chain ID` line writes it (`solana:mainnet`, `bip122:…`). */
  readonly chainId: string;
  /** Its CAIP-2 id, which nonces are bound to and account ids begin with. */
  readonly caip2: string;
}

/**
 * A chain that signs in with the CAIP-122 template (Solana, Bitcoin): everything but its address
 * and signature code. The nonce request's reading, the message's text, and the field-by-field
 * policy (CAIP-122 §Security considerations, as EIP-4361's: a domain and URI of one of the
 * redeeming audience's sites, version 1, an allowed chain, an issued nonce form, the validity
 * window) are here; a chain names its network rules and checks its signature. Its nonce is bound
 * to the address exactly and the chain's CAIP-2 id, so a mainnet nonce never signs in elsewhere.
 * Nonce bookkeeping belongs to the core: the redemption also requires the exact message issued.
 */
@Injectable()
export abstract class Caip122Chain<
  Fields extends Caip122Fields,
  Network extends Caip122Network,
> implements WalletChain<Caip122NonceRequest, Fields> {
  abstract readonly syntax: WalletChainSyntax;
  abstract readonly label: string;
  abstract readonly model: LoginModel;
  abstract readonly nonceKind: WalletNonceKind;
  abstract readonly authMethod: VerifiedWalletProof['authMethod'];
  /** How refusals name the message (`Sign In With Solana`). */
  protected abstract readonly messageName: string;
  /** The chain's template (core/caip122-message.ts reads every one strictly). */
  protected abstract readonly message: Caip122Template<Fields>;

  constructor(
    protected readonly wallet: WalletConfig,
    private readonly challenges: ChallengeConfig,
    private readonly clock: Clock,
  ) {}

  /**
   * The network a nonce request names, if this service accepts it and the address is one a wallet
   * signs in with there: ChainNotAllowed, InvalidRequest otherwise.
   */
  protected abstract requestedNetwork(address: string, chainId: number | string): Network;
  /** The network a parsed message names, allowed, with its address on it: refusals otherwise. */
  protected abstract messageNetwork(fields: Fields): Network;
  /** The signature over the exact text, by the message's address (InvalidSignature otherwise). */
  protected abstract checkSignature(
    text: string,
    fields: Fields,
    network: Network,
    signature: string,
  ): void;

  /** The signature of a text by `address` (InvalidSignature otherwise): what a statement is checked with. */
  protected abstract checkTextSignature(address: string, text: string, signature: string): void;

  readonly statementForm = 'message' as const;

  accountIdOf(request: Caip122NonceRequest): string {
    return `${request.binding.chain_id}:${request.address}`;
  }

  verifyStatement(
    request: Caip122NonceRequest,
    statement: SignedStatement,
    signature: string,
  ): Promise<void> {
    this.checkTextSignature(request.address, statement.text, signature);
    return Promise.resolve();
  }

  readNonceRequest(address: string, chainId: number | string): Caip122NonceRequest {
    const network = this.requestedNetwork(address, chainId);
    return { address, chainId: network.chainId, binding: nonceBinding(address, network) };
  }

  buildMessage(request: Caip122NonceRequest, fields: WalletMessageFields): string {
    return this.message.render(messageFieldsOf(request, fields));
  }

  parseMessage(text: string): Fields {
    return this.message.parse(text);
  }

  verifySignature(
    proof: WalletProof,
    fields: Fields,
    sites: readonly WalletSite[],
  ): Promise<VerifiedSignature> {
    const network = this.checkPolicy(fields, sites);
    this.checkSignature(proof.message, fields, network, proof.signature);
    return Promise.resolve({
      account: `${network.caip2}:${fields.address}`,
      address: fields.address,
      nonce: fields.nonce,
      binding: nonceBinding(fields.address, network),
    });
  }

  /** The message's fields against what the nonce endpoint issues; answers its network. */
  private checkPolicy(fields: Fields, sites: readonly WalletSite[]): Network {
    const site = sites.find((candidate) => candidate.domain === fields.domain);
    if (site === undefined) throw new DomainMismatch('The message is for another domain');
    if (fields.uri !== site.uri) {
      throw new UriMismatch('The message URI is not the one issued for its site');
    }
    if (fields.version !== '1') {
      throw new InvalidMessage(`Only version 1 of ${this.messageName} messages is supported`);
    }
    const network = this.messageNetwork(fields);
    if (!NONCE.test(fields.nonce)) {
      throw new InvalidMessage('The message nonce is not alphanumeric');
    }
    const { issuedAt, expirationTime } = fields;
    if (!writtenHere(issuedAt) || (expirationTime !== undefined && !writtenHere(expirationTime))) {
      throw new InvalidMessage(
        expirationTime === undefined
          ? 'The message date-time is not the one this service writes'
          : 'The message date-times are not the ones this service writes',
      );
    }
    this.checkValidityWindow(issuedAt, expirationTime);
    return network;
  }

  /**
   * Until its Expiration Time; with none, for the nonce lifetime from its issue time (its nonce's
   * own expiry, which the redemption checks again). Never issued ahead of our clock.
   */
  private checkValidityWindow(issuedAt: string, expirationTime: string | undefined): void {
    const now = this.clock.now().getTime();
    const issued = Date.parse(issuedAt);
    const expires =
      expirationTime === undefined
        ? issued + this.challenges.walletNonceTtlSeconds * 1000
        : Date.parse(expirationTime);
    if (now >= expires) throw new ExpiredMessage('The message has expired');
    if (issued > now + this.wallet.clockSkewSeconds * 1000) {
      throw new NotYetValid(
        'The message was issued in the future (Issued At is ahead of our clock)',
      );
    }
  }
}

/** The address exactly (base58 and bech32 have one text per key) and the chain's CAIP-2 id. */
function nonceBinding(address: string, network: Caip122Network): Record<string, string> {
  return { address, chain_id: network.caip2 };
}
