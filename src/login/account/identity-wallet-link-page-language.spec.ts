import { PageLocale } from '../../platform/i18n/page-locale';
import {
  pageLanguage,
  pseudoLocale,
  untranslatedText,
} from '../../../test/support/untranslated-text';
import {
  renderIdentityWalletLinkPage,
  type IdentityWalletLinkView,
} from './identity-wallet-link.page';

const VIEW = {
  account: 'user0',
  issuedBy: { issuer: 'https://issuer.example', vct: 'urn:eudi:pid:1' },
  claims: { given_name: 'Erika', family_name: 'Mustermann', birthdate: '1964-08-12' },
  responseCode: 'rc',
  csrfToken: 'tok',
} as IdentityWalletLinkView;

describe('the identity wallet link page in the person’s language', () => {
  it('renders no text that is not from a catalogue', () => {
    const html = renderIdentityWalletLinkPage(VIEW, pseudoLocale());
    const data = ['user0', 'https://issuer.example', 'urn:eudi:pid:1', 'Erika Mustermann'];
    // The date of birth is the locale's formatting of the claim (English in the pseudo-locale).
    expect(untranslatedText(html, [...data, 'August 12, 1964'])).toEqual([]);
  });

  it('writes the date of birth as the locale writes dates, the names as disclosed', () => {
    const html = renderIdentityWalletLinkPage(VIEW, PageLocale.of('de'));
    expect(pageLanguage(html)).toBe('de');
    expect(html).toContain('<dt>Geboren</dt><dd>12. August 1964</dd>');
    expect(html).toContain('<dd>Erika Mustermann</dd>');
    expect(renderIdentityWalletLinkPage(VIEW, PageLocale.of('fr'))).toContain(
      '<dd>12 août 1964</dd>',
    );
  });
});
