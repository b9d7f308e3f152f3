import { PROOFS } from '../proof-registry';
import { en } from '../platform/i18n/messages/en';
import { PageLocale, SUPPORTED_LOCALES } from '../platform/i18n/page-locale';
import { pageLanguage, pseudoLocale, untranslatedText } from '../../test/support/untranslated-text';
import { type LoginPageView, loginPageButtons, renderLoginPage } from './login.page';

const PROVIDERS = [{ id: 'corp', name: 'Example Corp' }];
const PENDING = {
  clientName: 'Partner App',
  clientId: 'partner-app',
  scopes: ['openid', 'profile'],
};
/** What the fixture's pages show as sent: no catalogue has them. */
const DATA = [
  'user0',
  'Example Corp',
  'Partner App',
  'partner-app',
  'openid',
  'profile',
  'phr',
  'phrh',
];

const render = (view: Omit<LoginPageView, 'csrfToken' | 'returnTo'>) =>
  renderLoginPage(
    { csrfToken: 'tok', returnTo: '/authorize?client_id=partner-app', ...view },
    loginPageButtons(Object.values(PROOFS)),
    PROVIDERS,
    Object.values(PROOFS),
  );

/** Every part of the page: a pending request, an error, each step-up, a live session, email. */
const VIEWS: Record<string, Omit<LoginPageView, 'csrfToken' | 'returnTo'>> = {
  'a pending request with an error and email sign-in': {
    pending: PENDING,
    error: { id: 'login.error.too_many', values: { unit: 'minutes', count: 3 } },
    username: 'user0',
    emailLogin: true,
  },
  'a required phr': { requiredAcr: 'phr', pending: { ...PENDING, scopes: [] } },
  'a required phrh of a signed-in user': { requiredAcr: 'phrh', signedInAs: 'user0' },
  'an offered phr to a signed-in user': { preferredAcr: 'phr', signedInAs: 'user0' },
};

describe('the login page in the person’s language', () => {
  it.each(Object.entries(VIEWS))('renders no text that is not from a catalogue: %s', (_, view) => {
    const html = render({ ...view, locale: pseudoLocale() });
    expect(untranslatedText(html, DATA)).toEqual([]);
  });

  it('finds text that is not from a catalogue (the check itself can fail)', () => {
    const html = render({ locale: pseudoLocale() }).replace('</h1>', ' Welcome back</h1>');
    expect(untranslatedText(html, DATA)).toEqual(['Welcome back']);
    const titled = render({ locale: pseudoLocale() }).replace('<h1>', '<h1 title="Hello">');
    expect(untranslatedText(titled, DATA)).toEqual(['Hello']);
  });

  it.each(SUPPORTED_LOCALES)('%s: lang, title and no English left on the default page', (tag) => {
    const locale = PageLocale.of(tag);
    const html = render({ locale, emailLogin: true });
    expect(pageLanguage(html)).toBe(tag);
    expect(html).toContain(`<h1>${locale.t('login.title')}</h1>`);
    if (tag === 'en') return;
    // No English message of the page that this language says otherwise.
    const english = Object.entries(en)
      .filter(
        ([id, text]) => !/[{<]/.test(text) && PageLocale.of(tag).t(id as keyof typeof en) !== text,
      )
      .map(([, text]) => text);
    const text = html.replace(/<[^>]*>/g, '\n');
    expect(english.filter((message) => text.split('\n').includes(message))).toEqual([]);
  });
});
