import { Module } from '@nestjs/common';
import { ProofKeys } from '@proofgate/resource-server';
import { ChallengeStoreModule } from '../../challenges/challenge-store.module';
import { DpopNonces } from './dpop-nonces';
import { DpopProofVerifier } from './dpop-proof.verifier';

/**
 * How many proof keys /token, /par and the resources DpopProofVerifier guards remember, imported
 * with their thumbprints. Anyone can present a key (only one whose request was authorised is
 * kept): bounded, see docs/SECURITY.md.
 */
export const DPOP_PROOF_KEYS_REMEMBERED = 1000;

/** RFC 9449 proof checking, for the token endpoint and the protected resources alike. */
@Module({
  imports: [ChallengeStoreModule],
  providers: [
    DpopNonces,
    { provide: ProofKeys, useFactory: () => new ProofKeys(DPOP_PROOF_KEYS_REMEMBERED) },
    DpopProofVerifier,
  ],
  exports: [DpopProofVerifier, DpopNonces],
})
export class DpopModule {}
