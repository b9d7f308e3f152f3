import { ANY_SIGN_IN, type ProofDescriptor } from '../proofs/proof-descriptor';
import { AMR } from '../proofs/proof-vocabulary';

/** A username and password on the login page: no challenge, a shared secret checked by scrypt. */
export const PASSWORD_PROOF = {
  id: 'password',
  label: 'Password',
  shortLabel: 'Password',
  amr: AMR.password,
  acr: ANY_SIGN_IN,
  challengeKinds: [],
} satisfies ProofDescriptor<'password'>;
