/**
 * A backchannel request's language (OpenID Connect Core §3.1.2.1 `ui_locales`, sent to
 * /backchannel as to /authorize): the mail that tells the person is written in it, its link opens
 * the approvals page in it, and what the client sent (its name, the binding message) is shown as
 * sent, escaped, whatever the language. The CIBA outbox's poller is run by the test.
 */
import { CibaNotificationPoller } from '../../../../src/oauth/ciba/notifications/ciba-notification.poller';
import { CIBA_GRANT_TYPE } from '../../../../src/protocol-rules/grant-types';
import { UI_LOCALES_MAX_LENGTH } from '../../../../src/platform/http/form-fields';
import { backchannelRequest } from '../../../support/ciba';
import { CookieBrowser } from '../../../support/cookie-browser';
import { mailbox, signInByEmailAt } from '../../../support/email';
import { addOperatorClient } from '../../../support/operator-clients';
import { eventually } from '../../../support/smtp-server';
import { TestApp, startListeningApp } from '../../../support/test-app';
import { pageLanguage } from '../../../support/untranslated-text';

const AGENT = 'language-agent';
/** Another script, and markup that must reach the person as text. */
const BINDING = 'Счёт 4711 <b>срочно</b>';
const ESCAPED = 'Счёт 4711 &lt;b&gt;срочно&lt;/b&gt;';

describe('a backchannel request’s language (ui_locales)', () => {
  let t: TestApp;
  let issuer: string;
  let secret: string;
  let poller: CibaNotificationPoller;
  const email = 'ciba-sprache@example.com';
  const person = new CookieBrowser();
  let sub: string;

  beforeAll(async () => {
    ({ t, issuer } = await startListeningApp({
      RATE_LIMIT_LOGIN_PER_IP: '1000',
      RATE_LIMIT_CIBA_ANNOUNCEMENTS_PER_ACCOUNT: '1000',
    }));
    secret = (await addOperatorClient(t, {
      clientId: AGENT,
      name: 'Agent <Sprache>',
      grantTypes: [CIBA_GRANT_TYPE],
    }))!;
    poller = t.app.get(CibaNotificationPoller);
    await signInByEmailAt(issuer, person, email);
    const page = await (await person.navigate(`${issuer}/account/approvals`)).text();
    sub = /Signed in as <strong>([^<]+)<\/strong>/.exec(page)![1];
  });
  afterAll(() => t.close());

  const ask = (parameters: Record<string, string>) =>
    backchannelRequest(
      t,
      { clientId: AGENT, secret },
      { scope: 'openid', login_hint: sub, ...parameters },
    );

  /** The mail announcing the request whose binding message is `marker`. */
  async function mailOf(marker: string) {
    await poller.poll();
    return eventually(
      async () => (await mailbox(t)).find((m) => m.to === email && m.text.includes(marker)),
      `the mail of ${marker}`,
    );
  }

  it('mails in German and opens the German approvals page, the binding message exactly as sent', async () => {
    await ask({ ui_locales: 'de-CH en', binding_message: BINDING }).expect(200);
    const mail = await mailOf(BINDING);
    expect(mail.subject).toBe('Agent <Sprache> möchte in Ihrem Namen handeln');
    expect(mail.text).toContain(`Die Nachricht der Anwendung: ${BINDING}\n`);
    const link = `${issuer}/account/approvals?ui_locales=de`;
    expect(mail.text).toContain(`\n${link}\n`);

    // The browser asks for English: the link's language wins.
    const page = await (await person.navigate(link, { 'accept-language': 'en' })).text();
    expect(pageLanguage(page)).toBe('de');
    expect(page).toContain(
      `<p>Nachricht: <strong><code class="approval-binding-message">${ESCAPED}</code></strong></p>`,
    );
    expect(page).toContain('<strong class="approval-client">Agent &lt;Sprache&gt;</strong>');
    expect(page).not.toContain('<b>срочно</b>');
  });

  it('mails in English when ui_locales names no language it has, or is absent: never an error', async () => {
    await ask({ ui_locales: 'xx tlh', binding_message: 'klingon' }).expect(200);
    expect((await mailOf('klingon')).subject).toBe('Agent <Sprache> asks to act for you');
    await ask({ binding_message: 'none asked' }).expect(200);
    const mail = await mailOf('none asked');
    expect(mail.text).toContain(`${issuer}/account/approvals?ui_locales=en`);
  });

  it('refuses a ui_locales longer than any list of languages (invalid_request)', async () => {
    const res = await ask({ ui_locales: 'de '.repeat(UI_LOCALES_MAX_LENGTH) });
    expect(res.status).toBe(400);
    expect((res.body as { error: string }).error).toBe('invalid_request');
  });
});
