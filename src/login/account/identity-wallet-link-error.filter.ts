import { Catch } from '@nestjs/common';
import type { ProtocolError } from '../../platform/errors/protocol-error';
import { RefusalPagesFilter } from '../../platform/errors/protocol-error.filter';
import { renderRefusalPage } from '../../platform/http/html';

/**
 * The wallet's redirect after "Link your identity wallet" opens in whatever browser the wallet
 * picks, often a phone's: a refusal there is a page saying why (nothing was linked), for the
 * person holding the wallet; a script or an API client gets the one envelope.
 */
@Catch()
export class IdentityWalletLinkErrorPages extends RefusalPagesFilter {
  protected refusalPage(error: ProtocolError): string {
    return renderRefusalPage({
      title: 'Link your identity wallet',
      alertId: 'link-oid4vp-error',
      description: error.description,
      back: { href: '/account', text: 'Your account page' },
    });
  }
}
