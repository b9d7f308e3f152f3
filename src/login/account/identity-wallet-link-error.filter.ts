import { Catch } from '@nestjs/common';
import type { ProtocolError } from '../../platform/errors/protocol-error';
import { RefusalPagesFilter } from '../../platform/errors/protocol-error.filter';
import { renderRefusalPage } from '../../platform/http/html';
import type { HttpRequest } from '../../platform/http/http-exchange';
import { pageLocaleOf } from '../../platform/i18n/page-locale';

/**
 * The wallet's redirect after "Link your identity wallet" opens in whatever browser the wallet
 * picks, often a phone's: a refusal there is a page saying why (nothing was linked), for the
 * person holding the wallet, in their browser's language (the wallet's redirect carries no
 * `ui_locales`), the refusal's description as the server states it; a script or an API client
 * gets the one envelope.
 */
@Catch()
export class IdentityWalletLinkErrorPages extends RefusalPagesFilter {
  protected refusalPage(error: ProtocolError, request: HttpRequest): string {
    const locale = pageLocaleOf(request.raw);
    return renderRefusalPage({
      title: locale.t('wallet_link.title'),
      alertId: 'link-oid4vp-error',
      description: error.description,
      back: { href: '/account', text: locale.t('wallet_link.back') },
      locale,
    });
  }
}
