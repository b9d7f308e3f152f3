import { ANY_SIGN_IN, type SignInAcr } from '../protocol-rules/acr';
import type { ProofDescriptor } from './proof-descriptor';

/**
 * Every proof's descriptor, for a folder that must iterate them but sits below the registry
 * (src/proof-registry.ts imports the proofs' folders, so login/ cannot import it back): the
 * registry's list is provided under this token, once, at the top (ProofRegistryModule).
 */
export abstract class ProofList {
  abstract readonly proofs: readonly ProofDescriptor[];
}

/**
 * The `acr` a sign-in by `method` (an `auth_method`) achieves, as its descriptor declares it;
 * a method no descriptor signs in with achieves nothing beyond a sign-in.
 */
export function signInAcrOf(
  proofs: readonly { readonly id: string; readonly acr?: SignInAcr }[],
  method: string,
): SignInAcr {
  return proofs.find((proof) => proof.id === method)?.acr ?? ANY_SIGN_IN;
}
