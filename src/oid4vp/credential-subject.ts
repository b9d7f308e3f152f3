import { calculateJwkThumbprint } from 'jose';
import type { CredentialClaims } from '../accounts/account';
import { sha256Base64Url } from '../platform/crypto/hashing';

/**
 * The stable key of the person a credential names, per issuer (docs/IDENTITY-WALLETS.md): the
 * SHA-256 of the issuer and its `sub` claim when the credential has one; else of the issuer and
 * the values of OID4VP_SUBJECT_CLAIMS (default `personal_administrative_number`), when all were
 * disclosed, none null or empty; else (a presentation disclosing too little to name anyone, say
 * `age_over_18` alone, or a credential without those claims) of the issuer and the RFC 7638
 * thumbprint of the holder key: a pseudonymous account per wallet key. The subject claims must be
 * ones the issuer makes unique per person: names and a birthdate are not, and namesakes would
 * share one account. The same credential gives the same key every time; the key is a hash, no
 * claim in clear.
 * Not the `vct`: one issuer's `sub` or personal number names one person across its credential types.
 */
export async function credentialSubjectHash(
  issuer: string,
  claims: Readonly<Record<string, unknown>>,
  subjectClaims: readonly string[],
  holderJwk: Readonly<Record<string, unknown>>,
): Promise<string> {
  if (typeof claims.sub === 'string' && claims.sub !== '') {
    return sha256Base64Url(JSON.stringify([issuer, 'sub', claims.sub]));
  }
  const named = (value: unknown) => value !== undefined && value !== null && value !== '';
  if (subjectClaims.length > 0 && subjectClaims.every((name) => named(claims[name]))) {
    const values = subjectClaims.map((name) => [name, claims[name]]);
    return sha256Base64Url(JSON.stringify([issuer, 'claims', values]));
  }
  const thumbprint = await calculateJwkThumbprint(holderJwk);
  return sha256Base64Url(JSON.stringify([issuer, 'cnf', thumbprint]));
}

/** The claims a scope may give (`identity`, `age`), as this presentation disclosed them. */
export function keptClaims(claims: Readonly<Record<string, unknown>>): CredentialClaims {
  const text = (name: string) =>
    typeof claims[name] === 'string' ? { [name]: claims[name].slice(0, 256) } : {};
  return {
    ...text('given_name'),
    ...text('family_name'),
    ...text('birthdate'),
    ...(typeof claims.age_over_18 === 'boolean' ? { age_over_18: claims.age_over_18 } : {}),
  };
}
