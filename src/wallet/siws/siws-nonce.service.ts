import { Injectable } from '@nestjs/common';
import { ChallengeStore } from '../../challenges/challenge-store';
import { WalletConfig } from '../../config/sections/wallet.config';
import { ChallengeConfig } from '../../config/sections/challenges.config';
import type { SolanaCluster } from '../../config/solana-clusters';
import { ChainNotAllowed, InvalidRequest } from '../wallet.errors';
import { issueWalletNonce } from '../nonce/wallet-nonce';
import type { NonceIntent } from '../audience/wallet-audience';
import { Clock } from '../../platform/clock/clock';
import type { WalletNonceResponseDto } from '../nonce/wallet-nonce-response.dto';
import { buildSiwsMessage } from './siws-message';
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
    private readonly clock: Clock,
  ) {}

  async issue(
    address: string,
    cluster: SolanaCluster,
    intent: NonceIntent,
  ): Promise<WalletNonceResponseDto> {
    if (!this.wallet.solanaChains.includes(cluster)) throw new ChainNotAllowed(cluster.name);
    const publicKey = solanaAddressBytes(address);
    if (publicKey === undefined || !isSigningKey(publicKey)) {
      throw new InvalidRequest(
        'address is a small-order Ed25519 point: no wallet holds its key, and it would verify forged signatures',
      );
    }
    const { domain, uri } = intent.site;
    const issued = await issueWalletNonce(this.challenges, this.clock, {
      kind: 'siws_nonce',
      binding: siwsNonceBinding(address, cluster),
      ttlSeconds: this.challengeConfig.walletNonceTtlSeconds,
      intent,
      write: (nonce, issuedAt, expirationTime) =>
        buildSiwsMessage({
          domain,
          address,
          statement: intent.statement,
          uri,
          version: '1',
          chainId: cluster.name,
          nonce,
          issuedAt,
          expirationTime,
        }),
    });
    return { ...issued, address, chainId: cluster.name, domain, uri };
  }
}
