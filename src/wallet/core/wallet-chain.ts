import type { Provider, Type } from '@nestjs/common';
import type { TypedDataDefinition } from 'viem';
import type { ChallengeBinding } from '../../challenges/challenge';
import type { WalletConfig } from '../../config/sections/wallet.config';
import type { LoginModel } from '../../proofs/proof-vocabulary';
import type { WalletSite } from '../audience/wallet-audience';
import type { WalletNonceKind } from './wallet-nonce';
import type { VerifiedWalletProof, WalletProof } from './wallet-proof';

/** CAIP-2 §Syntax: `namespace:reference`, namespace [-a-z0-9]{3,8}, reference [-_a-zA-Z0-9]{1,32}. */
export const CAIP2_CHAIN_ID = /^[-a-z0-9]{3,8}:[-_a-zA-Z0-9]{1,32}$/;

/**
 * How a chain's requests read before anything is verified or injected: pure, so the nonce
 * request's validation and the rate limits (which run before Nest has a service to ask) use it.
 */
export interface WalletChainSyntax {
  /** Whether a nonce request's `chainId` is in this chain's CAIP-2 namespace, allowed or not. */
  namesChain(chainId: number | string): boolean;
  /** The nonce request's `address` rule, and what a wrong address is told. */
  isAddress(address: unknown): boolean;
  readonly addressRule: string;
  /** Whether a text has this chain's address alphabet and length: a cheap test, no decoding. */
  hasAddressForm(text: string): boolean;
  /** The key an address of this chain is counted under by the rate limits. */
  budgetKey(address: string): string;
  /** Whether a signed message is this chain's: its first line says so, and no more is read. */
  claimsMessage(text: string): boolean;
  /** The address a message of this chain names (unproven), read from its first lines only. */
  messageAddress(head: string): string | undefined;
  /** How the API reference (OpenAPI) describes its requests and answers. */
  readonly texts: WalletChainTexts;
  /** Its CAIP-10 account ids' form, for the texts that list them (`eip155:<chain id>:0x<…>`). */
  readonly accountIdForm: string;
  /**
   * Reads a CAIP-10 account id an operator typed (the admin CLI links it with no signature, so
   * nothing else would catch a typo): undefined when it is not in this chain's namespace, else
   * the id as this chain's sign-in writes it (its method key), or why it is refused (a chain the
   * service does not accept, an address no wallet signs in with).
   */
  readAccountId(value: string, wallet: WalletConfig): AccountIdReading | undefined;
}

/**
 * A chain's part of the API reference's texts, one phrase each; the core's DTOs list every
 * chain's (`Ethereum: …. Solana: ….`), so they name none.
 */
export interface WalletChainTexts {
  /** `Ethereum`. */
  readonly name: string;
  /** What a nonce request's `chainId` may be. */
  readonly chainId: string;
  /** What a nonce request's `address` must be. */
  readonly address: string;
  /** The nonce answer's `chainId` and `address`. */
  readonly issuedChainId: string;
  readonly issuedAddress: string;
  /** The message it signs: `EIP-4361`. */
  readonly message: string;
  /** The signature POST /wallet/verify takes. */
  readonly signature: string;
}

/** A CAIP-10 account id as its chain read it: the method key it names, or why it names none. */
export type AccountIdReading = { readonly accountId: string } | { readonly refused: string };

/**
 * An account id on a chain this deployment does not accept: the same sentence for every chain,
 * naming the setting that lists the accepted ones (`SIWE_CHAIN_IDS`) and what it holds.
 */
export function chainNotAccepted(
  chain: string,
  setting: string,
  accepted: readonly (string | number)[],
): AccountIdReading {
  return {
    refused: `chain ${chain} is not one the service accepts (${setting}: ${accepted.join(', ')})`,
  };
}

/** A nonce request as its chain reads it: what the message writes, and what the nonce is bound to. */
export interface ChainNonceRequest {
  /** The address as the message writes it (Ethereum: EIP-55 checksummed; Solana: as sent). */
  readonly address: string;
  /** The chain as the message and the response name it (`1`, `solana:mainnet`). */
  readonly chainId: number | string;
  /** The address and chain the nonce is bound to, besides its intent. */
  readonly binding: ChallengeBinding;
}

