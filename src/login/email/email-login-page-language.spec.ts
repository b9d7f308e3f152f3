import { PageLocale } from '../../platform/i18n/page-locale';
import {
  pageLanguage,
  pseudoLocale,
  untranslatedText,
} from '../../../test/support/untranslated-text';
import { renderEmailCodePage, renderEmailErrorPage, renderEmailLinkPage } from './email-login.page';

const refusal = { error: 'invalid_request', description: 'token must be a link token' };
const tooMany = (seconds: number) => ({
  error: 'too_many_requests',
  description: 'Too many requests; slow down',
  headers: { 'Retry-After': String(seconds) },
});
const csrfFailure = {
  error: 'invalid_request',
  description: 'The login form’s security token does not match. Sign in again from this page.',
  reason: 'csrf_mismatch',
};
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
    ['too many requests', () => renderEmailErrorPage(tooMany(300), pseudoLocale())],
    ['a failed CSRF check', () => renderEmailErrorPage(csrfFailure, pseudoLocale())],
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

  it.each([
    [
      'de',
      tooMany(300),
      'Zu viele Anfragen zur Anmeldung per E-Mail. Versuchen Sie es in 5 Minuten erneut.',
    ],
    ['fr', tooMany(45), 'Trop de demandes de connexion par e-mail. Réessayez dans 45 secondes.'],
    ['es', csrfFailure, 'El token de seguridad del formulario de inicio de sesión no coincide.'],
    ['en', refusal, 'token must be a link token'],
  ] as const)('says why it refused in the page’s language (%s)', (locale, error, words) => {
    const html = renderEmailErrorPage(error, PageLocale.of(locale));
    expect(pageLanguage(html)).toBe(locale);
    expect(html).toContain(words);
  });
});
