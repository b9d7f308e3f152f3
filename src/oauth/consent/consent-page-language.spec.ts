import { PageLocale } from '../../platform/i18n/page-locale';
import {
  pageLanguage,
  pseudoLocale,
  untranslatedText,
} from '../../../test/support/untranslated-text';
import { DETAILS_CONSENT_PREFIX } from '../request-rules/authorization-request.check';
import { renderConsentDeniedPage, renderConsentPage } from './consent.page';
import type { OAuthClient } from '../../clients/oauth-client';
import {
  renderDeviceCodePage,
  renderDeviceConfirmPage,
  renderDeviceDonePage,
} from '../device/device-verification.page';

/** What the fixture shows as sent: names, ids, scope and claim values, resources, the code. */
const DATA = [
  'Partner App',
  'partner-app',
  'user0',
  'openid',
  'profile',
  'email',
  'offline_access',
  'preferred_username',
  'api',
  'https://api.example',
  'https://mcp.example',
  'rp.example',
  'payment_initiation',
  'Pay 12.00 EUR to X',
  'WDJB-MJHT',
];

const consent = (locale: PageLocale) =>
  renderConsentPage({
    clientName: 'Partner App',
    clientId: 'partner-app',
    selfAsserted: true,
    scopes: ['openid', 'profile', 'claim:preferred_username', 'offline_access'],
    alreadyAllowed: ['email'],
    resources: ['https://api.example', 'https://mcp.example'],
    authorizationDetails: [
      { detail: { type: 'payment_initiation' }, text: 'Pay 12.00 EUR to X' },
    ] as never,
    pages: {
      logoUri: 'https://rp.example/logo.png',
      policyUri: 'https://rp.example/privacy',
      tosUri: 'https://rp.example/tos',
    },
    signedInAs: 'user0',
    returnTo: '/authorize?client_id=partner-app',
    csrfToken: 'tok',
    locale,
  });

const client = {
  name: 'Partner App',
  clientId: 'partner-app',
  registration: 'open',
} as unknown as OAuthClient;

describe('the consent and device pages in the person’s language', () => {
  it.each([
    ['consent', () => consent(pseudoLocale())],
    [
      'consent, one resource',
      () => renderConsentPage({ ...consentView(), resources: ['https://api.example'] }),
    ],
    [
      'consent denied',
      () =>
        renderConsentDeniedPage(
          { clientName: 'Partner App', back: 'https://rp.example/cb' },
          pseudoLocale(),
        ),
    ],
    [
      'device code, with an error',
      () =>
        renderDeviceCodePage({
          userCode: 'WDJB-MJHT',
          csrfToken: 'tok',
          signedInAs: 'user0',
          error: 'device.error.answered',
          locale: pseudoLocale(),
        }),
    ],
    [
      'device confirm',
      () =>
        renderDeviceConfirmPage({
          client,
          userCode: 'WDJB-MJHT',
          scopes: ['openid', 'api'],
          resource: 'https://api.example',
          csrfToken: 'tok',
          signedInAs: 'user0',
          locale: pseudoLocale(),
        }),
    ],
    [
      'device approved',
      () =>
        renderDeviceDonePage({
          decision: 'approve',
          clientName: 'Partner App',
          locale: pseudoLocale(),
        }),
    ],
    [
      'device denied, unnamed',
      () => renderDeviceDonePage({ decision: 'deny', locale: pseudoLocale() }),
    ],
  ])('renders no text that is not from a catalogue: %s', (_, render) => {
    expect(untranslatedText(render(), DATA)).toEqual([]);
  });

  it('shows the code to compare, in its own element', () => {
    const html = renderDeviceConfirmPage({
      client,
      userCode: 'WDJB-MJHT',
      scopes: ['openid'],
      csrfToken: 'tok',
      signedInAs: 'user0',
      locale: PageLocale.of('de'),
    });
    expect(html).toContain(
      'genau diesen Code anzeigt: <strong><code id="device-user-code">WDJB-MJHT</code></strong>',
    );
  });

  it('renders Spanish consent with lang="es", scope values and names as sent', () => {
    const html = consent(PageLocale.of('es'));
    expect(pageLanguage(html)).toBe('es');
    expect(html).toContain('<h1>¿Permitir el acceso?</h1>');
    expect(html).toContain('<li data-scope="openid">Iniciar tu sesión con tu cuenta de Proofgate');
    expect(html).toContain('en estos 2 servidores');
    expect(html).toContain('<input type="hidden" name="ui_locales" value="es">');
    expect(html).not.toContain(DETAILS_CONSENT_PREFIX);
  });
});

function consentView() {
  return {
    clientName: 'Partner App',
    clientId: 'partner-app',
    selfAsserted: false,
    scopes: ['openid'],
    signedInAs: 'user0',
    returnTo: '/',
    csrfToken: 'tok',
    locale: pseudoLocale(),
  };
}