/** What every wallet message carries besides its address and chain, written by the core. */
export interface WalletMessageFields {
  readonly domain: string;
  readonly uri: string;
  readonly statement: string;
  readonly nonce: string;
  readonly issuedAt: string;
  readonly expirationTime: string;
}

/**
 * A message's fields as every chain writes them (CAIP-122, EIP-4361): the service's, the
 * request's address and chain, Version 1. A chain's template writes the lines it has.
 */
export function messageFieldsOf<Request extends ChainNonceRequest>(
  request: Request,
  fields: WalletMessageFields,
): WalletMessageFields & {
  readonly address: Request['address'];
  readonly chainId: Request['chainId'];
  readonly version: '1';
} {
  return { ...fields, address: request.address, chainId: request.chainId, version: '1' };
}

/** A signed message its chain has checked (policy and signature): whose it is, and its nonce. */
export interface VerifiedSignature {
  /** The signer's CAIP-10 account id (`eip155:1:0x...`, `solana:<genesis ref>:<address>`). */
  readonly account: string;
  readonly address: string;
  /** The nonce the message names, and the address and chain its redemption must match. */
  readonly nonce: string;
  readonly binding: ChallengeBinding;
  /** How the signature was checked, for the log line (`eoa`, `contract`), if the chain tells. */
  readonly check?: string;
}

/**
 * One wallet chain's sign-in (Ethereum's EIP-4361, Solana's CAIP-122, ...): each chain folder
 * implements it once, and the chain list (`wallet-chains.ts`) registers it. The core issues and
 * redeems the nonce, binds it to its audience, and runs the login steps; the chain reads its nonce
 * requests, writes and reads back its message, and checks its signature.
 */
export interface WalletChain<
  Request extends ChainNonceRequest = ChainNonceRequest,
  Fields = unknown,
> {
  readonly syntax: WalletChainSyntax;
  /** Its name in logs (`SIWE`), and its model in traces (spans `<model>.nonce`, `<model>.verify`). */
  readonly label: string;
  readonly model: LoginModel;
  /** The challenge kind of its nonces. */
  readonly nonceKind: WalletNonceKind;
  /** The `auth_method` (and the login session's) of a sign-in with it. */
  readonly authMethod: VerifiedWalletProof['authMethod'];

  /**
   * Reads a nonce request's address and chain (already of this chain's syntax): ChainNotAllowed
   * for a chain this service does not accept, InvalidRequest for an address no one can sign for.
   */
  readNonceRequest(address: string, chainId: number | string): Request;
  /** The exact text the wallet is asked to sign. */
  buildMessage(request: Request, fields: WalletMessageFields): string;
  /** Reads a signed message back, strictly (InvalidRequest, InvalidMessage). */
  parseMessage(text: string): Fields;
  /**
   * Checks the message's fields against this service's policy (one of the `sites` its audience
   * may name, the chain, the validity window) and its signature against its address. The nonce's
   * redemption is the core's, after this.
   */
  verifySignature(
    proof: WalletProof,
    fields: Fields,
    sites: readonly WalletSite[],
    callerAddress: string,
  ): Promise<VerifiedSignature>;

  /** What its wallets sign a statement as: EIP-712 typed data, or a text message. */
  readonly statementForm: 'typed_data' | 'message';
  /** The CAIP-10 account id of a read request's address, as its sign-in names it (its method key). */
  accountIdOf(request: Request): string;
  /**
   * Checks a signature of `statement` (its typed data or its text, as `statementForm` says) by
   * the request's address: InvalidSignature (InvalidRequest for a malformed text) otherwise.
   */
  verifyStatement(request: Request, statement: SignedStatement, signature: string): Promise<void>;
}

/**
 * A statement a person signs with a wallet outside sign-in (approving a backchannel request,
 * issue #51), in both forms: a chain signs the typed data if it has EIP-712, else the text.
 */
export interface SignedStatement {
  readonly text: string;
  readonly typedData?: TypedDataDefinition;
}

/** A chain as the chain list registers it: its syntax, its implementation and what that needs. */
export interface WalletChainEntry {
  readonly syntax: WalletChainSyntax;
  readonly chain: Type<WalletChain>;
  /**
   * What the implementation injects beyond the core's (its verifier, ...): registered by the chain
   * list beside the implementation, so a chain needs no Nest module of its own.
   */
  readonly providers: readonly Provider[];
}
