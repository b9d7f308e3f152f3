import { Injectable } from '@nestjs/common';
import { type Address, getAddress } from 'viem';
import { ChallengeStore } from '../../challenges/challenge-store';
import { AppConfig } from '../../config/app-config';
import { MetricsService } from '../../telemetry/metrics.service';
import { buildSiweMessage } from '../siwe/siwe-message.parser';
import { ChainNotAllowed } from '../wallet.errors';
import { generateWalletNonce } from './wallet-nonce';
import { WalletNonceLedger } from './wallet-nonce.ledger';

export const SIWE_STATEMENT = 'Sign in to Proofgate';

export interface WalletNonceResponse {
  nonce: string;
  /** EIP-55 checksummed. */
  address: Address;
  chainId: number;
  domain: string;
  uri: string;
  issuedAt: string;
  expirationTime: string;
  /** The exact EIP-4361 text for the wallet to sign. */
  message: string;
}

/** What the challenge store keeps with a wallet nonce, beyond its address binding. */
export interface WalletNoncePayload {
  chainId: number;
}

/** Issues single-use SIWE nonces bound to the address that asked for them. */
@Injectable()
export class WalletNonceService {
  constructor(
    private readonly challenges: ChallengeStore,
    private readonly ledger: WalletNonceLedger,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  async issue(requestedAddress: string, chainId: number): Promise<WalletNonceResponse> {
    const { domain, uri, allowedChainIds } = this.config.wallet;
    if (!allowedChainIds.includes(chainId)) throw new ChainNotAllowed(chainId);
    const address = getAddress(requestedAddress.toLowerCase());
    const nonce = generateWalletNonce();
    const ttlSeconds = this.config.challenges.walletNonceTtlSeconds;

    const stored = await this.challenges.issue<WalletNoncePayload>({
      kind: 'wallet_nonce',
      key: nonce,
      binding: { address: address.toLowerCase() },
      payload: { chainId },
      ttlSeconds,
    });
    // Both records exist before the nonce leaves the service, so no redeemer sees one without the other.
    await this.ledger.record({
      nonceHash: stored.keyHash,
      address: address.toLowerCase(),
      expiresAt: stored.expiresAt,
    });

    this.metrics.walletNonces.inc();
    const issuedAt = stored.createdAt.toISOString();
    // EIP-4361: the message stops being valid when its nonce does.
    const expirationTime = stored.expiresAt.toISOString();
    const message = buildSiweMessage({
      domain,
      address,
      statement: SIWE_STATEMENT,
      uri,
      version: '1',
      chainId,
      nonce,
      issuedAt,
      expirationTime,
    });
    return { nonce, address, chainId, domain, uri, issuedAt, expirationTime, message };
  }
}
