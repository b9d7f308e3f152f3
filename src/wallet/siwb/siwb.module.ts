import { Module } from '@nestjs/common';
import { SiwbVerifier } from './siwb-verifier';

/**
 * Sign in with Bitcoin verification: BIP-322 and the legacy format, local (no node, no RPC).
 * Needs WalletConfig, ChallengeConfig and Clock (global).
 */
@Module({
  providers: [SiwbVerifier],
  exports: [SiwbVerifier],
})
export class SiwbModule {}
