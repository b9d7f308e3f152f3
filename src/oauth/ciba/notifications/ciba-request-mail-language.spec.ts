import { PageLocale } from '../../../platform/i18n/page-locale';
import { pseudoLocale, untranslatedText } from '../../../../test/support/untranslated-text';
import { cibaRequestMail } from './ciba-request.mail';

const LINK = 'https://auth.example/account/approvals?ui_locales=de';
/** A binding message as a client may send it: another script, and markup that must stay text. */
const BINDING = 'Счёт 4711 <b>срочно</b>';

const mail = (locale: PageLocale, bindingMessage?: string) =>
  cibaRequestMail(
    'someone@example.com',
    { clientName: 'Agent <App>', link: LINK, ...(bindingMessage ? { bindingMessage } : {}) },
    locale,
  );

describe('the CIBA request mail in the language the request asked for', () => {
  it.each([
    ['with a binding message', BINDING],
    ['without one', undefined],
  ])('has no text outside the catalogues, %s', (_, bindingMessage) => {
    const { html, text, subject } = mail(pseudoLocale(), bindingMessage);
    const data = ['Agent <App>', BINDING, LINK, 'auth.example'];
    expect(untranslatedText(html, data)).toEqual([]);
    expect(untranslatedText(text, data)).toEqual([]);
    expect(untranslatedText(subject, data)).toEqual([]);
  });

  it('is written in German, the client’s name and its message as sent (escaped in HTML)', () => {
    const { subject, text, html } = mail(PageLocale.of('de'), BINDING);
    expect(subject).toBe('Agent <App> möchte in Ihrem Namen handeln');
    expect(text).toContain(`Die Nachricht der Anwendung: ${BINDING}\n`);
    expect(text).toContain(`\n${LINK}\n`);
    expect(html).toContain(
      '<p>Die Nachricht der Anwendung: <strong>Счёт 4711 &lt;b&gt;срочно&lt;/b&gt;</strong></p>',
    );
    expect(html).toContain('<strong>Agent &lt;App&gt;</strong> möchte bei auth.example');
    expect(html).not.toContain('<b>');
  });
});
