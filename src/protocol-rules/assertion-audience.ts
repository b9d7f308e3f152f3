/**
 * The `aud` of every assertion Proofgate accepts as its own audience: a client assertion
 * (private_key_jwt at /token, /par, /revoke, /introspect) and an authorization grant assertion
 * (the JWT-bearer grant's ID-JAG or workload JWT).
 *
 * draft-ietf-oauth-rfc7523bis (updating RFC 7521 §5.1 and RFC 7523 §3) and FAPI 2.0 Security
 * Profile §5.3.2.1-8: the audience is the authorization server's issuer identifier (RFC 8414 §2)
 * as a single string. Not the token endpoint's URL, nor any other endpoint's: a client that
 * signed its assertion for the "token endpoint" a malicious authorization server's metadata named
 * (ours) hands that server an assertion it can replay here; the issuer identifier is the one
 * value a client checks against the metadata it fetched. Not an array either: one that also
 * names another audience is an assertion that other audience can replay here.
 */
export function isAssertionAudience(aud: unknown, issuer: string): boolean {
  return typeof aud === 'string' && aud === issuer;
}
