import type { SUPPORTED_SCOPES } from '../../tokens/scopes';
import { escapeHtml, renderPage } from '../../platform/http/html';
import { TrustedHtml, type MessageId, type PageLocale } from '../../platform/i18n/page-locale';
import type { UserClaim } from '../../protocol-rules/claims-request';
import type { OAuthClient } from '../../clients/oauth-client';
import {
  DETAILS_CONSENT_PREFIX,
  claimOfConsentValue,
} from '../request-rules/authorization-request.check';
import type { RenderedAuthorizationDetail } from '../authorization-details/authorization-details.check';

export interface ConsentPageView {
  /** The registered client's name, from the client registry (never from the request). */
  readonly clientName: string;
  readonly clientId: string;
  /**
   * The client registered itself (RFC 7591, or a client ID metadata document): its name is its
   * own claim, which the user is told, never an identity Proofgate vouches for.
   */
  readonly selfAsserted: boolean;
  /** The normalised scope values asked for now (checked against the supported set). */
  readonly scopes: readonly string[];
  /**
   * Values of the request the user allowed this client before (a step-up asks with the union):
   * listed as already allowed, not asked again. Allow grants the union.
   */
  readonly alreadyAllowed?: readonly string[];
  /**
   * RFC 8707: the resources (the tokens' audiences) that are not Proofgate's own API: the user is
   * letting the client act on their behalf at each of those servers, and must see which.
   */
  readonly resources?: readonly string[];
  /** What an API's own scope allows, in the operator's words (RESOURCE_SERVERS). */
  readonly scopeWords?: (scope: string) => string | undefined;
  /** What the operator calls a resource (RESOURCE_SERVERS `name`). */
  readonly resourceName?: (resource: string) => string | undefined;
  /** RFC 9396: every authorization detail asked for, as its type's template renders it. */
  readonly authorizationDetails?: readonly RenderedAuthorizationDetail[];
  /**
   * The client's own pages (RFC 7591 §2): its privacy policy and terms, shown as links, and its
   * logo, only when the operator allowed its origin (`shownLogo`).
   */
  readonly pages?: ConsentPageLinks;
  readonly signedInAs: string;
  /** The pending GET /authorize request, path and query, to come back to. */
  readonly returnTo: string;
  readonly csrfToken: string;
  /** The person's language: the authorization request's ui_locales, else Accept-Language. */
  readonly locale: PageLocale;
}

/** What the consent screen shows of a client's own pages. */
export interface ConsentPageLinks {
  /** Its logo, whose origin is one of CONSENT_LOGO_ORIGINS. */
  readonly logoUri?: string;
  readonly policyUri?: string;
  readonly tosUri?: string;
}

/**
 * The pages of `client` the consent screen shows: its policy and terms, and its logo only when the
 * logo's origin is one the operator allowed (CONSENT_LOGO_ORIGINS; none by default), so that the
 * page never loads anything from an origin a client chose.
 */
export function consentPageLinks(
  client: Pick<OAuthClient, 'logoUri' | 'policyUri' | 'tosUri'>,
  allowedLogoOrigins: readonly string[],
): ConsentPageLinks {
  const logo = client.logoUri;
  return {
    ...(logo !== undefined && allowedLogoOrigins.includes(new URL(logo).origin)
      ? { logoUri: logo }
      : {}),
    ...(client.policyUri === undefined ? {} : { policyUri: client.policyUri }),
    ...(client.tosUri === undefined ? {} : { tosUri: client.tosUri }),
  };
}

/**
 * A link to a client's page: opened apart (`target="_blank"`, RFC 7591 §2 pages are the client's,
 * not a step of the request), with no opener and no referrer for it to read, its host written
 * beside it so the user sees where it goes. The href is the registered URL itself (https, checked
 * at registration): never a redirect through Proofgate.
 */
function pageLink(id: string, uri: string, text: string): string {
  return `<a id="${id}" href="${escapeHtml(uri)}" target="_blank" rel="noopener noreferrer">${escapeHtml(text)}</a> <span class="muted">(${escapeHtml(new URL(uri).host)})</span>`;
}

