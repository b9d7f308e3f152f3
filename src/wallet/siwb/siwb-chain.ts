import { Injectable } from '@nestjs/common';
import { type BitcoinChainId, WalletConfig } from '../../config/sections/wallet.config';
import { Caip122Chain, type Caip122Network } from '../core/caip122-chain';
import type { AccountIdReading, WalletChainEntry, WalletChainSyntax } from '../core/wallet-chain';
import { chainNotAccepted } from '../core/wallet-chain';
import { ChainNotAllowed, InvalidMessage, InvalidRequest } from '../core/wallet.errors';
import {
  BITCOIN_ADDRESS_FORM,
  type BitcoinAddress,
  readBitcoinAddress,
  verifyBitcoinSignature,
} from './bitcoin-signature';
import { SIWB_TEMPLATE, SiwbFields, claimedBitcoinAddress, isSiwbMessage } from './siwb-message';

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
    return chainNotAccepted(chain, 'SIWB_CHAINS', wallet.bitcoinChains);
  }
  if (readBitcoinAddress(address)?.chain !== chain) {
    return {
      refused: `${address} is not a Bitcoin address of ${chain} that signs in (P2PKH, P2SH-P2WPKH, P2WPKH or P2TR; bech32 in lower case)`,
    };
  }
  return { accountId: value };
}

/** A Bitcoin network (its CAIP-2 id), and for a message the address read on it. */
interface BitcoinNetwork extends Caip122Network {
  readonly address?: BitcoinAddress;
}

/**
 * Sign in with Bitcoin (CAIP-122, `bip122` namespace) as a wallet chain: its networks and its
 * signature (BIP-322 simple for segwit addresses, the legacy format for P2PKH; local, no node).
 * The message has no Expiration Time line: it is valid for its nonce's lifetime. Nonces are
 * challenge kind `siwb_nonce`, bound to the address and the network (core/caip122-chain.ts).
 */
@Injectable()
export class SiwbChain extends Caip122Chain<SiwbFields, BitcoinNetwork> {
  readonly syntax = BITCOIN_SYNTAX;
  readonly label = 'SIWB';
  readonly model = 'siwb' as const;
  readonly nonceKind = 'siwb_nonce';
  readonly authMethod = 'siwb';
  protected readonly messageName = 'Sign in with Bitcoin';
  protected readonly message = SIWB_TEMPLATE;

  protected requestedNetwork(address: string, chainId: number | string): BitcoinNetwork {
    const chain = this.wallet.bitcoinChains.find((allowed) => allowed === chainId);
    if (chain === undefined) throw new ChainNotAllowed(chainId);
    // The request's syntax read the address on some network; it must be the one named.
    if (readBitcoinAddress(address)?.chain !== chain) {
      throw new InvalidRequest(`address is not an address of chain ${chain}`);
    }
    return { chainId: chain, caip2: chain };
  }

  protected messageNetwork(fields: SiwbFields): BitcoinNetwork {
    const chain = fields.chainId as BitcoinChainId;
    if (!this.wallet.bitcoinChains.includes(chain)) throw new ChainNotAllowed(fields.chainId);
    // The parser read the address on some network; it must be the message's.
    const address = readBitcoinAddress(fields.address);
    if (address?.chain !== chain) {
      throw new InvalidMessage('The message address is not an address of its Chain ID');
    }
    return { chainId: chain, caip2: chain, address };
  }

  protected checkSignature(
    text: string,
    _fields: SiwbFields,
    network: BitcoinNetwork,
    signature: string,
  ): void {
    // messageNetwork read the address.
    verifyBitcoinSignature(network.address!, text, signature);
  }

  protected checkTextSignature(address: string, text: string, signature: string): void {
    // The nonce request read the address on its chain.
    verifyBitcoinSignature(readBitcoinAddress(address)!, text, signature);
  }
}

/** Sign in with Bitcoin, as the chain list registers it. */
export const SIWB: WalletChainEntry = {
  syntax: BITCOIN_SYNTAX,
  chain: SiwbChain,
  providers: [],
};
