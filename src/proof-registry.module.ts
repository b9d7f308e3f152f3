import { Global, Module } from '@nestjs/common';
import { PROOFS } from './proof-registry';
import { ProofList } from './proofs/proof-list';

/** The registry's proofs for the folders below it that iterate them (the login page). */
@Global()
@Module({
  providers: [{ provide: ProofList, useValue: { proofs: Object.values(PROOFS) } }],
  exports: [ProofList],
})
export class ProofRegistryModule {}