/** The client's logo, and its policy and terms as links: what `pages` holds of them. */
function clientPages(view: ConsentPageView): { logo: string; links: string } {
  const pages = view.pages ?? {};
  const { locale } = view;
  const logo =
    pages.logoUri === undefined
      ? ''
      : `<p><img id="consent-logo" src="${escapeHtml(pages.logoUri)}" alt="${escapeHtml(locale.t('consent.logo_alt', { client: view.clientName }))}" width="64" height="64"></p>\n`;
  const links = [
    ...(pages.policyUri === undefined
      ? []
      : [pageLink('consent-policy', pages.policyUri, locale.t('consent.privacy_policy'))]),
    ...(pages.tosUri === undefined
      ? []
      : [pageLink('consent-tos', pages.tosUri, locale.t('consent.terms'))]),
  ];
  return {
    logo,
    links:
      links.length === 0
        ? ''
        : `<p id="consent-client-pages">${locale.html('consent.client_pages', { links: new TrustedHtml(links.join(' · ')) })}</p>\n`,
  };
}

/** What each scope lets the client do, in the user's words: every scope this server grants. */
export const SCOPE_MEANINGS: Readonly<Record<(typeof SUPPORTED_SCOPES)[number], MessageId>> = {
  openid: 'consent.scope.openid',
  profile: 'consent.scope.profile',
  email: 'consent.scope.email',
  api: 'consent.scope.api',
  // Granted to first-party clients only, which never show this screen; said plainly all the same.
  account: 'consent.scope.account',
  offline_access: 'consent.scope.offline_access',
  identity: 'consent.scope.identity',
  age: 'consent.scope.age',
};

/**
 * What each claim about the user tells the client, in the user's words: every claim of the
 * catalogue (protocol-rules/claims-request.ts), shown when a client asks for it by name, outside
 * the scope that releases it (OpenID Connect Core §5.5).
 */
export const CLAIM_MEANINGS: Readonly<Record<UserClaim, MessageId>> = {
  name: 'consent.claim.name',
  preferred_username: 'consent.claim.preferred_username',
  updated_at: 'consent.claim.updated_at',
  email: 'consent.claim.email',
  email_verified: 'consent.claim.email_verified',
  given_name: 'consent.claim.given_name',
  family_name: 'consent.claim.family_name',
  birthdate: 'consent.claim.birthdate',
  age_over_18: 'consent.claim.age_over_18',
};

/**
 * The `<li>` of each scope, with what it means in words where it has a meaning, and of each claim
 * asked for by name (`data-claim`).
 */
export function scopeListItems(
  scopes: readonly string[],
  locale: PageLocale,
  scopeWords?: (scope: string) => string | undefined,
): string {
  return scopes
    .filter((scope) => !scope.startsWith(DETAILS_CONSENT_PREFIX))
    .map((scope) => {
      const claim = claimOfConsentValue(scope);
      if (claim !== undefined) {
        return `<li data-claim="${escapeHtml(claim)}">${escapeHtml(locale.t(CLAIM_MEANINGS[claim]))} (<code>${escapeHtml(claim)}</code>)</li>`;
      }
      const meaning = (SCOPE_MEANINGS as Readonly<Record<string, MessageId>>)[scope];
      // The server's own scopes in the person's language; an API's in the operator's words.
      const words = meaning === undefined ? scopeWords?.(scope) : locale.t(meaning);
      const text =
        words === undefined
          ? `<code>${escapeHtml(scope)}</code>`
          : `${escapeHtml(words)} (<code>${escapeHtml(scope)}</code>)`;
      return `<li data-scope="${escapeHtml(scope)}">${text}</li>`;
    })
    .join('\n');
}

/**
 * Where the access is for, when not (only) Proofgate's own API: every such server, in the
 * request's order, each in a `<code data-resource>`.
 */
function resourceList(
  resources: readonly string[],
  locale: PageLocale,
  resourceName?: (resource: string) => string | undefined,
): string {
  if (resources.length === 0) return '';
  const items = resources
    .map((resource) => {
      const code = `<code data-resource="${escapeHtml(resource)}">${escapeHtml(resource)}</code>`;
      const name = resourceName?.(resource);
      return name === undefined
        ? `<li><strong>${code}</strong></li>`
        : `<li><strong>${escapeHtml(name)}</strong> (${code})</li>`;
    })
    .join('\n');
  const where = locale.t('consent.resources', { count: resources.length });
  return `<p>${escapeHtml(where)}</p>\n<ul id="consent-resources">\n${items}\n</ul>\n`;
}

