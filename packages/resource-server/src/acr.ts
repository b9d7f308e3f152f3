/**
 * Proofgate's `acr` values, weakest first: each meets itself and those before it. A small table
 * rather than discovery's `acr_values_supported`, whose order no standard defines: a resource's
 * minimum is then checked the same way whether or not the discovery document was read yet, and an
 * issuer that adds a value cannot silently reorder the ones a resource relies on. `acrOrder`
 * replaces it for an issuer of other values.
 *
 * - `urn:proofgate:acr:1fa`: a sign-in by any one method (password, wallet, passkey);
 * - `phr` (EAP 1.0 §5.1.1): phishing-resistant, a passkey sign-in;
 * - `phrh` (EAP 1.0 §5.1.2): phishing-resistant and hardware-protected.
 */
export const PROOFGATE_ACR_ORDER = ['urn:proofgate:acr:1fa', 'phr', 'phrh'] as const;

/**
 * Whether a token's `acr` meets a minimum, by their places in `order`: a value the table does not
 * know (or none at all) meets nothing.
 */
export function meetsAcr(acr: unknown, minimum: string, order: readonly string[]): boolean {
  const have = typeof acr === 'string' ? order.indexOf(acr) : -1;
  return have >= 0 && have >= order.indexOf(minimum);
}
