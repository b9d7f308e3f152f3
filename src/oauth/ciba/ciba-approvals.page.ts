import { PageLocale } from '../../platform/i18n/page-locale';
import { escapeHtml, renderPage } from '../../platform/http/html';
import { scopeListItems } from '../consent/consent.page';
import type { PendingApproval } from './ciba-approvals.service';
import { WEBAUTHN_BROWSER_SCRIPT } from '../../proofs/proof-descriptor';

/** Keeps #approvals-list live: new requests appear, answered ones go, without a reload. */
export const APPROVALS_SCRIPT = '/static/account-approvals.js';

/** GET /account/approvals (HTML). */
export interface ApprovalsPageView {
  readonly approvals: readonly PendingApproval[];
  /** How many are pending in all (`approvals` holds the newest of them). */
  readonly total: number;
  readonly csrfToken: string;
  readonly signedInAs: string;
  /** The wallet chains' own scripts (`/static/<id>-wallet.js`), which approval.js signs with. */
  readonly walletScripts?: readonly string[];
}

/** Served from src/public: "Approve with passkey" and "Approve with wallet" (issue #51). */
export const APPROVAL_SCRIPT = '/static/approval.js';

/**
 * The signed-in person's pending backchannel requests (CIBA), the newest, under a word saying how
 * many are pending when that is more than listed: per request its client, its binding
 * message (to compare with the agent's screen), what it asks for (scopes, and every authorization
 * detail as its type's template reads), Approve with passkey and Approve with wallet (a proof
 * over the request, approval.js), and Deny; a request without details also a plain Approve (the
 * session's). Deny and the plain Approve are HTML forms (they work without script); every value
 * escaped. APPROVALS_SCRIPT keeps #approvals-list live, and approval.js binds the cards it brings.
 */
export function renderApprovalsPage(view: ApprovalsPageView): string {
  const cards =
    view.approvals.length === 0
      ? '<div class="card" id="approvals-none"><p>No request is waiting for you.</p></div>'
      : [
          ...unlisted(view.approvals.length, view.total),
          ...view.approvals.map((approval) => approvalCard(approval, view.csrfToken)),
        ].join('\n');
  return renderPage({
    title: 'Approvals',
    narrow: true,
    // Every script at once, even with nothing pending: a request the live list brings in gets
    // its proof buttons without a reload.
    scripts: [
      WEBAUTHN_BROWSER_SCRIPT,
      ...(view.walletScripts ?? []),
      APPROVAL_SCRIPT,
      APPROVALS_SCRIPT,
    ],
    body: `<h1>Approvals</h1>
<p class="muted">Applications that asked to act for you from elsewhere (OpenID CIBA). Approve only what you expect, and check that the message matches the one the application shows.</p>
<div id="approvals-list" aria-live="polite">
${cards}
</div>
<p class="muted">Signed in as <strong>${escapeHtml(view.signedInAs)}</strong>. <a href="/account">Your account</a></p>`,
  });
}

/**
 * Says so when more requests are pending than the list shows (the newest only), so that none is
 * hidden without a word; its count is how APPROVALS_SCRIPT tells that the total changed.
 */
function unlisted(listed: number, total: number): string[] {
  if (total <= listed) return [];
  return [
    `<div class="card" id="approvals-unlisted" data-pending-total="${total}" role="status"><p><strong>Showing ${listed} of ${total} pending requests</strong>: answer these to see the rest.</p></div>`,
  ];
}

function approvalCard(approval: PendingApproval, csrfToken: string): string {
  const id = escapeHtml(approval.id);
  const action = (decision: string) =>
    `/account/approvals/${encodeURIComponent(approval.id)}/${decision}`;
  const details =
    approval.rendered.length === 0
      ? ''
      : `<ul class="approval-details">\n${approval.rendered
          .map((text) => `<li>${escapeHtml(text)}</li>`)
          .join('\n')}\n</ul>\n`;
  // A request that needs `phr` is approved by a passkey only: no click, no wallet.
  const passkeyOnly = approval.required_acr !== undefined;
  const approve = `${
    passkeyOnly
      ? '<p class="muted approval-passkey-only">This request needs your passkey: it asks for what only a phishing-resistant sign-in may allow.</p>\n'
      : approval.authorization_details === undefined
        ? `<form method="post" action="${escapeHtml(action('approve'))}">
<input type="hidden" name="csrf_token" value="${escapeHtml(csrfToken)}">
<button type="submit" class="approval-approve">Approve</button>
</form>\n`
        : '<p class="muted">Approving these details needs your passkey or wallet to sign them.</p>\n'
  }<p><button type="button" class="approval-passkey" hidden>Approve with passkey</button>${
    passkeyOnly
      ? ''
      : '\n<button type="button" class="approval-wallet" hidden>Approve with wallet</button>'
  }</p>
<p class="approval-status muted" role="status" hidden></p>
<p class="approval-error" role="alert" hidden></p>\n`;
  return `<div class="card approval" data-approval-id="${id}">
<p><strong class="approval-client">${escapeHtml(approval.client_name)}</strong> <span class="muted">(${escapeHtml(approval.client_id)})</span> asks to:</p>
<ul class="approval-scopes">
${scopeListItems(approval.scope.split(' '), PageLocale.of('en'))}
</ul>
${
  approval.resource === undefined
    ? ''
    : `<p>at <strong><code class="approval-resource">${escapeHtml(approval.resource)}</code></strong> (not Proofgate's own API).</p>\n`
}${details}${
    approval.binding_message === undefined
      ? ''
      : `<p>Message: <strong><code class="approval-binding-message">${escapeHtml(approval.binding_message)}</code></strong></p>\n`
  }${approve}<form method="post" action="${escapeHtml(action('deny'))}">
<input type="hidden" name="csrf_token" value="${escapeHtml(csrfToken)}">
<button type="submit" class="secondary approval-deny">Deny</button>
</form>
</div>`;
}
