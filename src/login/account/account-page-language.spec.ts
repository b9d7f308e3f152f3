import type { Account, SignInMethod } from '../../accounts/account';
import type { ApprovalAuditRecord } from '../../accounts/approval-audit/approval-audit';
import { PageLocale, SUPPORTED_LOCALES } from '../../platform/i18n/page-locale';
import type { PageWallet } from '../../proofs/proof-descriptor';
import { AUTH_METHODS, isWalletMethod } from '../../proofs/proof-vocabulary';
import type { StoredSession } from '../../sessions/session';
import {
  englishLeft,
  pageLanguage,
  pseudoLocale,
  untranslatedText,
} from '../../../test/support/untranslated-text';
import type { AccountActivity, UserGrantSummary } from './account-activity.service';
import { accountRefusal } from './account-refusal';
import {
  ACCOUNT_TIME_FORMAT,
  type AccountPageView,
  renderAccountPage,
  renderSignedOutEverywhere,
} from './account.page';
import { InvalidRequest } from '../../platform/errors/protocol-error';
import { UsernameTaken } from './password-link.errors';

const AT = new Date(Date.UTC(2026, 10, 28, 14, 5));
const WALLET = 'eip155:1:0x52908400098527886E0F7030069857D2E4169EE7';
const PASSKEY = 'passkey:cGFzc2tleS1pZA';

const methods: SignInMethod[] = [
  { key: WALLET, type: 'wallet', sub: WALLET },
  {
    key: PASSKEY,
    type: 'passkey',
    sub: WALLET,
    addedAt: AT,
    passkey: {
      publicKey: 'pk',
      counter: 0,
      transports: [],
      deviceType: 'singleDevice',
      backedUp: false,
      hardwareBound: true,
      authenticatorName: 'YubiKey 5',
    },
  },
  {
    key: 'credential:https://issuer.example:abc',
    type: 'credential',
    sub: WALLET,
    addedAt: AT,
    issuedBy: { issuer: 'https://issuer.example', vct: 'urn:eudi:pid:1' },
  },
  { key: 'email:ana@example.com', type: 'email', sub: WALLET, addedAt: AT },
  {
    key: 'upstream:corp:42',
    type: 'upstream',
    sub: WALLET,
    addedAt: AT,
    upstream: { email: 'ana@corp.example' },
  },
];
const account: Account = { sub: WALLET, methods, revision: 3 };

const session = {
  idHash: 'h',
  sub: WALLET,
  authMethod: 'siwe',
  methodKey: WALLET,
  authTime: AT,
  expiresAt: AT,
} as StoredSession;
const grant = {
  clientId: 'partner-app',
  scope: 'openid api',
  authMethod: 'passkey',
  createdAt: AT,
} as unknown as UserGrantSummary;
const answer: ApprovalAuditRecord = {
  sub: WALLET,
  clientId: 'agent-app',
  decision: 'approved',
  method: 'passkey',
  methodKey: PASSKEY,
  requestHash: 'q1w2e3',
  scope: 'openid',
  bindingMessage: 'Invoice 4711',
  at: AT,
};
const activity: AccountActivity = {
  sessions: [session, { ...session, methodKey: undefined }],
  grants: [grant],
  approvals: [answer, { ...answer, decision: 'denied', method: undefined }],
};

const WALLETS = [
  { id: 'siwe', wallet: { chain: 'Ethereum', script: '/static/ethereum-wallet.js' } },
] as unknown as PageWallet[];
const PROVIDERS = [{ id: 'corp', name: 'Example Corp' }];

/** What the fixture's pages show as sent or stored: no catalogue has them. */
const DATA = [
  WALLET,
  PASSKEY,
  'credential:https://issuer.example:abc',
  'https://issuer.example',
  'urn:eudi:pid:1',
  'email:ana@example.com',
  'ana@corp.example',
  'upstream:corp:42',
  'YubiKey 5',
  'partner-app',
  'openid api',
  'agent-app',
  'Invoice 4711',
  'q1w2e3',
  'Ethereum',
  'Example Corp',
];

const view = (locale: PageLocale, more: Partial<AccountPageView> = {}): AccountPageView => ({
  account,
  activity,
  csrfToken: 'tok',
  recentLogin: true,
  emailLogin: true,
  identityWallet: true,
  passkeySignal: { rpId: 'auth.example', userId: 'dXNlcg' },
  locale,
  ...more,
});

/** The page's times in the locale: data the page formats, not words of a catalogue. */
const times = (locale: PageLocale) => [locale.formatDate(AT, ACCOUNT_TIME_FORMAT)];

/** Every part of the page: each way a change may be refused or offered, and each form. */
const STATES: Record<string, Partial<AccountPageView>> = {
  'a recent login: every form, the code form, a refusal': {
    emailCodeSent: true,
    error: accountRefusal(new UsernameTaken('taken'), { recentLoginSeconds: 300, subject: WALLET })
      .text,
  },
  'a sign-in on another device': { recentLogin: false, thisDeviceNeeded: true },
  'an email sign-in alone': { recentLogin: false, strongerNeeded: true },
  'a passkey needed': { recentLogin: false, passkeyNeeded: 'phrh' },
  'a login no longer recent': { recentLogin: false },
};

