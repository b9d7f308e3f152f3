/**
 * The rules every public signing key Proofgate accepts from outside must meet (a DPoP proof's
 * `jwk`, a private_key_jwt client's keys, every JWK Set fetched to check a signature): the
 * resource-server package's, so that its APIs refuse the proof keys the service refuses.
 */
export {
  RSA_MODULUS_MAX_BITS,
  RSA_MODULUS_MIN_BITS,
  publicKeyProblem,
} from '@proofgate/resource-server/public-key-rules';
