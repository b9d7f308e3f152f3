import type { ProofDescriptor } from './proof-descriptor';

/**
 * Every proof's descriptor, for a folder that must iterate them but sits below the registry
 * (src/proof-registry.ts imports the proofs' folders, so login/ cannot import it back): the
 * registry's list is provided under this token, once, at the top (ProofRegistryModule).
 */
export abstract class ProofList {
  abstract readonly proofs: readonly ProofDescriptor[];
}
