import { Module } from '@nestjs/common';
import { SiwsVerifier } from './siws-verifier';

/** Sign In With Solana verification: Ed25519, local. Needs WalletConfig and Clock (global). */
@Module({
  providers: [SiwsVerifier],
  exports: [SiwsVerifier],
})
export class SiwsModule {}
