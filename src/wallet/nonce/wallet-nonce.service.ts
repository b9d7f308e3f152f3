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
import { issueWalletNonce, walletNonceBinding } from './wallet-nonce';
import type { NonceIntent } from '../audience/wallet-audience';
import { Clock } from '../../platform/clock/clock';
import type { WalletNonceResponseDto } from './wallet-nonce-response.dto';

/**
 * Issues single-use wallet nonces bound to the address and chain that asked for them, and to what
 * the signature is for (`NonceIntent`: its audience and purpose, and the exact message's hash): one
 * document, living exactly as long as the nonce. SIWE here; Solana's in `SiwsNonceService`.
 */
@Injectable()
export class WalletNonceService {
  constructor(
    private readonly challenges: ChallengeStore,
    private readonly challengeConfig: ChallengeConfig,
    private readonly wallet: WalletConfig,
    private readonly clock: Clock,
    private readonly siws: SiwsNonceService,
  ) {}

  /**
   * Dispatches on the chain's namespace: EIP-4361 for `eip155`, CAIP-122 Solana for `solana`; a
   * span of its own per model when tracing.
   */
  issue(
    requestedAddress: string,
    requestedChain: number | string,
    intent: NonceIntent,
  ): Promise<WalletNonceResponseDto> {
    const chain = parseWalletChain(requestedChain);
    if (chain === undefined) return Promise.reject(new ChainNotAllowed(requestedChain));
    if (chain.namespace === 'solana') {
      const { cluster } = chain;
      return tracedStep('siws.nonce', { [STEP_ATTRIBUTES.model]: 'siws' }, () =>
        this.siws.issue(requestedAddress, cluster, intent),
      );
    }
    return tracedStep('siwe.nonce', { [STEP_ATTRIBUTES.model]: 'siwe' }, () =>
      this.issueSiwe(requestedAddress, chain.chainId, intent),
    );
  }

  private async issueSiwe(
    requestedAddress: string,
    chainId: number,
    intent: NonceIntent,
  ): Promise<WalletNonceResponseDto> {
    if (!this.wallet.allowedChainIds.includes(chainId)) throw new ChainNotAllowed(chainId);
    const address = eip55.checksum(requestedAddress);
    const { domain, uri } = intent.site;
    const issued = await issueWalletNonce(this.challenges, this.clock, {
      kind: 'wallet_nonce',
      binding: walletNonceBinding(address, chainId),
      ttlSeconds: this.challengeConfig.walletNonceTtlSeconds,
      intent,
      write: (nonce, issuedAt, expirationTime) =>
        buildSiweMessage({
          domain,
          address,
          statement: intent.statement,
          uri,
          version: '1',
          chainId,
          nonce,
          issuedAt,
          expirationTime,
        }),
    });
    return { ...issued, address, chainId, domain, uri };
  }
}
