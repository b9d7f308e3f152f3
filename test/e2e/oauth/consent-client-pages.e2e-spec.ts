/**
 * A client's own pages on the consent screen (RFC 7591 §2, OpenID Connect Registration §2
 * `logo_uri`, `policy_uri`, `tos_uri`), as the OpenID Foundation's `oidcc-registration-logo-uri`,
 * `oidcc-registration-policy-uri` and `oidcc-registration-tos-uri` register them: https URLs only,
 * stored, echoed by POST /register, and shown to the user who is asked. The policy and terms are
 * links to the registered URL itself (no opener, no referrer); the logo is an image only when its
 * origin is one of CONSENT_LOGO_ORIGINS, and the page's Content-Security-Policy then lets images
 * come from that origin alone. Otherwise the page loads nothing from an origin a client chose.
 */
import request from 'supertest';
import { addClientWith } from '../../support/admin-cli';
import { authorizePath, login, pkcePair, type Agent } from '../../support/oauth';
import { register } from '../../support/registration';
import { expectRefusal } from '../../support/refusal';
import { useTestApp } from '../../support/use-test-app';

const INITIAL_ACCESS_TOKEN = 'initial-access-token-for-the-consent-pages-spec';
const ALLOWED_LOGOS = 'https://logos.example';
const CALLBACK = 'http://127.0.0.1:7530/callback';
/** The policy of every page (security-headers.ts), images from Proofgate itself only. */
const COMMON_IMG_SRC = "img-src 'self' data:;";

