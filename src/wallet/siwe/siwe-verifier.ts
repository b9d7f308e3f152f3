import { Injectable, Logger } from '@nestjs/common';
import type { Address, Hex, Transport } from 'viem';
import {
  encodeDeployData,
  getNodeError,
  hashMessage,
  hexToBigInt,
  hexToBytes,
  isAddressEqual,
  isErc8010Signature,
} from 'viem/utils';
import { Clock } from '../../platform/clock/clock';
import { constantTimeEqual } from '../../platform/crypto/hashing';
import { InvalidRequest, TemporarilyUnavailable } from '../../platform/errors/protocol-error';
import { WalletConfig } from '../../config/sections/wallet.config';
import {
  ChainNotAllowed,
  ContractWalletUnsupported,
  DomainMismatch,
  ExpiredMessage,
  InvalidMessage,
  InvalidNonce,
  InvalidSignature,
  NotYetValid,
  UriMismatch,
} from '../core/wallet.errors';
import { EthRpcTransports, viemRpc } from './eth-rpc-transports';
import { type EoaRecovery, SIGNATURE_REFUSALS, SignatureRecovery } from './signature-recovery';
import { SiweFields } from './siwe-message.parser';
import type { WalletSite } from '../audience/wallet-audience';

/** Longest signature we look at; ERC-6492 wrappers carry factory calldata, so well above 65. */
export const MAX_SIGNATURE_BYTES = 8192;

export interface VerifiedSigner {
  /** EIP-55 checksummed. */
  readonly address: Address;
  /** `eoa`: ecrecover matched locally; `contract`: ERC-1271 / ERC-6492 / ERC-8010 through the chain's RPC. */
  readonly kind: 'eoa' | 'contract';
}

/**
 * Checks a parsed EIP-4361 message against this service's policy and its signature against the
 * message's address. Nonce bookkeeping belongs to the caller.
 */
@Injectable()
export class SiweVerifier {
  private readonly logger = new Logger(SiweVerifier.name);
  private readonly wallet: WalletConfig;

  constructor(
    wallet: WalletConfig,
    private readonly clock: Clock,
    private readonly transports: EthRpcTransports,
    // Optional so that the three-argument form keeps working: the process's preferred recovery.
    private readonly recovery: SignatureRecovery = SignatureRecovery.load(),
  ) {
    this.wallet = wallet;
  }

  /**
   * EIP-4361 §Message validation: domain and uri (one of the `sites` the redeeming endpoint's
   * audience may name: the dApp's origins, or this service's), version, chain and validity window.
   */
  checkPolicy(fields: SiweFields, sites: readonly WalletSite[]): void {
    const site = sites.find((candidate) => candidate.domain === fields.domain);
    if (site === undefined) throw new DomainMismatch('The message is for another domain');
    const siteUri = new URL(site.uri);
    this.checkScheme(fields, siteUri);
    this.checkUri(fields.uri, siteUri);
    if (fields.version !== '1') {
      throw new InvalidMessage('Only version 1 of EIP-4361 messages is supported');
    }
    if (!this.wallet.allowedChainIds.includes(fields.chainId)) {
      throw new ChainNotAllowed(fields.chainId);
    }
    this.checkValidityWindow(fields);
  }

  /** For callers that hold the nonce they issued (e.g. bound to a session) rather than look it up. */
  checkNonce(fields: SiweFields, expectedNonce: string): void {
    if (!constantTimeEqual(fields.nonce, expectedNonce)) {
      throw new InvalidNonce('The message nonce is not the one issued for this sign-in');
    }
  }

  /**
   * `fields` must be `parseSiweMessage(messageText)`. An EOA signature is checked locally (EIP-191
   * personal_sign + ecrecover) and never costs an RPC call; only otherwise is the chain asked.
   *
   * EOA policy (docs/SECURITY.md#signature-verifiers-and-project-wycheproof): 65-byte r‖s‖v
   * with v in 27/28 or 0/1, or 64-byte EIP-2098 compact signatures; s must be low (EIP-2). A
   * high-s signature by the message's own key is refused outright, even when the chain has an
   * RPC: ERC-6492's validator would fall back to the ecrecover precompile for an address without
   * code, which accepts high s.
   */
  async verifySignature(
    messageText: string,
    fields: SiweFields,
    signature: string,
    /** Runs before an RPC call is spent (e.g. the nonce's attempt count); may throw to refuse. */
    beforeRpc?: () => Promise<void>,
  ): Promise<VerifiedSigner> {
    const checked = readSignature(signature);
    const local = await this.recovery.examineMessage(messageText, hexToBytes(checked));
    // The message's hash only if the chain is asked: an EOA's check never computes it twice.
    return this.judge(fields, () => hashMessage(messageText), checked, local, beforeRpc);
  }

