import { Catch } from '@nestjs/common';
import type { ProtocolError } from '../../platform/errors/protocol-error';
import { RefusalPagesFilter } from '../../platform/errors/protocol-error.filter';
import { renderRefusalPage } from '../../platform/http/html';
import type { HttpRequest } from '../../platform/http/http-exchange';
import { csrfVerdictOf } from '../../platform/csrf/csrf-protection';
import { type MessageId, pageLocaleOf } from '../../platform/i18n/page-locale';

/** Why the challenge store refuses a link code: it is spent, or past its life. */
const SPENT_OR_EXPIRED = new Set(['unknown', 'expired', 'replayed']);

/**
 * The refusals a person meets on the wallet's redirect, as the page words them in its language;
 * undefined for any other, whose description the page shows as the server states it.
 */
export function identityWalletLinkRefusal(error: ProtocolError): MessageId | undefined {
  if (error.error === 'insufficient_user_authentication') return 'wallet_link.refused.stale_login';
  if (error.error === 'method_already_linked') return 'wallet_link.refused.linked_elsewhere';
  if (error.error !== 'invalid_request' || error.reason === undefined) return undefined;
  if (error.reason === 'binding_mismatch') return 'wallet_link.refused.other_account';
  if (csrfVerdictOf(error.reason) !== undefined) return 'wallet_link.refused.form';
  return SPENT_OR_EXPIRED.has(error.reason) ? 'wallet_link.refused.used' : undefined;
}

/**
 * The wallet's redirect after "Link your identity wallet" opens in whatever browser the wallet
 * picks, often a phone's: a refusal there is a page saying why (nothing was linked), for the
 * person holding the wallet, in their browser's language (the wallet's redirect carries no
 * `ui_locales`); a script or an API client gets the one envelope.
 */
@Catch()
export class IdentityWalletLinkErrorPages extends RefusalPagesFilter {
  protected refusalPage(error: ProtocolError, request: HttpRequest): string {
    const locale = pageLocaleOf(request.raw);
    const words = identityWalletLinkRefusal(error);
    return renderRefusalPage({
      title: locale.t('wallet_link.title'),
      alertId: 'link-oid4vp-error',
      description: words === undefined ? error.description : locale.t(words),
      back: { href: '/account', text: locale.t('wallet_link.back') },
      locale,
    });
  }
}
