/**
 * Scope accumulation on step-up (MCP authorization: a client challenged for more scope asks
 * again with the union of what it holds and what was challenged): the consent screen asks for
 * the new scopes only, shows the ones allowed before as kept, and Allow grants the union; the
 * same union asked again needs no consent. Driven by oauth4webapi against a registered client.
 */
import * as oauth from 'oauth4webapi';
import { authorizeInBrowser } from '../../support/dpop';
import { authorizeWithConsent } from '../../support/fetch-browser';
import { INSECURE, authorizationRequest, discover } from '../../support/oauth-discovery';
import { getMe } from '../../support/oauth';
import { useListeningApp } from '../../support/use-test-app';

const REDIRECT_URI = 'http://127.0.0.1:53682/callback';

function listed(page: string, id: string): string[] {
  const list = new RegExp(`<ul id="${id}"[^>]*>([\\s\\S]*?)</ul>`).exec(page);
  return list ? [...list[1].matchAll(/data-scope="([^"]+)"/g)].map((m) => m[1]) : [];
}

describe('consent on step-up: only the new scopes are asked, the union is granted', () => {
  const t = useListeningApp({ RATE_LIMIT_REGISTER_PER_IP: '1000' });
  let as: oauth.AuthorizationServer;
  let client: oauth.Client;

  beforeAll(async () => {
    as = await discover(t.issuer);
    const registered = await oauth.processDynamicClientRegistrationResponse(
      await oauth.dynamicClientRegistrationRequest(
        as,
        { redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none', client_name: 'Agent' },
        INSECURE,
      ),
    );
    // As registered: its ID tokens RS256, the registration's default, said in the response.
    client = registered;
  });

  const request = (scope: string) => authorizationRequest(as, client, REDIRECT_URI, { scope });

  it('asks for profile, then on step-up for api alone, and grants profile api', async () => {
    const first = await request('profile');
    const initial = await authorizeWithConsent(first.url, t.issuer);
    expect(listed(initial.consentPage, 'consent-scopes')).toEqual(['profile']);
    expect(initial.consentPage).not.toContain('consent-already-allowed');
    expect((await first.redeem(initial.callback)).scope).toBe('profile');

    // The resource answered 403 insufficient_scope with scope="api": the client asks for the union.
    const stepUp = await request('profile api');
    const again = await authorizeWithConsent(stepUp.url, t.issuer);
    expect(listed(again.consentPage, 'consent-scopes')).toEqual(['api']);
    expect(listed(again.consentPage, 'consent-already-allowed')).toEqual(['profile']);
    const tokens = await stepUp.redeem(again.callback);
    expect(tokens.scope).toBe('profile api');
    const me = await getMe(t, tokens.access_token).expect(200);
    expect(me.body).toMatchObject({ sub: 'user1', client_id: client.client_id });

    // The union is allowed now: the same request goes from login straight back to the client.
    const later = await request('profile api');
    const callback = await authorizeInBrowser(later.url, t.issuer);
    expect((await later.redeem(callback)).scope).toBe('profile api');
  });
});
