import { STEP_ATTRIBUTES, tracedStep } from '../../platform/tracing/tracing';
import { Injectable } from '@nestjs/common';
import { ChallengeStore } from '../../challenges/challenge-store';
import { WalletConfig } from '../../config/sections/wallet.config';
import { ChallengeConfig } from '../../config/sections/challenges.config';
import { eip55 } from '../siwe/eip55';
import { buildSiweMessage } from '../siwe/siwe-message.parser';
import { parseWalletChain } from '../chains/wallet-chain';
import { SiwsNonceService } from '../siws/siws-nonce.service';
import { ChainNotAllowed } from '../wallet.errors';
import { generateWalletNonce, walletNonceBinding } from './wallet-nonce';
import type { WalletNonceResponseDto } from './wallet-nonce-response.dto';

export const SIWE_STATEMENT = 'Sign in to Proofgate';

/**
 * Issues single-use wallet nonces bound to the address and chain that asked for them: one
 * document, living exactly as long as the nonce. SIWE here; Solana's in `SiwsNonceService`.
 */
@Injectable()
export class WalletNonceService {
  constructor(
    private readonly challenges: ChallengeStore,
    private readonly challengeConfig: ChallengeConfig,
    private readonly wallet: WalletConfig,
    private readonly siws: SiwsNonceService,
  ) {}

  /**
   * Dispatches on the chain's namespace: EIP-4361 for `eip155`, CAIP-122 Solana for `solana`; a
   * span of its own per model when tracing.
   */
  issue(
    requestedAddress: string,
    requestedChain: number | string,
  ): Promise<WalletNonceResponseDto> {
    const chain = parseWalletChain(requestedChain);
    if (chain === undefined) return Promise.reject(new ChainNotAllowed(requestedChain));
    if (chain.namespace === 'solana') {
      const { cluster } = chain;
      return tracedStep('siws.nonce', { [STEP_ATTRIBUTES.model]: 'siws' }, () =>
        this.siws.issue(requestedAddress, cluster),
      );
    }
    return tracedStep('siwe.nonce', { [STEP_ATTRIBUTES.model]: 'siwe' }, () =>
      this.issueSiwe(requestedAddress, chain.chainId),
    );
  }

  private async issueSiwe(
    requestedAddress: string,
    chainId: number,
  ): Promise<WalletNonceResponseDto> {
    const { domain, uri, allowedChainIds } = this.wallet;
    if (!allowedChainIds.includes(chainId)) throw new ChainNotAllowed(chainId);
    const address = eip55.checksum(requestedAddress);
    const nonce = generateWalletNonce();
    const stored = await this.challenges.issue<Record<string, never>>({
      kind: 'wallet_nonce',
      key: nonce,
      binding: walletNonceBinding(address, chainId),
      payload: {},
      ttlSeconds: this.challengeConfig.walletNonceTtlSeconds,
    });

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
