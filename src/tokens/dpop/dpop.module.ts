import { Module } from '@nestjs/common';
import { ChallengeStoreModule } from '../../challenges/challenge-store.module';
import { DpopNonces } from './dpop-nonces';
import { DpopProofKeys } from './dpop-proof-keys';
import { DpopProofVerifier } from './dpop-proof.verifier';

/** RFC 9449 proof checking, for the token endpoint and the protected resources alike. */
@Module({
  imports: [ChallengeStoreModule],
  providers: [DpopNonces, DpopProofKeys, DpopProofVerifier],
  exports: [DpopProofVerifier, DpopNonces],
})
export class DpopModule {}
