import { PageLocale, SUPPORTED_LOCALES } from '../../platform/i18n/page-locale';
import {
  englishLeft,
  pageLanguage,
  pseudoLocale,
  untranslatedText,
} from '../../../test/support/untranslated-text';
import type { PendingApproval } from './ciba-approvals.service';
import { type ApprovalsPageView, renderApprovalsPage } from './ciba-approvals.page';

const ID = 'q2xlYXJseS1ub3QtYS1yZWFsLXJlcXVlc3QtaGFzaDE';
/** A binding message as a client may send it: another script, and markup that must stay text. */
const BINDING = 'Счёт 4711 <b>срочно</b> & "now"';
const RENDERED = 'Pay 12.00 EUR to Example Shop';

const plain: PendingApproval = {
  id: ID,
  client_id: 'agent-app',
  client_name: 'Agent App',
  binding_message: BINDING,
  rendered: [],
  scope: 'openid api',
  expires_at: '2026-11-28T14:05:00.000Z',
};
const detailed: PendingApproval = {
  ...plain,
  id: ID.replace('q', 'r'),
  authorization_details: [{ type: 'payment_initiation' }],
  rendered: [RENDERED],
  resource: 'https://bank.example/api',
};
const passkeyOnly: PendingApproval = { ...plain, id: ID.replace('q', 's'), required_acr: 'phr' };

/** What the fixture's page shows as the client sent it: no catalogue has it. */
const DATA = [
  'Agent App',
  'agent-app',
  BINDING,
  RENDERED,
  'https://bank.example/api',
  'openid',
  'api',
  'user1',
];

const view = (locale: PageLocale, more: Partial<ApprovalsPageView> = {}): ApprovalsPageView => ({
  approvals: [plain, detailed, passkeyOnly],
  total: 5,
  csrfToken: 'tok',
  signedInAs: 'user1',
  locale,
  ...more,
});

describe('the approvals page in the person’s language', () => {
  it.each([
    ['three requests of each kind, two more unlisted', {}],
    ['no request', { approvals: [], total: 0 }],
  ] as const)('renders no text that is not from a catalogue: %s', (_, more) => {
    const html = renderApprovalsPage(view(pseudoLocale(), more));
    expect(untranslatedText(html, DATA)).toEqual([]);
  });

  it('finds text that is not from a catalogue (the check itself can fail)', () => {
    const html = renderApprovalsPage(view(pseudoLocale())).replace('</h1>', ' Pending</h1>');
    expect(untranslatedText(html, DATA)).toEqual(['Pending']);
  });

  it('shows the binding message and the details exactly as the client sent them, on a German page', () => {
    const html = renderApprovalsPage(view(PageLocale.of('de')));
    expect(pageLanguage(html)).toBe('de');
    expect(html).toContain(
      '<p>Nachricht: <strong><code class="approval-binding-message">Счёт 4711 &lt;b&gt;срочно&lt;/b&gt; &amp; &quot;now&quot;</code></strong></p>',
    );
    expect(html).not.toContain('<b>срочно</b>');
    expect(html).toContain(`<li>${RENDERED}</li>`);
  });

  it.each(SUPPORTED_LOCALES)(
    '%s: lang, title, forms posting it, and no English message left',
    (tag) => {
      const locale = PageLocale.of(tag);
      const html = renderApprovalsPage(view(locale));
      expect(pageLanguage(html)).toBe(tag);
      expect(html).toContain(`<h1>${locale.t('approvals.title')}</h1>`);
      expect(html).toContain(`<input type="hidden" name="ui_locales" value="${tag}">`);
      if (tag === 'en') return;
      expect(englishLeft(html, locale, 'approvals.')).toEqual([]);
    },
  );
});
