import { Injectable } from '@nestjs/common';
import type { Address } from 'viem';
import { hashTypedData } from 'viem/utils';
import { ChallengeStore } from '../../challenges/challenge-store';
import { WalletConfig } from '../../config/sections/wallet.config';
import { RateLimiter } from '../../platform/rate-limit/rate-limiter';
import type { WalletSite } from '../audience/wallet-audience';
import type {
  SignedStatement,
  AccountIdReading,
  ChainNonceRequest,
  VerifiedSignature,
  WalletChain,
  WalletChainEntry,
  WalletChainSyntax,
  WalletMessageFields,
} from '../core/wallet-chain';
import { chainNotAccepted, messageFieldsOf } from '../core/wallet-chain';
import type { WalletProof } from '../core/wallet-proof';
import { ChainNotAllowed, InvalidNonce, InvalidSignature } from '../core/wallet.errors';
import { eip55 } from './eip55';
import { SiweFields, buildSiweMessage, parseSiweMessage } from './siwe-message.parser';
import { WALLET_RPC_PER_IP } from './siwe.rate-limits';
import { SIWE_PROVIDERS } from './siwe.providers';
import { SiweVerifier } from './siwe-verifier';

/**
 * Contract-wallet signature checks (one RPC call each) one nonce allows: the nonce is spent by
 * the last one that fails, so a nonce is never a lever for more calls than this.
 */
export const MAX_CONTRACT_CHECKS_PER_NONCE = 3;

/** CAIP-3: an EIP-155 reference is the decimal chain id, without leading zeros. */
const EIP155_CHAIN_ID = /^eip155:([1-9][0-9]{0,15})$/;
const HEX_ADDRESS = /^0x[0-9a-fA-F]{40}$/;
/** CAIP-10 in the `eip155` namespace, as an operator may type it. */
const EIP155_ACCOUNT_ID = /^eip155:([0-9]{1,32}):(0x[0-9a-fA-F]{40})$/;
/** EIP-4361: the address is the message's second line. Only the start of a message is read. */
const MESSAGE_ADDRESS = /^[^\n]{0,512}\n(0x[0-9a-fA-F]{40})\n/;
const HEADER_SUFFIX = ' wants you to sign in with your Ethereum account:';
/** How far into a message its first line may end and still be read as an EIP-4361 header. */
const HEADER_MAX_CHARS = 600;

/**
 * Ethereum's requests: a chain id as a number (`1`, as SIWE has always taken it) or CAIP-2
 * (`"eip155:1"`); an EIP-55 address, all-lowercase accepted (many wallets emit it), mixed case
 * only with a valid checksum, all-uppercase refused, as the SIWE message parser does. EIP-55 and
 * lower case name the same address: one budget.
 */
export const EIP155_SYNTAX: WalletChainSyntax = {
  namesChain: (chainId) => typeof chainId === 'number' || chainId.startsWith('eip155:'),
  isAddress: (address) => eip55.isValid(address),
  addressRule:
    'address must be a 0x-prefixed 20-byte hex address (mixed case needs a valid EIP-55 checksum)',
  hasAddressForm: (text) => HEX_ADDRESS.test(text),
  budgetKey: (address) => address.toLowerCase(),
  claimsMessage: (text) => {
    const end = text.indexOf('\n');
    return end > 0 && end <= HEADER_MAX_CHARS && text.endsWith(HEADER_SUFFIX, end);
  },
  messageAddress: (head) => MESSAGE_ADDRESS.exec(head)?.[1].toLowerCase(),
  texts: {
    name: 'Ethereum',
    chainId: 'an EIP-155 chain id (one of SIWE_CHAIN_IDS) as a number or as CAIP-2 (`eip155:1`)',
    address: '0x + 40 hex digits, mixed case a valid EIP-55 checksum',
    issuedChainId: 'the EIP-155 chain id (a number)',
    issuedAddress: 'EIP-55 checksummed',
    message: 'EIP-4361',
    signature: '0x-hex personal_sign (EIP-191) signature',
  },
  accountIdForm: 'eip155:<chain id>:0x<40 hex digits>',
  readAccountId: (value, wallet) => {
    const match = EIP155_ACCOUNT_ID.exec(value);
    return match ? eip155AccountId(match[1], match[2], wallet) : undefined;
  },
};

/**
 * An `eip155` account id: the chain one of SIWE_CHAIN_IDS; the address all lower case
 * (normalised to its EIP-55 form, as the sign-in writes it) or mixed case with a valid EIP-55
 * checksum (a bad one is a typo, refused).
 */
function eip155AccountId(chain: string, address: string, wallet: WalletConfig): AccountIdReading {
  if (!wallet.allowedChainIds.includes(Number(chain))) {
    return chainNotAccepted(`eip155:${chain}`, 'SIWE_CHAIN_IDS', wallet.allowedChainIds);
  }
  const checksummed = eip55.checksum(address);
  if (address !== address.toLowerCase() && address !== checksummed) {
    return {
      refused: `${address} has an invalid EIP-55 checksum (a typo?): write it all lower case or with its checksum`,
    };
  }
  return { accountId: `eip155:${chain}:${checksummed}` };
}

/** The EIP-155 chain a nonce request names, or undefined when it names none. */
export function eip155ChainId(chain: number | string): number | undefined {
  if (typeof chain === 'number') return Number.isSafeInteger(chain) ? chain : undefined;
  const eip155 = EIP155_CHAIN_ID.exec(chain);
  const chainId = eip155 ? Number(eip155[1]) : undefined;
  return chainId !== undefined && Number.isSafeInteger(chainId) ? chainId : undefined;
}

