import { Injectable } from '@nestjs/common';
import { ChallengeStore } from '../../challenges/challenge-store';
import { WalletConfig } from '../../config/sections/wallet.config';
import { ChallengeConfig } from '../../config/sections/challenges.config';
import type { SolanaCluster } from '../../config/solana-clusters';
import { ChainNotAllowed, InvalidRequest } from '../wallet.errors';
import { generateWalletNonce } from '../nonce/wallet-nonce';
import type { WalletNonceResponseDto } from '../nonce/wallet-nonce-response.dto';
import { buildSiwsMessage } from './siws-message';
import { SIWS_STATEMENT } from './siws-verifier';
import { isSigningKey, solanaAddressBytes } from './solana-address';

/**
 * What a Sign In With Solana nonce is bound to: the address exactly (base58 is case-sensitive)
 * and the cluster's CAIP-2 id, so a mainnet nonce never signs in on devnet.
 */
export function siwsNonceBinding(address: string, cluster: SolanaCluster): Record<string, string> {
  return { address, chain_id: cluster.caip2 };
}

/** Issues single-use SIWS nonces (challenge kind `siws_nonce`), one document each. */
@Injectable()
export class SiwsNonceService {
  constructor(
    private readonly challenges: ChallengeStore,
    private readonly challengeConfig: ChallengeConfig,
    private readonly wallet: WalletConfig,
  ) {}

  async issue(address: string, cluster: SolanaCluster): Promise<WalletNonceResponseDto> {
    const { domain, uri, solanaChains } = this.wallet;
    if (!solanaChains.includes(cluster)) throw new ChainNotAllowed(cluster.name);
    const publicKey = solanaAddressBytes(address);
    if (publicKey === undefined || !isSigningKey(publicKey)) {
      throw new InvalidRequest(
        'address is a small-order Ed25519 point: no wallet holds its key, and it would verify forged signatures',
      );
    }
    const nonce = generateWalletNonce();
    const stored = await this.challenges.issue<Record<string, never>>({
      kind: 'siws_nonce',
      key: nonce,
      binding: siwsNonceBinding(address, cluster),
      payload: {},
      ttlSeconds: this.challengeConfig.walletNonceTtlSeconds,
    });
    const issuedAt = stored.createdAt.toISOString();
    // CAIP-122: the message stops being valid when its nonce does.
    const expirationTime = stored.expiresAt.toISOString();
    const message = buildSiwsMessage({
      domain,
      address,
      statement: SIWS_STATEMENT,
      uri,
      version: '1',
      chainId: cluster.name,
      nonce,
      issuedAt,
      expirationTime,
    });
    return {
      nonce,
      address,
      chainId: cluster.name,
      domain,
      uri,
      issuedAt,
      expirationTime,
      message,
    };
  }
}
