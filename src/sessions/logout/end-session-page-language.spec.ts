import { PageLocale } from '../../platform/i18n/page-locale';
import {
  pageLanguage,
  pseudoLocale,
  untranslatedText,
} from '../../../test/support/untranslated-text';
import {
  renderConfirmLogoutPage,
  renderSignedOutPage,
  renderStillSignedInPage,
} from './end-session.page';
import { renderEndSessionErrorPage } from './end-session-error.filter';
import { InvalidRequest } from '../../platform/errors/protocol-error';

const DATA = ['user0', 'Partner App', 'rp.example'];
const confirm = (locale: PageLocale, clientName?: string) =>
  renderConfirmLogoutPage({
    csrfToken: 'tok',
    subject: 'user0',
    otherSession: true,
    locale,
    ...(clientName === undefined ? {} : { clientName, clientId: 'partner-app' }),
  });

describe('the logout pages in the person’s language', () => {
  it.each([
    ['the confirmation, asked by a client', confirm(pseudoLocale(), 'Partner App')],
    ['the confirmation, asked by an unnamed application', confirm(pseudoLocale())],
    ['signed out, nowhere to go', renderSignedOutPage(pseudoLocale())],
    [
      'signed out, with a link back',
      renderSignedOutPage(pseudoLocale(), {
        href: 'https://rp.example/bye',
        clientName: 'Partner App',
      }),
    ],
    [
      'signed out, with a link to an unnamed application',
      renderSignedOutPage(pseudoLocale(), { href: 'https://rp.example/bye' }),
    ],
    ['still signed in', renderStillSignedInPage(pseudoLocale())],
  ])('renders no text that is not from a catalogue: %s', (_, html) => {
    expect(untranslatedText(html, DATA)).toEqual([]);
  });

  it('renders German with lang="de", and the confirmation posts its language on', () => {
    const html = confirm(PageLocale.of('de'), 'Partner App');
    expect(pageLanguage(html)).toBe('de');
    expect(html).toContain('<h1>Abmelden?</h1>');
    expect(html).toContain('<input type="hidden" name="ui_locales" value="de">');
    expect(html).toContain('<strong>Partner App</strong> bittet darum');
  });

  it('says a refused sign-out request in the person’s language, the refusal itself as stated', () => {
    const refused = new InvalidRequest('id_token_hint is not valid');
    const html = renderEndSessionErrorPage(refused, pseudoLocale());
    // `error` and `error_description` are the envelope's field names, with its values: data.
    const data = ['error', 'error_description', 'invalid_request', 'id_token_hint is not valid'];
    expect(untranslatedText(html, data)).toEqual([]);
    const german = renderEndSessionErrorPage(refused, PageLocale.of('de'));
    expect(pageLanguage(german)).toBe('de');
    expect(german).toContain('<h1>Abmeldeanfrage abgelehnt</h1>');
    expect(german).toContain('<dd id="error_description">id_token_hint is not valid</dd>');
  });
});
