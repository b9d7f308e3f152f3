import { createHash, randomBytes } from 'node:crypto';

export interface PkcePair {
  readonly verifier: string;
  readonly challenge: string;
}

/** A fresh RFC 7636 verifier (43 characters) and its S256 challenge. */
export function pkcePair(): PkcePair {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface MintedCode {
  readonly code: string;
  readonly verifier: string;
}

/** The `code` of a redirect to the client, checking the `state` that went out with it. */
export function codeFromRedirect(location: string | undefined, state: string): string {
  if (!location) throw new Error('no redirect to the client');
  const url = new URL(location);
  const code = url.searchParams.get('code');
  if (!code) throw new Error(`no code in the redirect: ${location}`);
  if (url.searchParams.get('state') !== state) throw new Error(`state mismatch in ${location}`);
  return code;
}