/**
 * RFC 9396 §7: what exactly the client asks to do, each authorization detail as its type's
 * template renders it (escaped: the values are the client's), its type beside it.
 */
export function authorizationDetailsList(
  details: readonly RenderedAuthorizationDetail[],
  id: string,
): string {
  if (details.length === 0) return '';
  const items = details
    .map(
      ({ detail, text }) =>
        `<li data-authorization-detail="${escapeHtml(detail.type)}"><strong>${escapeHtml(text)}</strong> <span class="muted">(<code>${escapeHtml(detail.type)}</code>)</span></li>`,
    )
    .join('\n');
  return `<ul id="${escapeHtml(id)}">\n${items}\n</ul>\n`;
}

/**
 * The consent screen: "<client> wants to: …" with Allow and Deny, one form posting the page's
 * CSRF token and the pending request. Anti-framing headers apply to it like every page, so a
 * client cannot overlay it to click Allow for the user.
 */
export function renderConsentPage(view: ConsentPageView): string {
  const { locale } = view;
  const t = (id: MessageId) => escapeHtml(locale.t(id));
  const items = scopeListItems(view.scopes, locale, view.scopeWords);
  const { logo, links } = clientPages(view);
  const wants = locale.html('consent.wants', {
    client: new TrustedHtml(`<strong id="consent-client">${escapeHtml(view.clientName)}</strong>`),
    clientId: new TrustedHtml(`<span class="muted">(${escapeHtml(view.clientId)})</span>`),
  });
  return renderPage({
    title: locale.t('consent.title'),
    narrow: true,
    locale,
    body: `<h1>${t('consent.title')}</h1>
<div class="card" id="consent">
${logo}<p>${wants}</p>
${
  view.selfAsserted
    ? `<p class="muted" id="consent-self-asserted">${t('consent.self_asserted')}</p>\n`
    : ''
}${links}<ul id="consent-scopes">
${items}
</ul>
${
  view.authorizationDetails?.length
    ? `<p>${t('consent.exactly')}</p>\n${authorizationDetailsList(view.authorizationDetails, 'consent-authorization-details')}`
    : ''
}${
      view.alreadyAllowed?.length
        ? `<p class="muted">${t('consent.already_allowed')}</p>\n<ul id="consent-already-allowed" class="muted">\n${scopeListItems(view.alreadyAllowed, locale, view.scopeWords)}\n</ul>\n`
        : ''
    }${resourceList(view.resources ?? [], locale, view.resourceName)}<p class="muted">${locale.html('consent.signed_in_as', { subject: view.signedInAs })}</p>
<form method="post" action="/consent">
<input type="hidden" name="csrf_token" value="${escapeHtml(view.csrfToken)}">
<input type="hidden" name="return_to" value="${escapeHtml(view.returnTo)}">
<input type="hidden" name="ui_locales" value="${escapeHtml(locale.locale)}">
<p>
<button type="submit" name="decision" value="allow">${t('consent.allow')}</button>
<button type="submit" name="decision" value="deny" class="secondary">${t('consent.deny')}</button>
</p>
</form>
</div>`,
  });
}

/**
 * After Deny, for a client that registered itself (RFC 9700 §4.11.2): not sent on to its site
 * automatically; the error response is a link the user may follow.
 */
export function renderConsentDeniedPage(
  view: { clientName: string; back: string },
  locale: PageLocale,
): string {
  const host = new URL(view.back).host || view.back;
  return renderPage({
    title: locale.t('consent.denied.title'),
    narrow: true,
    locale,
    body: `<h1 id="consent-denied">${escapeHtml(locale.t('consent.denied.heading'))}</h1>
<div class="card">
<p>${locale.html('consent.denied.text', { client: view.clientName })}</p>
<p><a id="back-to-client" href="${escapeHtml(view.back)}">${escapeHtml(locale.t('error_page.return', { host }))}</a></p>
</div>`,
  });
}