/**
 * What a nonce is bound to: the address that asked for it (lower-case hex) and the EIP-155 chain
 * it was issued for, so a chain-1 nonce never signs in on chain 10.
 */
export function walletNonceBinding(address: string, chainId: number): Record<string, string> {
  return { address: address.toLowerCase(), chain_id: String(chainId) };
}

interface SiweNonceRequest extends ChainNonceRequest {
  readonly address: Address;
  readonly chainId: number;
}

/**
 * Sign-In with Ethereum (EIP-4361) as a wallet chain. §Message validation: cheap checks first,
 * then the signature (recovered locally; a contract wallet's RPC check only after an atomic count
 * in the nonce's challenge, so no RPC call is spent on a nonce never issued and at most
 * MAX_CONTRACT_CHECKS_PER_NONCE on any nonce, each also charged to the caller's IP). A bad
 * signature never burns its rightful owner's nonce, except the last contract check a nonce allows.
 */
@Injectable()
export class SiweChain implements WalletChain<SiweNonceRequest, SiweFields> {
  readonly syntax = EIP155_SYNTAX;
  readonly label = 'SIWE';
  readonly model = 'siwe' as const;
  readonly nonceKind = 'wallet_nonce';
  readonly authMethod = 'siwe';

  constructor(
    private readonly wallet: WalletConfig,
    private readonly verifier: SiweVerifier,
    private readonly challenges: ChallengeStore,
    private readonly limiter: RateLimiter,
  ) {}

  readNonceRequest(address: string, chain: number | string): SiweNonceRequest {
    const chainId = eip155ChainId(chain);
    if (chainId === undefined) throw new ChainNotAllowed(chain);
    if (!this.wallet.allowedChainIds.includes(chainId)) throw new ChainNotAllowed(chainId);
    const checksummed = eip55.checksum(address);
    return {
      address: checksummed,
      chainId,
      binding: walletNonceBinding(checksummed, chainId),
    };
  }

  readonly statementForm = 'typed_data' as const;

  accountIdOf(request: SiweNonceRequest): string {
    return `eip155:${request.chainId}:${request.address}`;
  }

  /** EIP-712: the typed data's hash, checked as a sign-in's message hash is (contract wallets too). */
  async verifyStatement(
    request: SiweNonceRequest,
    statement: SignedStatement,
    signature: string,
  ): Promise<void> {
    if (statement.typedData === undefined) {
      throw new InvalidSignature('No typed data to check an Ethereum signature against');
    }
    await this.verifier.verifyHashSignature(
      request.address,
      request.chainId,
      hashTypedData(statement.typedData),
      signature,
    );
  }

  buildMessage(request: SiweNonceRequest, fields: WalletMessageFields): string {
    return buildSiweMessage(messageFieldsOf(request, fields));
  }

  parseMessage(text: string): SiweFields {
    return parseSiweMessage(text);
  }

  async verifySignature(
    proof: WalletProof,
    fields: SiweFields,
    sites: readonly WalletSite[],
    callerAddress: string,
  ): Promise<VerifiedSignature> {
    this.verifier.checkPolicy(fields, sites);
    let contractCheck: number | undefined;
    const signer = await this.verifier
      .verifySignature(proof.message, fields, proof.signature, async () => {
        contractCheck = await this.beforeContractCheck(fields, callerAddress);
      })
      .catch((error: unknown) => this.afterFailedCheck(error, fields, contractCheck));
    return {
      account: `eip155:${fields.chainId}:${signer.address}`,
      address: signer.address,
      nonce: fields.nonce,
      binding: walletNonceBinding(fields.address, fields.chainId),
      check: signer.kind,
    };
  }

  /**
   * Before an RPC call is spent: the nonce must be live with a contract check left (counted
   * atomically in its challenge), and the caller's IP within its RPC budget. Both at once: one
   * round trip's wait. Answers which check of the nonce this is.
   */
  private async beforeContractCheck(fields: SiweFields, callerAddress: string): Promise<number> {
    const [check] = await Promise.all([
      this.challenges.countAttempt('wallet_nonce', fields.nonce, MAX_CONTRACT_CHECKS_PER_NONCE),
      this.limiter.charge(WALLET_RPC_PER_IP, callerAddress, 'closed'),
    ]);
    if (check === null) {
      throw new InvalidNonce('The nonce is unknown, expired or used; request a new one').because(
        'unknown_nonce',
      );
    }
    return check;
  }

  /** The last contract check a nonce allows has failed: the nonce is spent, and the caller told. */
  private async afterFailedCheck(
    error: unknown,
    fields: SiweFields,
    contractCheck: number | undefined,
  ): Promise<never> {
    if (error instanceof InvalidSignature && contractCheck === MAX_CONTRACT_CHECKS_PER_NONCE) {
      await this.challenges.spend('wallet_nonce', fields.nonce);
      throw new InvalidSignature(
        `The signature is not valid for the message address; after ${MAX_CONTRACT_CHECKS_PER_NONCE} failed checks the nonce is used up, request a new one`,
      ).because('nonce_checks_exhausted');
    }
    throw error;
  }
}

/** Sign-In with Ethereum, as the chain list registers it. */
export const SIWE: WalletChainEntry = {
  syntax: EIP155_SYNTAX,
  chain: SiweChain,
  providers: SIWE_PROVIDERS,
};
