import { Injectable } from '@nestjs/common';
import { ChallengeConfig } from '../../config/sections/challenges.config';
import { type BitcoinChainId, WalletConfig } from '../../config/sections/wallet.config';
import { Clock } from '../../platform/clock/clock';
import type { WalletSite } from '../audience/wallet-audience';
import {
  ChainNotAllowed,
  DomainMismatch,
  ExpiredMessage,
  InvalidMessage,
  NotYetValid,
  UriMismatch,
} from '../core/wallet.errors';
import {
  type BitcoinAddress,
  readBitcoinAddress,
  verifyBitcoinSignature,
} from './bitcoin-signature';
import type { SiwbFields } from './siwb-message';

/** CAIP-122 nonce: alphanumeric, at least 8 characters (ours are 22). */
const NONCE = /^[A-Za-z0-9]{8,64}$/;
/** The one date-time form the nonce endpoint writes (`Date.toISOString`). */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Checks a parsed Sign in with Bitcoin message field by field against what the nonce endpoint
 * issues (a domain and URI of the redeeming audience's sites, version 1, an allowed network named
 * by its CAIP-2 id, an address of that network, the validity window) and its signature (BIP-322
 * simple, or the legacy format for P2PKH) against the message's address. Nonce bookkeeping
 * belongs to the caller: the nonce's redemption also requires the exact message issued.
 */
@Injectable()
export class SiwbVerifier {
  constructor(
    private readonly wallet: WalletConfig,
    private readonly challenges: ChallengeConfig,
    private readonly clock: Clock,
  ) {}

  /** Answers the message's address, read on its chain. */
  checkPolicy(fields: SiwbFields, sites: readonly WalletSite[]): BitcoinAddress {
    // CAIP-122 §Security considerations, as EIP-4361's: the domain binds the signature to the site.
    const site = sites.find((candidate) => candidate.domain === fields.domain);
    if (site === undefined) throw new DomainMismatch('The message is for another domain');
    if (fields.uri !== site.uri) {
      throw new UriMismatch('The message URI is not the one issued for its site');
    }
    if (fields.version !== '1') {
      throw new InvalidMessage('Only version 1 of Sign in with Bitcoin messages is supported');
    }
    const chain = fields.chainId as BitcoinChainId;
    if (!this.wallet.bitcoinChains.includes(chain)) throw new ChainNotAllowed(fields.chainId);
    // The parser read the address on some network; it must be the message's.
    const address = readBitcoinAddress(fields.address);
    if (address?.chain !== chain) {
      throw new InvalidMessage('The message address is not an address of its Chain ID');
    }
    if (!NONCE.test(fields.nonce))
      throw new InvalidMessage('The message nonce is not alphanumeric');
    if (!ISO_INSTANT.test(fields.issuedAt) || Number.isNaN(Date.parse(fields.issuedAt))) {
      throw new InvalidMessage('The message date-time is not the one this service writes');
    }
    this.checkValidityWindow(fields);
    return address;
  }

  /** `address` is `checkPolicy`'s answer for the message `messageText` reads as. */
  verifySignature(messageText: string, address: BitcoinAddress, signature: string): void {
    verifyBitcoinSignature(address, messageText, signature);
  }

  /**
   * With no Expiration Time line, a message is valid for the nonce lifetime from its issue time
   * (its nonce's own expiry, which the redemption checks again), never issued ahead of our clock.
   */
  private checkValidityWindow(fields: SiwbFields): void {
    const now = this.clock.now().getTime();
    const issuedAt = Date.parse(fields.issuedAt);
    if (now >= issuedAt + this.challenges.walletNonceTtlSeconds * 1000) {
      throw new ExpiredMessage('The message has expired');
    }
    if (issuedAt > now + this.wallet.clockSkewSeconds * 1000) {
      throw new NotYetValid(
        'The message was issued in the future (Issued At is ahead of our clock)',
      );
    }
  }
}
