/**
 * RFC 9449 §5.1 `dpop_signing_alg_values_supported`: asymmetric JWS algorithms only (§4.2).
 * Ed25519 under both names: `EdDSA`, and `Ed25519`, its fully-specified name (RFC 9864), which
 * is what oauth4webapi signs Ed25519 proofs with.
 */
export const DPOP_SIGNING_ALGS = ['ES256', 'EdDSA', 'Ed25519', 'RS256', 'PS256'] as const;

/** RFC 9449 §7.1: the `algs` parameter of every DPoP challenge. */
export const DPOP_CHALLENGE_ALGS = `algs="${DPOP_SIGNING_ALGS.join(' ')}"`;
