import bs58 from 'bs58';
import { getAddress } from 'viem';
import type { WalletConfig } from '../../config/sections/wallet.config';
import { readBitcoinAddress } from '../../wallet/siwb/bitcoin-signature';
import { AdminError } from '../admin.errors';

const EIP155 = /^eip155:([0-9]{1,32}):(0x[0-9a-fA-F]{40})$/;
const SOLANA = /^solana:([1-9A-HJ-NP-Za-km-z]{32}):([1-9A-HJ-NP-Za-km-z]{32,44})$/;
const BIP122 = /^(bip122:[0-9a-f]{32}):([0-9A-Za-z]{26,62})$/;

/**
 * A wallet's CAIP-10 account id as an operator typed it, checked and written as the wallet login
 * writes it (its method key), or an AdminError saying what is wrong. An operator's link takes no
 * signature, so nothing else would catch a typo: a mistyped address would sign nobody in, or
 * worse, a stranger, and a chain the service does not accept would be a method that never signs
 * in.
 * - `eip155:<chain>:<address>`: the chain one of SIWE_CHAIN_IDS; the address all lower case
 *   (normalised to its EIP-55 form) or mixed case with a valid EIP-55 checksum (a bad one is a
 *   typo, refused);
 * - `solana:<genesis reference>:<address>`: the cluster one of SIWS_CHAINS (its CAIP-2 id); the
 *   address a base58 32-byte key;
 * - `bip122:<genesis reference>:<address>`: the network one of SIWB_CHAINS; the address one a
 *   wallet signs in with on that network, as Sign in with Bitcoin reads it (bech32 lower case).
 */
export function walletAccountId(value: string, wallet: WalletConfig): string {
  const evm = EIP155.exec(value);
  if (evm) {
    const [, chain, address] = evm;
    if (!wallet.allowedChainIds.includes(Number(chain))) {
      throw new AdminError(
        `chain eip155:${chain} is not one the service accepts (SIWE_CHAIN_IDS: ${wallet.allowedChainIds.join(', ')})`,
      );
    }
    const checksummed = getAddress(address.toLowerCase());
    if (address !== address.toLowerCase() && address !== checksummed) {
      throw new AdminError(
        `${address} has an invalid EIP-55 checksum (a typo?): write it all lower case or with its checksum`,
      );
    }
    return `eip155:${chain}:${checksummed}`;
  }
  const solana = SOLANA.exec(value);
  if (solana) {
    const [, reference, address] = solana;
    const caip2 = `solana:${reference}`;
    if (!wallet.solanaChains.some((cluster) => cluster.caip2 === caip2)) {
      const accepted = wallet.solanaChains.map((cluster) => cluster.caip2).join(', ');
      throw new AdminError(
        `chain ${caip2} is not one the service accepts (SIWS_CHAINS: ${accepted})`,
      );
    }
    if (bs58.decode(address).length !== 32) {
      throw new AdminError(`${address} is not a Solana address (a base58 32-byte key)`);
    }
    return value;
  }
  const bitcoin = BIP122.exec(value);
  if (bitcoin) {
    const [, chain, address] = bitcoin;
    if (!wallet.bitcoinChains.some((allowed) => allowed === chain)) {
      throw new AdminError(
        `chain ${chain} is not one the service accepts (SIWB_CHAINS: ${wallet.bitcoinChains.join(', ')})`,
      );
    }
    if (readBitcoinAddress(address)?.chain !== chain) {
      throw new AdminError(
        `${address} is not a Bitcoin address of ${chain} that signs in (P2PKH, P2SH-P2WPKH, P2WPKH or P2TR; bech32 in lower case)`,
      );
    }
    return value;
  }
  throw new AdminError(
    '--wallet must be a CAIP-10 account id: eip155:<chain id>:0x<40 hex digits>, solana:<genesis reference>:<base58 address> or bip122:<genesis reference>:<address>',
  );
}
