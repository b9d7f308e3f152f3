import { STEP_ATTRIBUTES, tracedStep } from '../platform/tracing/tracing';
import { Injectable } from '@nestjs/common';
import { ChallengeStore } from '../challenges/challenge-store';
import { ChallengeConfig } from '../config/sections/challenges.config';
import { ChainNotAllowed } from './core/wallet.errors';
import { issueWalletNonce } from './core/wallet-nonce';
import type { NonceIntent } from './audience/wallet-audience';
import { Clock } from '../platform/clock/clock';
import { WalletChains } from './wallet-chains';
import type { WalletNonceResponseDto } from './wallet-nonce-response.dto';

/**
 * Issues single-use wallet nonces bound to the address and chain that asked for them, and to what
 * the signature is for (`NonceIntent`: its audience and purpose, and the exact message's hash): one
 * document, living exactly as long as the nonce. The chain the request names reads its address
 * and chain and writes its message (EIP-4361 for `eip155`, CAIP-122 Solana for `solana`, ...).
 */
@Injectable()
export class WalletNonceService {
  constructor(
    private readonly challenges: ChallengeStore,
    private readonly challengeConfig: ChallengeConfig,
    private readonly clock: Clock,
    private readonly chains: WalletChains,
  ) {}

  /** A span of its own per model when tracing. */
  issue(
    requestedAddress: string,
    requestedChain: number | string,
    intent: NonceIntent,
  ): Promise<WalletNonceResponseDto> {
    const chain = this.chains.forChainId(requestedChain);
    if (chain === undefined) return Promise.reject(new ChainNotAllowed(requestedChain));
    return tracedStep(
      `${chain.model}.nonce`,
      { [STEP_ATTRIBUTES.model]: chain.model },
      async () => {
        const request = chain.readNonceRequest(requestedAddress, requestedChain);
        const { address, chainId } = request;
        const { domain, uri } = intent.site;
        const issued = await issueWalletNonce(this.challenges, this.clock, {
          kind: chain.nonceKind,
          binding: request.binding,
          ttlSeconds: this.challengeConfig.walletNonceTtlSeconds,
          intent,
          write: (nonce, issuedAt, expirationTime) =>
            chain.buildMessage(request, {
              domain,
              uri,
              statement: intent.statement,
              nonce,
              issuedAt,
              expirationTime,
            }),
        });
        return { ...issued, address, chainId, domain, uri };
      },
    );
  }
}
