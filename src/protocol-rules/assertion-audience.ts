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

/**
 * The `aud` of a workload JWT (the JWT-bearer grant without the ID-JAG `typ`): the audience as
 * `isAssertionAudience` takes it, or an array of that one audience and nothing else. RFC 7519
 * §4.1.3 allows either form, and workload platforms write the array (a Kubernetes service
 * account token's `aud` is always one, even for a single audience); with one member it names no
 * other audience that could replay it here. Client assertions and ID-JAGs keep the string alone.
 */
export function isWorkloadAudience(aud: unknown, audience: string): boolean {
  return (
    isAssertionAudience(aud, audience) ||
    (Array.isArray(aud) && aud.length === 1 && isAssertionAudience(aud[0], audience))
  );
}
