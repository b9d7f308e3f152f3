/**
 * RFC 9901 §7.1 step 3-4: every disclosure presented must be referenced by a digest the issuer
 * signed (in the payload's `_sd` arrays or `{"...": digest}` array elements, or inside another
 * referenced disclosure's value), and no digest may be presented twice. @sd-jwt/core 0.19
 * silently drops a disclosure no digest refers to (a tampered one): this refuses it instead.
 */
export function disclosuresReferenced(
  payload: Readonly<Record<string, unknown>>,
  disclosures: readonly { readonly digest: string; readonly value: unknown }[],
): boolean {
  const byDigest = new Map<string, unknown>();
  for (const { digest, value } of disclosures) {
    if (byDigest.has(digest)) return false;
    byDigest.set(digest, value);
  }
  const reached = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const element of node) {
        const digest = arrayDigest(element);
        if (digest !== undefined) reach(digest);
        else visit(element);
      }
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '_sd' && Array.isArray(value)) {
        for (const digest of value) if (typeof digest === 'string') reach(digest);
      } else {
        visit(value);
      }
    }
  };
  const reach = (digest: string): void => {
    if (reached.has(digest) || !byDigest.has(digest)) return;
    reached.add(digest);
    visit(byDigest.get(digest));
  };
  visit(payload);
  return reached.size === byDigest.size;
}

function arrayDigest(element: unknown): string | undefined {
  if (typeof element !== 'object' || element === null || Array.isArray(element)) return undefined;
  const keys = Object.keys(element);
  const digest = (element as Record<string, unknown>)['...'];
  return keys.length === 1 && typeof digest === 'string' ? digest : undefined;
}
