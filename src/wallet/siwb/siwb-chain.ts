import { Injectable } from '@nestjs/common';
import { type BitcoinChainId, WalletConfig } from '../../config/sections/wallet.config';
import type { WalletSite } from '../audience/wallet-audience';
import type {
  AccountIdReading,
  ChainNonceRequest,
  VerifiedSignature,
  WalletChain,
  WalletChainEntry,
  WalletChainSyntax,
  WalletMessageFields,
} from '../core/wallet-chain';
import { messageFieldsOf } from '../core/wallet-chain';
import type { WalletProof } from '../core/wallet-proof';
import { ChainNotAllowed, InvalidRequest } from '../core/wallet.errors';
import { BITCOIN_ADDRESS_FORM, readBitcoinAddress } from './bitcoin-signature';
import {
  SiwbFields,
  buildSiwbMessage,
  claimedBitcoinAddress,
  isSiwbMessage,
  parseSiwbMessage,
} from './siwb-message';
import { SiwbVerifier } from './siwb-verifier';

/** CAIP-10 in the `bip122` namespace: the network by its CAIP-2 id, then the address. */
const BIP122_ACCOUNT_ID = /^(bip122:[0-9a-f]{32}):([0-9A-Za-z]{26,62})$/;

/**
 * Bitcoin's requests: a network by CAIP-2 id (`bip122:<first 32 hex digits of its genesis hash>`)
 * and an address as the wallet shows it, counted as is (base58 is case-sensitive, and bech32 is
 * taken in lower case only, so one address has one text).
 */
export const BITCOIN_SYNTAX: WalletChainSyntax = {
  namesChain: (chainId) => typeof chainId === 'string' && chainId.startsWith('bip122:'),
  isAddress: (address) => typeof address === 'string' && readBitcoinAddress(address) !== undefined,
  addressRule:
    'address must be a Bitcoin address as the wallet shows it: P2PKH (1…), P2SH-P2WPKH (3…), P2WPKH (bc1q…) or P2TR (bc1p…), bech32 in lower case',
  hasAddressForm: (text) => BITCOIN_ADDRESS_FORM.test(text),
  budgetKey: (address) => address,
  claimsMessage: (text) => isSiwbMessage(text),
  messageAddress: (head) => claimedBitcoinAddress(head),
  texts: {
    name: 'Bitcoin',
    chainId:
      'a network of SIWB_CHAINS by CAIP-2 id (`bip122:000000000019d6689c085ae165831e93`, mainnet)',
    address: 'P2WPKH (bc1q…), P2TR (bc1p…), P2SH-P2WPKH (3…) or P2PKH (1…), bech32 in lower case',
    issuedChainId: 'the network’s CAIP-2 id, as the message names it',
    issuedAddress: 'as requested',
    message: 'Sign in with Bitcoin (CAIP-122)',
    signature:
      'base64: BIP-322 simple for bc1q…, bc1p… and 3… addresses, the 65-byte legacy signed-message format for 1…',
  },
  accountIdForm: 'bip122:<genesis reference>:<address>',
  readAccountId: (value, wallet) => {
    const match = BIP122_ACCOUNT_ID.exec(value);
    return match ? bitcoinAccountId(value, match[1], match[2], wallet) : undefined;
  },
};

/**
 * A `bip122` account id: the network one of SIWB_CHAINS; the address one a wallet signs in with
 * on that network, as Sign in with Bitcoin reads it (bech32 lower case).
 */
function bitcoinAccountId(
  value: string,
  chain: string,
  address: string,
  wallet: WalletConfig,
): AccountIdReading {
  if (!wallet.bitcoinChains.some((allowed) => allowed === chain)) {
    return {
      refused: `chain ${chain} is not one the service accepts (SIWB_CHAINS: ${wallet.bitcoinChains.join(', ')})`,
    };
  }
  if (readBitcoinAddress(address)?.chain !== chain) {
    return {
      refused: `${address} is not a Bitcoin address of ${chain} that signs in (P2PKH, P2SH-P2WPKH, P2WPKH or P2TR; bech32 in lower case)`,
    };
  }
  return { accountId: value };
}

/**
 * What a Sign in with Bitcoin nonce is bound to: the address exactly and the network's CAIP-2 id,
 * so a mainnet nonce never signs in on testnet.
 */
function siwbNonceBinding(address: string, chain: BitcoinChainId): Record<string, string> {
  return { address, chain_id: chain };
}

interface SiwbNonceRequest extends ChainNonceRequest {
  readonly chainId: BitcoinChainId;
}

/**
 * Sign in with Bitcoin (CAIP-122, `bip122` namespace) as a wallet chain: the strict parse, the
 * field-by-field policy, the signature (BIP-322 simple for segwit addresses, the legacy format for
 * P2PKH; local, no node). Nonces are challenge kind `siwb_nonce`, bound to the address and the
 * network.
 */
@Injectable()
export class SiwbChain implements WalletChain<SiwbNonceRequest, SiwbFields> {
  readonly syntax = BITCOIN_SYNTAX;
  readonly label = 'SIWB';
  readonly model = 'siwb' as const;
  readonly nonceKind = 'siwb_nonce';
  readonly authMethod = 'siwb';

  constructor(
    private readonly wallet: WalletConfig,
    private readonly verifier: SiwbVerifier,
  ) {}

  readNonceRequest(address: string, chainId: number | string): SiwbNonceRequest {
    const chain = this.wallet.bitcoinChains.find((allowed) => allowed === chainId);
    if (chain === undefined) throw new ChainNotAllowed(chainId);
    // The request's syntax read the address on some network; it must be the one named.
    if (readBitcoinAddress(address)?.chain !== chain) {
      throw new InvalidRequest(`address is not an address of chain ${chain}`);
    }
    return { address, chainId: chain, binding: siwbNonceBinding(address, chain) };
  }

  buildMessage(request: SiwbNonceRequest, fields: WalletMessageFields): string {
    return buildSiwbMessage(messageFieldsOf(request, fields));
  }

  parseMessage(text: string): SiwbFields {
    return parseSiwbMessage(text);
  }

  verifySignature(
    proof: WalletProof,
    fields: SiwbFields,
    sites: readonly WalletSite[],
  ): Promise<VerifiedSignature> {
    const address = this.verifier.checkPolicy(fields, sites);
    this.verifier.verifySignature(proof.message, address, proof.signature);
    return Promise.resolve({
      account: `${address.chain}:${fields.address}`,
      address: fields.address,
      nonce: fields.nonce,
      binding: siwbNonceBinding(fields.address, address.chain),
    });
  }
}

/** Sign in with Bitcoin, as the chain list registers it. */
export const SIWB: WalletChainEntry = {
  syntax: BITCOIN_SYNTAX,
  chain: SiwbChain,
  providers: [SiwbVerifier],
};