  /**
   * A signature of a 32-byte hash other than a message's (an EIP-712 typed data hash) by
   * `address` on `chainId`, judged as `verifySignature` judges a message's: locally for an EOA,
   * through the chain's RPC (ERC-1271 / ERC-6492 / ERC-8010) for anything else, when it has one.
   */
  async verifyHashSignature(
    address: Address,
    chainId: number,
    hash: Hex,
    signature: string,
  ): Promise<VerifiedSigner> {
    const checked = readSignature(signature);
    const local = await this.recovery.examine(hash, hexToBytes(checked));
    return this.judge({ address, chainId }, () => hash, checked, local);
  }

  private async judge(
    fields: Pick<SiweFields, 'address' | 'chainId'>,
    hashOf: () => Hex,
    checked: Hex,
    local: EoaRecovery,
    beforeRpc?: () => Promise<void>,
  ): Promise<VerifiedSigner> {
    if (local.outcome === 'recovered' && isAddressEqual(local.address, fields.address)) {
      return { address: fields.address, kind: 'eoa' };
    }
    if (local.outcome === 'high-s' && isAddressEqual(local.address, fields.address)) {
      // EIP-2: the address's own key, in the malleable high-s form wallets never produce.
      throw new InvalidSignature(SIGNATURE_REFUSALS['high-s']).because('high_s');
    }

    const transport = this.transports.forChain(fields.chainId);
    if (transport === undefined) {
      // No RPC means EOA only: a 64- or 65-byte signature is judged as an EOA's (a tampered
      // message, another key, a bad v or a point off the curve is invalid_signature); any other
      // shape can only be a contract wallet's.
      if (local.outcome === 'not-ecdsa') throw new ContractWalletUnsupported(fields.chainId);
      throw new InvalidSignature(
        local.outcome === 'invalid'
          ? SIGNATURE_REFUSALS[local.problem]
          : 'The signature is not valid for the message address',
      );
    }
    // Contract wallets define their own signature format (ERC-1271): whatever the bytes look
    // like to ecrecover, the wallet's contract decides. An EIP-7702 account is one too: its code
    // (0xef0100 ‖ delegate) runs the delegate's isValidSignature at the account's address.
    await beforeRpc?.();
    const query: ContractSignatureQuery = { transport, hash: hashOf(), fields, signature: checked };
    const valid = isErc8010Signature(checked)
      ? await this.isValidPreDelegatedSignature(query)
      : await this.isValidContractSignature(query);
    if (valid) {
      return { address: fields.address, kind: 'contract' };
    }
    throw new InvalidSignature('The signature is not valid for the message address');
  }

  private checkScheme(fields: SiweFields, siteUri: URL): void {
    if (fields.scheme !== undefined && `${fields.scheme}:` !== siteUri.protocol) {
      throw new DomainMismatch('The message is for another scheme');
    }
  }

