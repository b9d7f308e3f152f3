import { LabStepFailed, describeReply } from './expectations';
import type { Reply } from './http';
import { authorizationRequest } from './authorization-request';
import type { PkceLab } from './pkce-scenarios';

/**
 * The demo single-page app of the seeded data (README, Quick start): a public client, the kind
 * DPoP is for (RFC 9449 §1) and whose refresh tokens it binds to the key (§5).
 */
export const PUBLIC_CLIENT = { id: 'demo-spa', redirectUri: 'http://127.0.0.1:25002/callback' };

/** A code for the public client and the PKCE verifier that goes with it. */
export interface PublicCode {
  code: string;
  verifier: string;
}

/** The query of a 302 to the public client's redirect URI, if /authorize answered one. */
export function publicCallbackOf(reply: Reply): URLSearchParams | undefined {
  if (reply.status !== 302 || !reply.location) return undefined;
  // A relative Location (e.g. /login) is no callback: resolved here against a host no client has.
  const target = new URL(reply.location, 'http://lab.invalid');
  if (`${target.origin}${target.pathname}` !== PUBLIC_CLIENT.redirectUri) return undefined;
  return target.searchParams;
}

/** The code of a callback, checked against the state sent and the issuer (RFC 9207). */
export function codeOf(reply: Reply, state: string, issuer: string): string {
  const callback = publicCallbackOf(reply);
  const code = callback?.get('code');
  if (!code || callback?.get('state') !== state || callback.get('iss') !== issuer) {
    throw new LabStepFailed(
      `GET /authorize: ${describeReply(reply)} ${reply.location ?? ''}, no code`,
    );
  }
  return code;
}

/**
 * A code for the public client, through the user's browser (the PKCE lab's, signed in once),
 * with extra authorization parameters such as `dpop_jkt`.
 */
export async function publicCode(
  browser: PkceLab,
  issuer: string,
  extra: Record<string, string> = {},
): Promise<PublicCode> {
  const { query, state, verifier } = authorizationRequest(PUBLIC_CLIENT, 'profile', extra);
  const reply = await browser.authorize(`/authorize?${query}`);
  return { code: codeOf(reply, state, issuer), verifier };
}
