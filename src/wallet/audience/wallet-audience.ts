import { sha256Base64Url } from '../../platform/crypto/hashing';
import { DEFAULT_WALLET_CLIENT_ID } from '../clients/wallet-clients';

/**
 * What a wallet signature is asked for. A signature is worth exactly that: a login signature
 * never links a wallet, a link signature never signs in.
 */
export type WalletPurpose = 'login' | 'link';

/**
 * Who a wallet signature is for, fixed when its nonce is issued and checked in the nonce's one
 * atomic redemption:
 * - `client`: a dApp's (POST /wallet/nonce with `client_id`, or a script's, for the built-in
 *   `wallet` client): redeemable only at POST /wallet/verify for that client, whose tokens it yields;
 * - `page`: this browser's login page (its pre-login session cookie): only at POST /login/siwe,
 *   with that browser's cookies and CSRF token;
 * - `account`: linking the wallet to that account: only at the account's link endpoints.
 */
export type WalletAudience =
  | { readonly kind: 'client'; readonly clientId: string }
  | { readonly kind: 'page'; readonly browserSession: string }
  | { readonly kind: 'account'; readonly sub: string };

/**
 * Where the message says it is used: its EIP-4361 / CAIP-122 `domain` (an RFC 3986 authority, what
 * a wallet compares with the asking page's origin) and `uri`.
 */
export interface WalletSite {
  readonly domain: string;
  readonly uri: string;
}

/** The site of a web origin (`https://app.example.com:8443`): its host, and the origin itself. */
export function siteOfOrigin(origin: string): WalletSite {
  const url = new URL(origin);
  return { domain: url.host, uri: url.origin };
}

/** What a nonce is issued for, and what its message says about it. */
export interface NonceIntent {
  readonly audience: WalletAudience;
  readonly purpose: WalletPurpose;
  readonly site: WalletSite;
  /** The message's one-line statement: says the purpose and the audience to the person signing. */
  readonly statement: string;
}

/** What a redemption accepts: the audience and purpose it serves, and the sites it knows. */
export interface ProofExpectation {
  readonly audience: WalletAudience;
  readonly purpose: WalletPurpose;
  /** The sites a message for this audience can name; anything else is refused before its signature. */
  readonly sites: readonly WalletSite[];
}

/**
 * The binding fields a nonce carries besides its address and chain: the audience (a browser's
 * session only as a hash: the cookie is a secret of that browser), the purpose, and the hash of the
 * exact message issued, so a message changed in any field (statement, Resources, URI, Not Before,
 * Expiration Time, Request ID) redeems nothing.
 */
export function intentBinding(
  expected: Pick<ProofExpectation, 'audience' | 'purpose'>,
  message: string,
): Record<'audience' | 'purpose' | 'message', string> {
  return {
    audience: audienceKey(expected.audience),
    purpose: expected.purpose,
    message: sha256Base64Url(message),
  };
}

function audienceKey(audience: WalletAudience): string {
  switch (audience.kind) {
    case 'client':
      return `client:${audience.clientId}`;
    case 'page':
      return `page:${sha256Base64Url(audience.browserSession)}`;
    case 'account':
      return `account:${audience.sub}`;
  }
}

/**
 * Characters a statement may hold in both EIP-4361 (RFC 3986 reserved and unreserved, and space)
 * and CAIP-122 messages; a name outside them (a metadata-document URL with `%`) is left out.
 */
const STATEMENT_SAFE = /^[A-Za-z0-9!#$&'()*+,\-./:;=?@[\]_~]{1,200}$/;

/** The statement a message carries for its intent: it says what the signature does, and for whom. */
export function statementFor(audience: WalletAudience, purpose: WalletPurpose): string {
  if (purpose === 'link') {
    const account = audience.kind === 'account' && STATEMENT_SAFE.test(audience.sub);
    return account
      ? `Link this wallet to the Proofgate account ${audience.sub}: it will sign in to that account.`
      : 'Link this wallet to your Proofgate account: it will sign in to that account.';
  }
  switch (audience.kind) {
    case 'client':
      if (audience.clientId === DEFAULT_WALLET_CLIENT_ID) {
        return "Sign in to Proofgate's wallet client: tokens for this site only, no login session.";
      }
      return STATEMENT_SAFE.test(audience.clientId)
        ? `Sign in through Proofgate to the app ${audience.clientId}, for this site only.`
        : 'Sign in through Proofgate to this app, for this site only.';
    case 'page':
      return 'Sign in to Proofgate in this browser.';
    case 'account':
      return 'Sign in to Proofgate.';
  }
}
