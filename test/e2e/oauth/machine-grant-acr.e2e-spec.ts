/**
 * The operator's acr minimums (RFC 9470; ACR_REQUIRED_BY_RESOURCE, ACR_REQUIRED_BY_SCOPE) at the
 * machine grants, driven by oauth4webapi: client_credentials, the JWT-bearer grant and token
 * exchange issue no token whose resource or scope asks for a phishing-resistant sign-in (`phr`)
 * the token's subject has not achieved. A client's own token (and a workload's) names no user, so
 * none; an ID-JAG carries the `acr` its identity provider asserted; an exchanged token the one of
 * its subject token. A resource refused is `invalid_target`, a scope `invalid_scope`, each naming
 * the acr required.
 */
import * as oauth from 'oauth4webapi';
import { SignJWT, decodeJwt } from 'jose';
import { TOKEN_EXCHANGE_GRANT_TYPE } from '../../../src/protocol-rules/grant-types';
import { AccessTokenService } from '../../../src/tokens/access-token.service';
import { type EnterpriseIdp, startEnterpriseIdp } from '../../support/enterprise-idp';
import { INSECURE, discover } from '../../support/oauth-discovery';
import { TestApp, startListeningApp } from '../../support/test-app';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const AGENT = { id: 'acr-agent', secret: 'acr-agent-secret-1234' };
/** A resource whose tokens need a passkey sign-in (ACR_REQUIRED_BY_RESOURCE). */
const STRONG = 'https://payroll.example.com/';
/** A resource with no minimum of its own. */
const PLAIN = 'https://calendar.example.com/';
const KID = 'idp-key-1';

const lacking =
  'requires acr phr (a phishing-resistant user sign-in), and the token would carry no acr that meets it';
const targetRefused = { error: 'invalid_target', error_description: `The resource ${lacking}` };
const scopeRefused = (scope: string) => ({
  error: 'invalid_scope',
  error_description: `The scope ${scope} ${lacking}`,
});