  /** The URI must equal or lie under the site's URI: same origin, path on a segment boundary. */
  private checkUri(uri: string, siteUri: URL): void {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      throw new UriMismatch('The message URI is not under the site it signs in to');
    }
    const basePath = siteUri.pathname.replace(/\/+$/, '');
    const underBase = url.pathname === basePath || url.pathname.startsWith(`${basePath}/`);
    if (
      url.origin === 'null' ||
      url.origin !== siteUri.origin ||
      url.username !== '' ||
      url.password !== '' ||
      !underBase
    ) {
      throw new UriMismatch('The message URI is not under the site it signs in to');
    }
  }

  private checkValidityWindow(fields: SiweFields): void {
    const now = this.clock.now().getTime();
    if (fields.expirationTime !== undefined && now >= toMillis(fields.expirationTime)) {
      throw new ExpiredMessage('The message has expired');
    }
    if (fields.notBefore !== undefined && now < toMillis(fields.notBefore)) {
      throw new NotYetValid('The message is not valid yet (Not Before is in the future)');
    }
    if (toMillis(fields.issuedAt) > now + this.wallet.clockSkewSeconds * 1000) {
      throw new NotYetValid(
        'The message was issued in the future (Issued At is ahead of our clock)',
      );
    }
  }

  /**
   * ERC-6492's universal validator as a deployless eth_call: it handles ERC-6492 wrappers
   * (wallets not deployed yet), deployed ERC-1271 wallets and plain ecrecover alike. We issue
   * the call ourselves because the public client's `verifyMessage` turns every failed call,
   * timeouts included, into `false`, and an outage must not read as a bad signature.
   */
  private async isValidContractSignature(query: ContractSignatureQuery): Promise<boolean> {
    const { transport, hash, fields, signature } = query;
    const viem = await viemRpc();
    const { erc6492SignatureValidatorAbi, erc6492SignatureValidatorByteCode } = viem;
    // No CCIP-read: the wallet's contract must not make us fetch URLs of its choosing.
    const client = viem.createPublicClient({ transport, ccipRead: false });
    const data = encodeDeployData({
      abi: erc6492SignatureValidatorAbi,
      bytecode: erc6492SignatureValidatorByteCode,
      args: [fields.address, hash, signature],
    });
    try {
      const { data: result } = await client.call({ data });
      return result !== undefined && hexToBigInt(result) === 1n;
    } catch (error) {
      // A revert is the wallet's answer (many revert on a bad signature); anything else means
      // we could not ask, which is not the client's fault.
      if (isRevert(viem, error)) return false;
      throw this.unreachable(viem, fields.chainId, error);
    }
  }

  /**
   * ERC-8010: a signature wrapped with the EIP-7702 authorization that delegates the account to
   * the contract judging it, for an account not delegated on chain yet. viem's verifyHash reads
   * the account's code: already delegated to that contract, it asks isValidSignature at the
   * account (ERC-1271); else it checks locally that the account's own key signed the
   * authorization and asks in an eth_call that carries it. So the key holder chose the contract,
   * as with a delegation on chain. viem reads a call that failed as `false`; the transport
   * watched here tells an outage (503) from the node's answer (a revert is a refusal).
   */
  private async isValidPreDelegatedSignature(query: ContractSignatureQuery): Promise<boolean> {
    const { transport, hash, fields, signature } = query;
    const viem = await viemRpc();
    let outage: unknown;
    const watched: Transport = (options) => {
      const inner = transport(options);
      const request: typeof inner.request = async (args) => {
        try {
          return await inner.request(args);
        } catch (error) {
          if (!isRevert(viem, error)) outage ??= error;
          throw error;
        }
      };
      return { ...inner, request };
    };
    const client = viem.createPublicClient({ transport: watched, ccipRead: false });
    let valid = false;
    try {
      valid = await client.verifyHash({
        address: fields.address,
        hash,
        signature,
      });
    } catch (error) {
      if (!isRevert(viem, error)) outage ??= error;
    }
    if (outage !== undefined) throw this.unreachable(viem, fields.chainId, outage);
    return valid;
  }

  private unreachable(viem: Viem, chainId: number, error: unknown): TemporarilyUnavailable {
    // Only the error's class: its message may hold the call data or an RPC URL with a key.
    this.logger.warn(
      `Contract signature check on chain ${chainId} failed: ${rootName(viem, error)}`,
    );
    return new TemporarilyUnavailable(
      `Could not reach chain ${chainId} to check a contract wallet signature; try again`,
    );
  }
}

/** What a contract wallet's chain is asked: did the address sign `hash` with `signature`? */
interface ContractSignatureQuery {
  readonly transport: Transport;
  readonly hash: Hex;
  readonly fields: Pick<SiweFields, 'address' | 'chainId'>;
  readonly signature: Hex;
}

/** viem whole, loaded by the first contract wallet check (`viemRpc`). */
type Viem = Awaited<ReturnType<typeof viemRpc>>;

/** The node's answer that the call reverted (many wallets revert on a bad signature), as viem reads it. */
function isRevert({ BaseError, ExecutionRevertedError }: Viem, error: unknown): boolean {
  return (
    error instanceof BaseError &&
    (error.walk((e) => e instanceof ExecutionRevertedError) !== null ||
      getNodeError(error, {}) instanceof ExecutionRevertedError)
  );
}

/**
 * The one check of an Ethereum signature's text, where it arrives: 0x-hex of whole bytes, at least
 * one and at most MAX_SIGNATURE_BYTES (invalid_request, as any malformed parameter: an empty `0x`
 * is no signature, not a contract wallet's to ask a node about). Past it the signature is bytes
 * (SignatureRecovery) or this checked hex (the contract wallet's eth_call).
 */
function readSignature(signature: string): Hex {
  if (!/^0x(?:[0-9a-fA-F]{2})+$/.test(signature)) {
    throw new InvalidRequest('The signature must be 0x-prefixed hex of whole bytes, not empty');
  }
  if (signature.length > 2 + 2 * MAX_SIGNATURE_BYTES) {
    throw new InvalidRequest(`The signature is longer than ${MAX_SIGNATURE_BYTES} bytes`);
  }
  return signature as Hex;
}

function toMillis(dateTime: string): number {
  const millis = Date.parse(dateTime);
  if (Number.isNaN(millis)) {
    throw new InvalidMessage('A date-time in the message cannot be read');
  }
  return millis;
}

function rootName({ BaseError }: Viem, error: unknown): string {
  if (error instanceof BaseError) return error.walk().name;
  return error instanceof Error ? error.name : typeof error;
}
