import { escapeHtml, renderPage } from '../../platform/http/html';
import { TrustedHtml, type MessageId, type PageLocale } from '../../platform/i18n/page-locale';
import { scopeListItems } from '../consent/consent.page';
import { isSelfRegistered, type OAuthClient } from '../../clients/oauth-client';

/** The code entry form: `user_code` prefilled from `verification_uri_complete` (RFC 8628 §3.3.1). */
export function renderDeviceCodePage(view: {
  userCode: string;
  csrfToken: string;
  signedInAs: string;
  error?: MessageId;
  locale: PageLocale;
}): string {
  const { locale } = view;
  const t = (id: MessageId) => escapeHtml(locale.t(id));
  return renderPage({
    title: locale.t('device.code.title'),
    narrow: true,
    locale,
    body: `<h1>${t('device.code.title')}</h1>
<div class="card" id="device">
<p>${t('device.code.intro')}</p>
${view.error === undefined ? '' : `<p id="device-error" role="alert">${t(view.error)}</p>\n`}<form method="post" action="/device">
<input type="hidden" name="csrf_token" value="${escapeHtml(view.csrfToken)}">
<input type="hidden" name="ui_locales" value="${escapeHtml(locale.locale)}">
<label for="user_code">${t('device.code.label')}</label>
<input id="user_code" name="user_code" value="${escapeHtml(view.userCode)}" type="text" autocomplete="off" autocapitalize="characters" spellcheck="false" required maxlength="32">
<p><button type="submit" name="action" value="lookup">${t('device.code.continue')}</button></p>
</form>
<p class="muted">${locale.html('device.signed_in_as', { subject: view.signedInAs })}</p>
</div>`,
  });
}

/**
 * RFC 8628 §5.4 (remote phishing): the client and what it asks for, the code to compare with the
 * device's, and an explicit answer, every time: never approved without this click.
 */
export function renderDeviceConfirmPage(view: {
  client: OAuthClient;
  userCode: string;
  scopes: readonly string[];
  /** What an API's own scope allows, in the operator's words (RESOURCE_SERVERS). */
  scopeWords?: (scope: string) => string | undefined;
  resource?: string;
  csrfToken: string;
  signedInAs: string;
  locale: PageLocale;
}): string {
  const { locale } = view;
  const t = (id: MessageId) => escapeHtml(locale.t(id));
  const items = scopeListItems(view.scopes, locale, view.scopeWords);
  const asks = locale.html('device.confirm.asks', {
    client: new TrustedHtml(`<strong id="device-client">${escapeHtml(view.client.name)}</strong>`),
    clientId: new TrustedHtml(`<span class="muted">(${escapeHtml(view.client.clientId)})</span>`),
  });
  const resource =
    view.resource === undefined
      ? ''
      : `<p>${locale.html('device.confirm.resource', {
          resource: new TrustedHtml(
            `<strong><code id="device-resource">${escapeHtml(view.resource)}</code></strong>`,
          ),
        })}</p>\n`;
  const compare = locale.html('device.confirm.compare', {
    userCode: new TrustedHtml(
      `<strong><code id="device-user-code">${escapeHtml(view.userCode)}</code></strong>`,
    ),
  });
  return renderPage({
    title: locale.t('device.confirm.title'),
    narrow: true,
    locale,
    body: `<h1>${t('device.confirm.title')}</h1>
<div class="card" id="device-confirm">
<p>${asks}</p>
${
  isSelfRegistered(view.client)
    ? `<p class="muted" id="device-self-asserted">${t('device.confirm.self_asserted')}</p>\n`
    : ''
}<ul id="device-scopes">
${items}
</ul>
${resource}<p>${compare}</p>
<p class="muted">${t('device.confirm.warning')}</p>
<p class="muted">${locale.html('device.signed_in_as', { subject: view.signedInAs })}</p>
<form method="post" action="/device">
<input type="hidden" name="csrf_token" value="${escapeHtml(view.csrfToken)}">
<input type="hidden" name="user_code" value="${escapeHtml(view.userCode)}">
<input type="hidden" name="ui_locales" value="${escapeHtml(locale.locale)}">
<p>
<button type="submit" name="action" value="approve" id="device-approve">${t('device.confirm.approve')}</button>
<button type="submit" name="action" value="deny" id="device-deny" class="secondary">${t('device.confirm.deny')}</button>
</p>
</form>
</div>`,
  });
}

/** After the answer: back to the device, which learns it at its next poll. */
export function renderDeviceDonePage(view: {
  decision: 'approve' | 'deny';
  clientName?: string;
  locale: PageLocale;
}): string {
  const { locale, clientName } = view;
  const approved = view.decision === 'approve';
  const text =
    clientName === undefined
      ? locale.t(approved ? 'device.done.approved_unnamed' : 'device.done.denied_unnamed')
      : locale.t(approved ? 'device.done.approved' : 'device.done.denied', { client: clientName });
  const title = locale.t(approved ? 'device.done.approved.title' : 'device.done.denied.title');
  return renderPage({
    title,
    narrow: true,
    locale,
    body: `<h1>${escapeHtml(title)}</h1>
<div class="card" id="device-done" data-decision="${view.decision}">
<p>${escapeHtml(text)}</p>
</div>`,
  });
}