describe("a client's logo, policy and terms on the consent screen (RFC 7591 §2)", () => {
  const t = useTestApp({
    RATE_LIMIT_LOGIN_PER_IP: '1000',
    REGISTRATION_INITIAL_ACCESS_TOKEN: INITIAL_ACCESS_TOKEN,
    CONSENT_LOGO_ORIGINS: `${ALLOWED_LOGOS},https://static.example`,
  });
  let agent: Agent;

  beforeAll(async () => {
    agent = request.agent(t.app.getHttpServer());
    await login(agent);
  });

  /** A client registered (with the initial access token) with `metadata`: its client_id. */
  async function registered(metadata: Record<string, unknown>): Promise<string> {
    const res = await register(
      t,
      { redirect_uris: [CALLBACK], client_name: 'Pages RP', ...metadata },
      INITIAL_ACCESS_TOKEN,
    ).expect(201);
    return res.body.client_id as string;
  }

  /** The consent screen signed-in user0 gets for `clientId`: the response. */
  function consentFor(clientId: string) {
    return agent
      .get(
        authorizePath({
          response_type: 'code',
          client_id: clientId,
          redirect_uri: CALLBACK,
          scope: 'openid',
          state: 'st-pages',
          code_challenge: pkcePair().challenge,
          code_challenge_method: 'S256',
        }),
      )
      .expect(200);
  }

  const imgSrc = (res: request.Response) =>
    /img-src [^;]*;/.exec(String(res.headers['content-security-policy']))?.[0];

  it('oidcc-registration-logo-uri, oidcc-registration-policy-uri, oidcc-registration-tos-uri: registered, echoed, and shown: the logo from an allowed origin, the policy and terms as links', async () => {
    const metadata = {
      logo_uri: `${ALLOWED_LOGOS}/rp/logo.png`,
      policy_uri: 'https://rp.example/privacy',
      tos_uri: 'https://openid.net',
    };
    const res = await register(
      t,
      { redirect_uris: [CALLBACK], client_name: 'Pages RP', ...metadata },
      INITIAL_ACCESS_TOKEN,
    ).expect(201);
    expect(res.body).toMatchObject(metadata);

    const consent = await consentFor(res.body.client_id as string);
    expect(consent.text).toContain(
      `<img id="consent-logo" src="${ALLOWED_LOGOS}/rp/logo.png" alt="Logo of Pages RP" width="64" height="64">`,
    );
    expect(consent.text).toContain(
      '<a id="consent-policy" href="https://rp.example/privacy" target="_blank" rel="noopener noreferrer">Privacy policy</a> <span class="muted">(rp.example)</span>',
    );
    expect(consent.text).toContain(
      '<a id="consent-tos" href="https://openid.net" target="_blank" rel="noopener noreferrer">Terms of service</a> <span class="muted">(openid.net)</span>',
    );
    // Images from Proofgate and from the logo's origin: not from the other origin allowed.
    expect(imgSrc(consent)).toBe(`img-src 'self' data: ${ALLOWED_LOGOS};`);
    expect(consent.headers['content-security-policy']).toContain("default-src 'self'");
    expect(consent.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('a logo from an origin not allowed is not shown, and the page allows no image from elsewhere; nor is one without a logo', async () => {
    for (const metadata of [
      { logo_uri: 'https://tracker.example/pixel.png?who=you' },
      { logo_uri: 'https://logos.example.evil.example/logo.png' },
      { policy_uri: 'https://rp.example/privacy' },
    ]) {
      const consent = await consentFor(await registered(metadata));
      expect(consent.text).not.toContain('<img');
      expect(consent.text).not.toContain('tracker.example');
      expect(imgSrc(consent)).toBe(COMMON_IMG_SRC);
    }
  });

  it('a link is the registered URL itself, escaped: no markup of the client reaches the page', async () => {
    const clientId = await registered({
      policy_uri: 'https://rp.example/privacy?q="><script>alert(1)</script>',
      tos_uri: "https://rp.example/terms?x='onmouseover='alert(1)",
    });
    const { text } = await consentFor(clientId);
    expect(text).not.toContain('<script>alert(1)');
    expect(text).toContain(
      'href="https://rp.example/privacy?q=&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"',
    );
    expect(text).toContain('href="https://rp.example/terms?x=&#39;onmouseover=&#39;alert(1)"');
  });

  it.each([
    ['logo_uri', 'over http', 'http://logos.example/logo.png', 'must be an https URL'],
    ['logo_uri', 'a javascript: URL', 'javascript:alert(1)', 'must be an https URL'],
    ['logo_uri', 'a data: URL', 'data:image/png;base64,AAAA', 'must be an https URL'],
    [
      'policy_uri',
      'with spaces',
      'not a url',
      'must not contain white space, control or format characters',
    ],
    ['policy_uri', 'relative', '/privacy', 'must be an absolute https URL'],
    [
      'policy_uri',
      'with userinfo',
      'https://bank.example@evil.example/',
      'must not carry userinfo (user@host)',
    ],
    ['tos_uri', 'a number', 42, 'must be a string'],
    [
      'tos_uri',
      'with U+202E',
      'https://rp.example/\u202eterms',
      'must not contain white space, control or format characters',
    ],
    [
      'tos_uri',
      'of 2,020 characters',
      `https://rp.example/${'t'.repeat(2001)}`,
      'must be at most 2000 characters',
    ],
  ])('refuses %s %s: invalid_client_metadata', async (name, _label, value, problem) => {
    const res = await register(
      t,
      { redirect_uris: [CALLBACK], [name]: value },
      INITIAL_ACCESS_TOKEN,
    );
    expectRefusal(res, 400, 'invalid_client_metadata', `${name} ${problem}`);
  });

  it('the admin CLI registers them with the rules of registration, and shows them', async () => {
    const add = (...pages: string[]) => addClientWith(t, 'pages-cli-rp', pages);
    const refused = await add('--policy-uri', 'http://rp.example/privacy');
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('policy_uri must be an https URL');
    const added = await add(
      ...['--logo-uri', `${ALLOWED_LOGOS}/cli.png`, '--policy-uri', 'https://rp.example/p'],
      ...['--tos-uri', 'https://rp.example/t'],
    );
    expect(added.code).toBe(0);
    expect(JSON.parse(added.output)).toMatchObject({
      client_id: 'pages-cli-rp',
      logo_uri: `${ALLOWED_LOGOS}/cli.png`,
      policy_uri: 'https://rp.example/p',
      tos_uri: 'https://rp.example/t',
    });
  });
});
