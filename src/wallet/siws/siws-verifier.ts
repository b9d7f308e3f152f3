import { Injectable } from '@nestjs/common';
import { WalletConfig } from '../../config/sections/wallet.config';
import { solanaCluster, type SolanaCluster } from '../../protocol-rules/solana-clusters';
import { Clock } from '../../platform/clock/clock';
import {
  ChainNotAllowed,
  DomainMismatch,
  ExpiredMessage,
  InvalidMessage,
  InvalidSignature,
  NotYetValid,
  UriMismatch,
} from '../core/wallet.errors';
import { verifySolanaSignature } from './ed25519-signature';
import { SiwsFields } from './siws-message';
import type { WalletSite } from '../audience/wallet-audience';
import { solanaAddressBytes } from './solana-address';

/** CAIP-122 nonce: alphanumeric, at least 8 characters (ours are 22). */
const NONCE = /^[A-Za-z0-9]{8,64}$/;
/** The one date-time form the nonce endpoint writes (`Date.toISOString`). */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Checks a parsed Sign In With Solana message field by field against what the nonce endpoint
 * issues (a domain and URI of the redeeming audience's sites, version 1, an allowed cluster, the
 * validity window) and its Ed25519 signature against the message's address. Nonce bookkeeping
 * belongs to the caller: the nonce's redemption also requires the exact message issued (its hash),
 * statement and times included.
 */
@Injectable()
export class SiwsVerifier {
  private readonly wallet: WalletConfig;

  constructor(
    wallet: WalletConfig,
    private readonly clock: Clock,
  ) {
    this.wallet = wallet;
  }

  /** Answers the cluster the message is for. */
  checkPolicy(fields: SiwsFields, sites: readonly WalletSite[]): SolanaCluster {
    // CAIP-122 §Security considerations, as EIP-4361's: the domain binds the signature to the site.
    const site = sites.find((candidate) => candidate.domain === fields.domain);
    if (site === undefined) throw new DomainMismatch('The message is for another domain');
    if (fields.uri !== site.uri) {
      throw new UriMismatch('The message URI is not the one issued for its site');
    }
    if (fields.version !== '1') {
      throw new InvalidMessage('Only version 1 of Sign In With Solana messages is supported');
    }
    const cluster = solanaCluster(fields.chainId);
    // Issued messages name the cluster as wallets do; the CAIP-2 form is never written in one.
    if (cluster === undefined || cluster.name !== fields.chainId) {
      throw new InvalidMessage(
        'The message Chain ID is not a Solana cluster name (solana:mainnet, ...)',
      );
    }
    if (!this.wallet.solanaChains.includes(cluster)) throw new ChainNotAllowed(cluster.name);
    if (!NONCE.test(fields.nonce))
      throw new InvalidMessage('The message nonce is not alphanumeric');
    if (!ISO_INSTANT.test(fields.issuedAt) || !ISO_INSTANT.test(fields.expirationTime)) {
      throw new InvalidMessage('The message date-times are not the ones this service writes');
    }
    this.checkValidityWindow(fields);
    return cluster;
  }

  /** `fields` must be `parseSiwsMessage(messageText)`. */
  verifySignature(messageText: string, fields: SiwsFields, signature: string): void {
    // The parser accepted the address, so it decodes.
    const publicKey = solanaAddressBytes(fields.address)!;
    if (!verifySolanaSignature(publicKey, Buffer.from(messageText, 'utf8'), signature)) {
      throw new InvalidSignature('The signature is not valid for the message address');
    }
  }

  private checkValidityWindow(fields: SiwsFields): void {
    const now = this.clock.now().getTime();
    if (now >= Date.parse(fields.expirationTime)) {
      throw new ExpiredMessage('The message has expired');
    }
    if (Date.parse(fields.issuedAt) > now + this.wallet.clockSkewSeconds * 1000) {
      throw new NotYetValid(
        'The message was issued in the future (Issued At is ahead of our clock)',
      );
    }
  }
}
