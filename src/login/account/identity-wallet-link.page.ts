import type { CredentialClaims, CredentialIssuer } from '../../accounts/account';
import { escapeHtml, renderPage } from '../../platform/http/html';

/** What the wallet's redirect asks the person to confirm. */
export interface IdentityWalletLinkView {
  /** The account the credential would be linked to. */
  readonly account: string;
  readonly issuedBy: CredentialIssuer;
  /** The claims the wallet disclosed: the person's own, to tell the credential is theirs. */
  readonly claims: CredentialClaims;
  readonly responseCode: string;
  readonly csrfToken: string;
}

/**
 * "Link your identity wallet", the last step: the credential the wallet presented, for the person
 * to recognise as theirs, and a form that links it (its CSRF token). Opening the wallet's link
 * links nothing: another site could send this browser to a code its maker's credential answered.
 */
export function renderIdentityWalletLinkPage(view: IdentityWalletLinkView): string {
  const { claims } = view;
  const name = [claims.given_name, claims.family_name].filter((part) => part !== undefined);
  const row = (term: string, value: string) => `<dt>${term}</dt><dd>${escapeHtml(value)}</dd>`;
  return renderPage({
    title: 'Link your identity wallet',
    narrow: true,
    body: `<h1>Link your identity wallet</h1>
<div class="card">
<p>Link this credential to the account <strong id="link-account">${escapeHtml(view.account)}</strong>?
It signs in to this account from then on.</p>
<dl id="link-credential">
${row('Issued by', view.issuedBy.issuer)}
${row('Type', view.issuedBy.vct)}
${name.length > 0 ? row('Name', name.join(' ')) : ''}
${claims.birthdate === undefined ? '' : row('Born', claims.birthdate)}
</dl>
<p>Link it only if you presented it from your own wallet just now: if not, someone else answered
your request, and linking would let them sign in to your account.</p>
<form method="post" action="/account/oid4vp/complete">
<input type="hidden" name="csrf_token" value="${escapeHtml(view.csrfToken)}">
<input type="hidden" name="response_code" value="${escapeHtml(view.responseCode)}">
<button type="submit" id="link-oid4vp-confirm">Link it</button>
</form>
<p><a href="/account">Not mine: back to the account page</a></p>
</div>`,
  });
}