describe('the account page in the person’s language', () => {
  it.each(Object.entries(STATES))('renders no text that is not from a catalogue: %s', (_, more) => {
    const locale = pseudoLocale();
    const html = renderAccountPage(view(locale, more), WALLETS, PROVIDERS);
    expect(untranslatedText(html, [...DATA, ...times(locale)])).toEqual([]);
  });

  it('finds text that is not from a catalogue (the check itself can fail)', () => {
    const locale = pseudoLocale();
    const html = renderAccountPage(view(locale), WALLETS, PROVIDERS).replace(
      '</h2>',
      ' Recent activity</h2>',
    );
    expect(untranslatedText(html, [...DATA, ...times(locale)])).toEqual(['Recent activity']);
  });

  it('renders the page after Sign out everywhere from the catalogues', () => {
    const html = renderSignedOutEverywhere({ sessionsEnded: 2, grantsRevoked: 1 }, pseudoLocale());
    expect(untranslatedText(html, ['2', '1'])).toEqual([]);
  });

  it.each(SUPPORTED_LOCALES)('%s: lang, title, dates, and no English message left', (tag) => {
    const locale = PageLocale.of(tag);
    const html = renderAccountPage(
      view(locale, STATES[Object.keys(STATES)[0]]),
      WALLETS,
      PROVIDERS,
    );
    expect(pageLanguage(html)).toBe(tag);
    expect(html).toContain(`<h1>${locale.t('account.title')}</h1>`);
    expect(html).toContain(`>${locale.formatDate(AT, ACCOUNT_TIME_FORMAT)}</time>`);
    // The page posts its language with every form of its own.
    expect(html).toContain(`<input type="hidden" name="ui_locales" value="${tag}">`);
    if (tag === 'en') return;
    expect(englishLeft(html, locale, 'account.')).toEqual([]);
  });

  it('names the method a sign-in or an answer was made with in the person’s words', () => {
    const html = renderAccountPage(view(PageLocale.of('fr')), WALLETS, PROVIDERS);
    const sessions = /<table id="account-sessions">[\s\S]*?<\/table>/.exec(html)![0];
    expect(sessions).toContain('<td data-auth-method="siwe">Portefeuille Ethereum</td>');
    const grants = /<table id="account-grants">[\s\S]*?<\/table>/.exec(html)![0];
    expect(grants).toContain('<td data-auth-method="passkey">Clé d’accès</td>');
    const answers = /<table id="account-approval-answers">[\s\S]*?<\/table>/.exec(html)![0];
    expect(answers).toContain('<span data-method="passkey">Clé d’accès</span>');
    const byWallet = [{ ...answer, method: 'eip155', methodKey: WALLET }];
    const walletAnswer = renderAccountPage(
      view(PageLocale.of('fr'), { activity: { ...activity, approvals: byWallet } }),
      WALLETS,
      PROVIDERS,
    );
    expect(walletAnswer).toContain(
      `<span data-method="eip155">Portefeuille</span> <code>${WALLET}</code>`,
    );
    // A method this release has no word for is shown as it is stored.
    const later = { ...activity, sessions: [{ ...session, authMethod: 'future' }] };
    const shown = renderAccountPage(
      view(PageLocale.of('de'), { activity: later as AccountActivity }),
      WALLETS,
      PROVIDERS,
    );
    expect(shown).toContain('<td data-auth-method="future">future</td>');
  });

  it('names an upstream sign-in by its provider, as its button does, while it is offered', () => {
    const upstream = (providerId: string): StoredSession => ({
      ...session,
      authMethod: 'upstream',
      methodKey: `upstream:${providerId}:42`,
    });
    const html = renderAccountPage(
      view(PageLocale.of('de'), {
        activity: { ...activity, sessions: [upstream('corp'), upstream('retired')] },
      }),
      WALLETS,
      PROVIDERS,
    );
    const sessions = /<table id="account-sessions">[\s\S]*?<\/table>/.exec(html)![0];
    expect(sessions.match(/<td data-auth-method="upstream">[^<]*<\/td>/g)).toEqual([
      '<td data-auth-method="upstream">Example Corp</td>',
      // A provider turned off since: the method's word.
      '<td data-auth-method="upstream">Anderer Anbieter</td>',
    ]);
  });

  it.each(SUPPORTED_LOCALES)('%s: has a word for every sign-in method', (tag) => {
    const locale = PageLocale.of(tag);
    for (const method of AUTH_METHODS.filter((method) => !isWalletMethod(method))) {
      expect(locale.t('account.activity.auth_method', { method, chain: '' })).not.toBe(method);
    }
    const wallet = locale.t('account.activity.auth_method', { method: 'wallet', chain: 'Nimbus' });
    expect(wallet).toContain('Nimbus');
  });

  it('writes a refusal in the person’s language, a rule’s figure in it', () => {
    const short = new InvalidRequest('password must be at least 8 characters').because(
      'password_too_short',
    );
    const { text, status } = accountRefusal(short, { recentLoginSeconds: 300, subject: 'u' });
    expect(status).toBe(400);
    expect(PageLocale.of('de').text(text)).toBe('Das Passwort muss mindestens 8 Zeichen lang sein');
    expect(PageLocale.of('en').text(text)).toBe('password must be at least 8 characters');
  });

  it('says a refusal it does not foresee as the server states it, inside a translated sentence', () => {
    const odd = new InvalidRequest('Something else');
    const { text } = accountRefusal(odd, { recentLoginSeconds: 300, subject: 'u' });
    expect(PageLocale.of('fr').text(text)).toBe('La modification a été refusée : Something else');
  });
});
