import { PageLocale } from '../platform/i18n/page-locale';
import { pseudoLocale, untranslatedText } from '../../test/support/untranslated-text';
import { linkCodeMail, signInCodeMail } from './email-code.mail';

const mail = (locale: PageLocale) =>
  signInCodeMail(
    'someone@example.com',
    { issuer: 'https://auth.example', code: '12345678', link: 'https://auth.example/l?t=x' },
    locale,
  );

describe('the sign-in mail in the person’s language', () => {
  it('has no text outside the catalogues, in its HTML, its text or its subject', () => {
    const { html, text, subject } = mail(pseudoLocale());
    const data = ['12345678', 'https://auth.example/l?t=x'];
    expect(untranslatedText(html, data)).toEqual([]);
    expect(untranslatedText(text, data)).toEqual([]);
    expect(untranslatedText(subject, data)).toEqual([]);
  });

  it('is written in Spanish, the code and the link as issued', () => {
    const { subject, text } = mail(PageLocale.of('es'));
    expect(subject).toBe('Tu código de inicio de sesión para auth.example');
    expect(text).toContain('    12345678\n');
    expect(text).toContain('durante 10 minutos');
    expect(text).toContain('https://auth.example/l?t=x');
  });

  it('adds an address in the language of the page it was asked from: no text outside the catalogues', () => {
    const { html, text, subject } = linkCodeMail(
      'someone@example.com',
      { issuer: 'https://auth.example', code: '87654321' },
      pseudoLocale(),
    );
    expect(untranslatedText(html, ['87654321'])).toEqual([]);
    expect(untranslatedText(text, ['87654321'])).toEqual([]);
    expect(untranslatedText(subject, [])).toEqual([]);
  });

  it('adds an address in German, the code as issued', () => {
    const { subject, text } = linkCodeMail(
      'someone@example.com',
      { issuer: 'https://auth.example', code: '87654321' },
      PageLocale.of('de'),
    );
    expect(subject).toBe('Diese Adresse zu Ihrem Konto bei auth.example hinzufügen');
    expect(text).toContain('    87654321\n');
    expect(text).toContain('10 Minuten lang');
  });
});
