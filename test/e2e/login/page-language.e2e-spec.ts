/**
 * The login page in the person's language (OpenID Connect Core §3.1.2.1 `ui_locales`, then
 * Accept-Language, then English): from /authorize's query, a pushed request (RFC 9126) and a
 * request object (RFC 9101) alike, kept when the form is shown again after a refusal; an
 * unknown language is English, never an error; discovery lists the languages.
 */
import { UnsecuredJWT } from 'jose';
import request from 'supertest';
import {
  DEMO_SPA,
  authorizePath,
  codeRequestOf,
  login,
  pushAuthorizationRequest,
} from '../../support/oauth';
import { pageLanguage } from '../../support/untranslated-text';
import { TestApp, createTestApp } from '../../support/test-app';
import { hiddenField } from '../../support/login-form';
import { deliveredTo, mailTo, requestCode } from '../../support/email';

/** A client that is not first-party: it gets the consent screen. */
const THIRD_PARTY = { id: 'third-party', redirectUri: 'http://127.0.0.1:25012/callback' };

describe('the pages’ language', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      OAUTH_CLIENTS: JSON.stringify([
        { client_id: THIRD_PARTY.id, redirect_uris: [THIRD_PARTY.redirectUri] },
      ]),
    });
  });
  afterAll(() => t.close());

  /** Follows /authorize to the login page it sends a signed-out browser to. */
  async function loginPageFor(authorize: string, acceptLanguage?: string) {
    const agent = request.agent(t.app.getHttpServer());
    const sent = agent.get(authorize).set('Accept', 'text/html');
    if (acceptLanguage !== undefined) sent.set('Accept-Language', acceptLanguage);
    const res = await sent;
    expect(res.status).toBe(302);
    const location = res.headers.location;
    expect(location).toMatch(/^\/login\?/);
    const page = agent.get(location);
    if (acceptLanguage !== undefined) page.set('Accept-Language', acceptLanguage);
    return { agent, page: await page.expect(200), location };
  }

  const heading = (html: string) => /<h1>([^<]*)<\/h1>/.exec(html)?.[1];

  it('ui_locales=de on /authorize gives the German login page, lang="de"', async () => {
    const { page } = await loginPageFor(
      authorizePath(codeRequestOf(DEMO_SPA, { state: 's', ui_locales: 'de' })),
    );
    expect(pageLanguage(page.text)).toBe('de');
    expect(heading(page.text)).toBe('Anmelden');
    expect(page.text).toContain('<label for="username">Benutzername</label>');
    expect(page.text).toContain('<title>Anmelden · Proofgate</title>');
  });

  it('takes the first supported of several, and a region finds its language', async () => {
    const { page } = await loginPageFor(
      authorizePath(codeRequestOf(DEMO_SPA, { state: 's', ui_locales: 'pt-BR es-MX de' })),
    );
    expect(pageLanguage(page.text)).toBe('es');
    expect(heading(page.text)).toBe('Iniciar sesión');
  });

  it('without ui_locales, Accept-Language fr gives the French page', async () => {
    const { page } = await loginPageFor(
      authorizePath(codeRequestOf(DEMO_SPA, { state: 's' })),
      'fr-CH, fr;q=0.9, en;q=0.8',
    );
    expect(pageLanguage(page.text)).toBe('fr');
    expect(heading(page.text)).toBe('Connexion');
    expect(page.text).toContain('<label for="password">Mot de passe</label>');
  });

  it('ui_locales comes before Accept-Language', async () => {
    const { page } = await loginPageFor(
      authorizePath(codeRequestOf(DEMO_SPA, { state: 's', ui_locales: 'es' })),
      'de',
    );
    expect(pageLanguage(page.text)).toBe('es');
  });

  it('an unknown language is English, never an error', async () => {
    const { page } = await loginPageFor(
      authorizePath(codeRequestOf(DEMO_SPA, { state: 's', ui_locales: 'xx' })),
      'tlh',
    );
    expect(pageLanguage(page.text)).toBe('en');
    expect(heading(page.text)).toBe('Sign in');
    const direct = await t.http().get('/login?ui_locales=%25%25%25%20not-a-tag!').expect(200);
    expect(pageLanguage(direct.text)).toBe('en');
  });

  it('a list longer than the login page reads hands on the one language it finds, not the list', async () => {
    // 102 tags, 306 characters: /authorize reads any length, /login at most 256.
    const long = `${'xx '.repeat(100)}de-AT en`;
    const { page, location } = await loginPageFor(
      authorizePath(codeRequestOf(DEMO_SPA, { state: 's', ui_locales: long })),
      'fr',
    );
    expect(new URL(location, 'http://x').searchParams.get('ui_locales')).toBe('de');
    expect(pageLanguage(page.text)).toBe('de');
    expect(hiddenField(page.text, 'ui_locales')).toBe('de');
  });

  it('a list that names no language of the pages hands on none: the browser’s then chooses', async () => {
    const { page, location } = await loginPageFor(
      authorizePath(codeRequestOf(DEMO_SPA, { state: 's', ui_locales: `${'xx '.repeat(100)}tlh` })),
      'fr',
    );
    expect(new URL(location, 'http://x').searchParams.has('ui_locales')).toBe(false);
    expect(pageLanguage(page.text)).toBe('fr');
  });

  it('a pushed request (PAR) carries its ui_locales to the login page', async () => {
    const uri = await pushAuthorizationRequest(t, DEMO_SPA, { ui_locales: 'fr' });
    const { page, location } = await loginPageFor(
      `/authorize?client_id=${DEMO_SPA.id}&request_uri=${encodeURIComponent(uri)}`,
      'de',
    );
    // The way back names the pushed request only; its language rides beside it.
    expect(new URLSearchParams(location.slice('/login?'.length)).get('ui_locales')).toBe('fr');
    expect(pageLanguage(page.text)).toBe('fr');
  });

  it('a request object carries its ui_locales; the query’s own is ignored beside it', async () => {
    const claims = { ...codeRequestOf(DEMO_SPA, { state: 's', ui_locales: 'de' }) };
    const object = new UnsecuredJWT(claims)
      .setIssuer(DEMO_SPA.id)
      .setAudience(t.config.server.issuer)
      .encode();
    const { page } = await loginPageFor(
      `/authorize?client_id=${DEMO_SPA.id}&ui_locales=es&request=${encodeURIComponent(object)}`,
    );
    expect(pageLanguage(page.text)).toBe('de');
  });

  it('keeps the language when the form is shown again after a wrong password', async () => {
    const agent = request.agent(t.app.getHttpServer());
    const form = await agent.get('/login?ui_locales=es').expect(200);
    expect(hiddenField(form.text, 'ui_locales')).toBe('es');
    const refused = await agent
      .post('/login')
      .type('form')
      .set('Accept-Language', 'de')
      .send({
        csrf_token: hiddenField(form.text, 'csrf_token'),
        return_to: '/',
        ui_locales: hiddenField(form.text, 'ui_locales'),
        username: 'user0',
        password: 'not-the-password',
      })
      .expect(401);
    expect(pageLanguage(refused.text)).toBe('es');
    expect(refused.text).toContain('Nombre de usuario o contraseña incorrectos.');
  });

  it('the logout confirmation is in the request’s ui_locales, and so is the page after it', async () => {
    const agent = request.agent(t.app.getHttpServer());
    await login(agent);
    const confirm = await agent.get('/end_session?ui_locales=fr').expect(200);
    expect(pageLanguage(confirm.text)).toBe('fr');
    expect(heading(confirm.text)).toBe('Se déconnecter ?');
    const stay = await agent
      .post('/end_session/confirm')
      .type('form')
      .set('Accept-Language', 'de')
      .send({
        csrf_token: hiddenField(confirm.text, 'csrf_token'),
        ui_locales: hiddenField(confirm.text, 'ui_locales'),
        decision: 'stay',
      })
      .expect(200);
    expect(pageLanguage(stay.text)).toBe('fr');
    expect(stay.text).toContain('<h1 id="still-signed-in">Vous êtes toujours connecté</h1>');
  });

  it('the authorization error page is in the request’s language; the error itself as sent', async () => {
    const res = await t
      .http()
      .get('/authorize?client_id=no-such-client&response_type=code&ui_locales=es')
      .set('Accept', 'text/html')
      .expect(400);
    expect(pageLanguage(res.text)).toBe('es');
    expect(heading(res.text)).toBe('Solicitud de autorización rechazada');
    expect(res.text).toContain('<dd id="error">invalid_request</dd>');
  });

  it('a pushed request’s ui_locales reaches the consent screen, which posts it on', async () => {
    const agent = request.agent(t.app.getHttpServer());
    await login(agent);
    const uri = await pushAuthorizationRequest(t, THIRD_PARTY, {
      ui_locales: 'de',
      scope: 'profile',
    });
    const screen = await agent
      .get(`/authorize?client_id=${THIRD_PARTY.id}&request_uri=${encodeURIComponent(uri)}`)
      .set('Accept', 'text/html')
      .set('Accept-Language', 'fr')
      .expect(200);
    expect(pageLanguage(screen.text)).toBe('de');
    expect(heading(screen.text)).toBe('Zugriff erlauben?');
    expect(screen.text).toContain('<li data-scope="profile">Wissen, wer Sie sind (Ihr Kontoname)');
    expect(hiddenField(screen.text, 'ui_locales')).toBe('de');
  });

  it('email sign-in’s code page, its mail and the mail’s link page keep the login page’s language', async () => {
    const agent = request.agent(t.app.getHttpServer());
    const form = await agent.get('/login?ui_locales=fr').expect(200);
    const email =
      /<form method="post" action="\/login\/email\/start" id="email-login">[\s\S]*?<\/form>/.exec(
        form.text,
      )?.[0];
    expect(email).toBeDefined();
    const codePage = await agent
      .post('/login/email/start')
      .type('form')
      .set('Accept', 'text/html')
      .send({
        csrf_token: hiddenField(email!, 'csrf_token'),
        return_to: hiddenField(email!, 'return_to'),
        ui_locales: hiddenField(email!, 'ui_locales'),
        email: 'someone@example.com',
      })
      .expect(200);
    expect(pageLanguage(codePage.text)).toBe('fr');
    expect(heading(codePage.text)).toBe('Consultez votre boîte de réception');
    expect(codePage.text).toContain('pendant 10 minutes.');
    // The mail is in the page's language, and so is the page its link opens.
    const mail = await mailTo(t, deliveredTo('someone@example.com'));
    expect(mail.subject).toMatch(/^Votre code de connexion pour /);
    expect(mail.text).toContain('Le code et le lien fonctionnent une fois, pendant 10 minutes');
    const link = /https?:\/\/\S+\/login\/email\/link\?\S+/.exec(mail.text)![0];
    const linkPage = await agent.get(new URL(link).pathname + new URL(link).search).expect(200);
    expect(pageLanguage(linkPage.text)).toBe('fr');
    expect(heading(linkPage.text)).toBe('Connexion par e-mail');
  });

  it('the mail’s link keeps its language through the confirmation, and on a link used or made up', async () => {
    const agent = request.agent(t.app.getHttpServer());
    const mail = await requestCode(t, agent, 'linked@example.com', undefined, 'de');
    const link = new URL(/https?:\/\/\S+\/login\/email\/link\?\S+/.exec(mail.text)![0]);
    // A browser that prefers English opens the German mail's link.
    const open = () =>
      agent
        .get(link.pathname + link.search)
        .set('Accept-Language', 'en')
        .expect(200);
    const confirm = async () => {
      const page = await open();
      expect(pageLanguage(page.text)).toBe('de');
      expect(hiddenField(page.text, 'ui_locales')).toBe('de');
      expect(page.text).toContain('<a href="/login?ui_locales=de">Zurück zur Anmeldeseite</a>');
      return agent
        .post('/login/email/link')
        .type('form')
        .set('Accept', 'text/html')
        .set('Accept-Language', 'en')
        .send({
          csrf_token: hiddenField(page.text, 'csrf_token'),
          token: hiddenField(page.text, 'token'),
          ui_locales: hiddenField(page.text, 'ui_locales'),
        });
    };
    await confirm().then((res) => expect(res.status).toBe(303));
    // The same link again: used. The refusal is German, and says it of the link.
    const used = await confirm();
    expect(used.status).toBe(401);
    expect(pageLanguage(used.text)).toBe('de');
    expect(used.text).toContain('Dieser Link gilt hier nicht');
    expect(used.text).toContain('<a href="/login?ui_locales=de">Zurück zur Anmeldeseite</a>');
    // A made-up token in a link of the same form: refused before any page, in the link's language.
    const madeUp = await agent
      .get('/login/email/link?token=garbage&ui_locales=fr')
      .set('Accept', 'text/html')
      .set('Accept-Language', 'en')
      .expect(400);
    expect(pageLanguage(madeUp.text)).toBe('fr');
    expect(madeUp.text).toContain('Retour à la page de connexion');
  });

  /**
   * `page`, asked in `language` by a browser that prefers German, sends it to /login (`status`)
   * and back after the password sign-in: the login page and `page` again are in `language` all
   * the way. Answers `page`'s HTML after the sign-in.
   */
  async function signInThroughLogin(page: string, status: number, language: string) {
    const agent = request.agent(t.app.getHttpServer());
    const sent = await agent
      .get(page)
      .set('Accept', 'text/html')
      .set('Accept-Language', 'de')
      .expect(status);
    expect(sent.headers.location).toBe(
      `/login?return_to=${encodeURIComponent(page)}&ui_locales=${language}`,
    );
    const form = await agent.get(sent.headers.location).set('Accept-Language', 'de').expect(200);
    expect(pageLanguage(form.text)).toBe(language);
    expect(hiddenField(form.text, 'ui_locales')).toBe(language);
    const signedIn = await agent
      .post('/login')
      .type('form')
      .set('Accept-Language', 'de')
      .send({
        csrf_token: hiddenField(form.text, 'csrf_token'),
        return_to: hiddenField(form.text, 'return_to').replace(/&amp;/g, '&'),
        ui_locales: hiddenField(form.text, 'ui_locales'),
        username: 'user0',
        password: 'password0',
      })
      .expect(303);
    expect(signedIn.headers.location).toBe(page);
    const after = await agent.get(page).set('Accept-Language', 'de').expect(200);
    expect(pageLanguage(after.text)).toBe(language);
    return after.text;
  }

  /** Where `page`, asked in no language of its own by a French browser, sends it to sign in. */
  async function loginWithoutLanguage(page: string, status: number): Promise<string> {
    const plain = await request(t.app.getHttpServer())
      .get(page)
      .set('Accept', 'text/html')
      .set('Accept-Language', 'fr')
      .expect(status);
    return plain.headers.location;
  }

  it('the device page hands its language to /login, and the person comes back to it in that language', async () => {
    const device = await signInThroughLogin('/device?user_code=WDJB-MJHT&ui_locales=es', 302, 'es');
    expect(device).toContain('value="WDJB-MJHT"');
    // Asked in no language of its own, the page hands none on: the browser's is the same.
    await expect(loginWithoutLanguage('/device?user_code=WDJB-MJHT', 302)).resolves.toBe(
      '/login?return_to=%2Fdevice%3Fuser_code%3DWDJB-MJHT',
    );
  });

  it('the account page, asked in a language while signed out, hands it to /login and comes back in it', async () => {
    const account = await signInThroughLogin('/account?ui_locales=fr', 303, 'fr');
    expect(account).toContain('id="sign-out"');
    await expect(loginWithoutLanguage('/account', 303)).resolves.toBe(
      '/login?return_to=%2Faccount',
    );
  });

  it('discovery lists ui_locales_supported', async () => {
    for (const path of [
      '/.well-known/openid-configuration',
      '/.well-known/oauth-authorization-server',
    ]) {
      const res = await t.http().get(path).expect(200);
      expect(res.body.ui_locales_supported).toEqual(['en', 'de', 'fr', 'es']);
    }
  });
});