describe('acr minimums at the machine grants (RFC 9470, ACR_REQUIRED_BY_*)', () => {
  let t: TestApp;
  let issuer: string;
  let as: oauth.AuthorizationServer;
  let idp: EnterpriseIdp;
  const client: oauth.Client = { client_id: AGENT.id };
  const auth = oauth.ClientSecretBasic(AGENT.secret);

  beforeAll(async () => {
    idp = await startEnterpriseIdp({ kid: KID });
    ({ t, issuer } = await startListeningApp({
      ACR_REQUIRED_BY_RESOURCE: JSON.stringify({ [STRONG]: 'phr' }),
      ACR_REQUIRED_BY_SCOPE: JSON.stringify({ api: 'phr' }),
      JWT_BEARER_ISSUERS: JSON.stringify([{ issuer: idp.issuer, jwks_uri: idp.jwksUri }]),
      OAUTH_CLIENTS: JSON.stringify([
        {
          client_id: AGENT.id,
          client_secret: AGENT.secret,
          grant_types: ['client_credentials', JWT_BEARER, TOKEN_EXCHANGE_GRANT_TYPE],
          resources: [STRONG, PLAIN],
        },
      ]),
    }));
    as = await discover(issuer);
  });
  afterAll(async () => {
    await t.close();
    await idp.close();
  });

  /** The answer of a token request: the token response, or the refusal's body. */
  async function answer(response: Response): Promise<Record<string, unknown>> {
    try {
      return { ...(await oauth.processGenericTokenEndpointResponse(as, client, response)) };
    } catch (error) {
      if (error instanceof oauth.ResponseBodyError) return { ...error.cause };
      throw error;
    }
  }

  const grant = (type: string, parameters: Record<string, string>) =>
    oauth.genericTokenEndpointRequest(as, client, auth, type, parameters, INSECURE).then(answer);

  /** An ID-JAG for AGENT from the trusted IdP; `acr` as the IdP asserts it, if at all. */
  function idJag(claims: Record<string, unknown>, typ = 'oauth-id-jag+jwt'): Promise<string> {
    return new SignJWT({ ...idp.idJagClaims(issuer, AGENT.id), ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: KID, typ })
      .sign(idp.privateKey);
  }

  describe('client_credentials: a token for the client itself, no user, no acr', () => {
    it('refuses a resource that requires phr with invalid_target', async () => {
      expect(await grant('client_credentials', { resource: STRONG })).toEqual(targetRefused);
    });

    it('refuses a scope that requires phr with invalid_scope', async () => {
      expect(await grant('client_credentials', { resource: PLAIN, scope: 'api' })).toEqual(
        scopeRefused('api'),
      );
    });
  });

  describe('JWT-bearer: the acr an ID-JAG asserts', () => {
    it('issues a token for a resource that requires phr when the ID-JAG asserts phr, carrying it', async () => {
      const tokens = await grant(JWT_BEARER, {
        assertion: await idJag({ resource: STRONG, scope: 'profile', acr: 'phr' }),
      });
      expect(tokens.scope).toBe('profile');
      expect(decodeJwt(String(tokens.access_token))).toMatchObject({ aud: STRONG, acr: 'phr' });
    });

    it('refuses that resource to an ID-JAG without acr, or with an acr that is not phr', async () => {
      for (const acr of [undefined, 'urn:idp:loa:2']) {
        const assertion = await idJag({ resource: STRONG, scope: 'profile', acr });
        expect(await grant(JWT_BEARER, { assertion })).toEqual(targetRefused);
      }
    });

    it('refuses a scope that requires phr to an ID-JAG without acr, and grants it with phr', async () => {
      const plain = await idJag({ resource: PLAIN, scope: 'api' });
      expect(await grant(JWT_BEARER, { assertion: plain })).toEqual(scopeRefused('api'));
      const strong = await idJag({ resource: PLAIN, scope: 'api', acr: 'phr' });
      expect((await grant(JWT_BEARER, { assertion: strong })).scope).toBe('api');
    });

    it("takes no acr from a workload JWT: a workload's token names no sign-in", async () => {
      const workload = await idJag({ sub: 'spiffe://corp.example/planner', acr: 'phr' }, 'JWT');
      expect(await grant(JWT_BEARER, { assertion: workload, resource: STRONG })).toEqual(
        targetRefused,
      );
    });
  });

  describe('token exchange: the acr of the subject token', () => {
    /** A token of a live grant of AGENT's, as `sign` makes it (the acr as given). */
    async function subjectToken(audience: string, scope: string): Promise<string> {
      const tokens = await grant(JWT_BEARER, {
        assertion: await idJag({ resource: audience, scope, acr: 'phr' }),
      });
      const claims = decodeJwt(String(tokens.access_token));
      // The same grant's token without the acr: what a token issued before the minimum was set
      // would carry.
      const { token } = await t.app.get(AccessTokenService).sign({
        audience,
        sub: String(claims.sub),
        clientId: AGENT.id,
        scope,
        grantId: String(claims.gid),
      });
      return token;
    }

    it('refuses to exchange a token without phr for a resource that requires it', async () => {
      const subject = await subjectToken(STRONG, 'profile');
      expect(
        await grant(TOKEN_EXCHANGE_GRANT_TYPE, {
          subject_token: subject,
          subject_token_type: ACCESS_TOKEN_TYPE,
        }),
      ).toEqual(targetRefused);
    });

    it('refuses to exchange a token without phr for a scope that requires it', async () => {
      const subject = await subjectToken(PLAIN, 'profile api');
      expect(
        await grant(TOKEN_EXCHANGE_GRANT_TYPE, {
          subject_token: subject,
          subject_token_type: ACCESS_TOKEN_TYPE,
          scope: 'api',
        }),
      ).toEqual(scopeRefused('api'));
      const narrowed = await grant(TOKEN_EXCHANGE_GRANT_TYPE, {
        subject_token: subject,
        subject_token_type: ACCESS_TOKEN_TYPE,
        scope: 'profile',
      });
      expect(narrowed.scope).toBe('profile');
    });
  });
});
