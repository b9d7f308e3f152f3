import { type MessageId, type PageLocale, TrustedHtml } from '../../platform/i18n/page-locale';
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
  /** The person's language: the page's `ui_locales` (the mail's link has it), else Accept-Language. */
  readonly locale: PageLocale;
  /** What an API's own scope allows, in the operator's words (RESOURCE_SERVERS). */
  readonly scopeWords?: (scope: string) => string | undefined;
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
 * The page is in the person's language; what the client sent (its name, the binding message, the
 * details as their type's template reads them) is data, shown as sent.
 */
export function renderApprovalsPage(view: ApprovalsPageView): string {
  const { locale } = view;
  const t = (id: MessageId) => escapeHtml(locale.t(id));
  const cards =
    view.approvals.length === 0
      ? `<div class="card" id="approvals-none"><p>${t('approvals.none')}</p></div>`
      : [
          ...unlisted(view.approvals.length, view.total, locale),
          ...view.approvals.map((approval) =>
            approvalCard(approval, view.csrfToken, locale, view.scopeWords),
          ),
        ].join('\n');
  const title = locale.t('approvals.title');
  return renderPage({
    title,
    narrow: true,
    locale,
    // Every script at once, even with nothing pending: a request the live list brings in gets
    // its proof buttons without a reload.
    scripts: [
      WEBAUTHN_BROWSER_SCRIPT,
      ...(view.walletScripts ?? []),
      APPROVAL_SCRIPT,
      APPROVALS_SCRIPT,
    ],
    body: `<h1>${escapeHtml(title)}</h1>
<p class="muted">${t('approvals.intro')}</p>
<div id="approvals-list" aria-live="polite">
${cards}
</div>
<p class="muted">${locale.html('approvals.signed_in_as', { subject: view.signedInAs })} <a href="/account">${t('approvals.account')}</a></p>`,
  });
}

/**
 * Says so when more requests are pending than the list shows (the newest only), so that none is
 * hidden without a word; its count is how APPROVALS_SCRIPT tells that the total changed.
 */
function unlisted(listed: number, total: number, locale: PageLocale): string[] {
  if (total <= listed) return [];
  return [
    `<div class="card" id="approvals-unlisted" data-pending-total="${total}" role="status"><p>${locale.html('approvals.unlisted', { listed, total })}</p></div>`,
  ];
}

function approvalCard(
  approval: PendingApproval,
  csrfToken: string,
  locale: PageLocale,
  scopeWords?: (scope: string) => string | undefined,
): string {
  const t = (id: MessageId) => escapeHtml(locale.t(id));
  const fields = `<input type="hidden" name="csrf_token" value="${escapeHtml(csrfToken)}">
<input type="hidden" name="ui_locales" value="${escapeHtml(locale.locale)}">`;
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
      ? `<p class="muted approval-passkey-only">${t('approvals.passkey_only')}</p>\n`
      : approval.authorization_details === undefined
        ? `<form method="post" action="${escapeHtml(action('approve'))}">
${fields}
<button type="submit" class="approval-approve">${t('approvals.approve')}</button>
</form>\n`
        : `<p class="muted">${t('approvals.details_need_proof')}</p>\n`
  }<p><button type="button" class="approval-passkey" hidden>${t('approvals.approve_passkey')}</button>${
    passkeyOnly
      ? ''
      : `\n<button type="button" class="approval-wallet" hidden>${t('approvals.approve_wallet')}</button>`
  }</p>
<p class="approval-status muted" role="status" hidden></p>
<p class="approval-error" role="alert" hidden></p>\n`;
  return `<div class="card approval" data-approval-id="${id}">
<p>${locale.html('approvals.asks', {
    client: new TrustedHtml(
      `<strong class="approval-client">${escapeHtml(approval.client_name)}</strong>`,
    ),
    clientId: new TrustedHtml(`<span class="muted">(${escapeHtml(approval.client_id)})</span>`),
  })}</p>
<ul class="approval-scopes">
${scopeListItems(approval.scope.split(' '), locale, scopeWords)}
</ul>
${
  approval.resource === undefined
    ? ''
    : `<p>${locale.html('approvals.resource', {
        resource: new TrustedHtml(
          `<strong><code class="approval-resource">${escapeHtml(approval.resource)}</code></strong>`,
        ),
      })}</p>\n`
}${details}${
    approval.binding_message === undefined
      ? ''
      : `<p>${locale.html('approvals.binding_message', {
          message: new TrustedHtml(
            `<strong><code class="approval-binding-message">${escapeHtml(approval.binding_message)}</code></strong>`,
          ),
        })}</p>\n`
  }${approve}<form method="post" action="${escapeHtml(action('deny'))}">
${fields}
<button type="submit" class="secondary approval-deny">${t('approvals.deny')}</button>
</form>
</div>`;
}
