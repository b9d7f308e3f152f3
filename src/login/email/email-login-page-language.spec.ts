import { PageLocale } from '../../platform/i18n/page-locale';
import {
  pageLanguage,
  pseudoLocale,
  untranslatedText,
} from '../../../test/support/untranslated-text';
import { renderEmailCodePage, renderEmailErrorPage, renderEmailLinkPage } from './email-login.page';

const refusal = { error: 'invalid_request', description: 'token must be a link token' };
/** The server's refusal, as it states it. */
const DATA = [refusal.description];

describe('the email sign-in pages in the person’s language', () => {
  it.each([
    [
      'the code page, with an error, on a development instance',
      () =>
        renderEmailCodePage({
          csrfToken: 'tok',
          returnTo: '/',
          error: 'email.error.invalid_code',
          mailbox: true,
          locale: pseudoLocale(),
        }),
    ],
    [
      'the link page',
      () => renderEmailLinkPage({ csrfToken: 'tok', token: 't', locale: pseudoLocale() }),
    ],
    ['a refusal', () => renderEmailErrorPage(refusal, pseudoLocale())],
  ])('renders no text that is not from a catalogue: %s', (_, render) => {
    expect(untranslatedText(render(), DATA)).toEqual([]);
  });

  it('says how long the code lasts in the page’s language, and posts the language on', () => {
    const html = renderEmailCodePage({
      csrfToken: 'tok',
      returnTo: '/',
      mailbox: false,
      locale: PageLocale.of('de'),
    });
    expect(pageLanguage(html)).toBe('de');
    expect(html).toContain('10 Minuten lang.');
    expect(html).toContain('<input type="hidden" name="ui_locales" value="de">');
  });
});
