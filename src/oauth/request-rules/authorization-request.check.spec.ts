import type { OAuthConfig } from '../../config/sections/oauth.config';
import type { TokenConfig } from '../../config/sections/tokens.config';
import type { ResourceClientIdCheck } from '../resource/check-resource-client-id';
import type { AuthorizationDetailsCheck } from '../authorization-details/authorization-details.check';
import { AuthorizationRequestCheck } from './authorization-request.check';
import type { ConsoleAdminAccess } from '../admin-console/console-admin-access';
import type { ServerConfig } from '../../config/sections/server.config';
import type { ResourceScopes } from '../../tokens/resource-scopes';

function check(
  acrRequiredByScope: Record<string, 'phr'>,
  acrRequiredByResource: Record<string, 'phr'> = {},
  declaredScopes: readonly string[] = [],
): AuthorizationRequestCheck {
  return new AuthorizationRequestCheck(
    {} as TokenConfig,
    {} as OAuthConfig,
    {} as ResourceClientIdCheck,
    { acrRequiredByScope, acrRequiredByResource, accountChangesRequireAcr: undefined },
    {} as AuthorizationDetailsCheck,
    {} as ConsoleAdminAccess,
    {} as ServerConfig,
    {
      serverOf: (scope: string) =>
        declaredScopes.includes(scope) ? { resource: 'https://notes.example/' } : undefined,
    } as unknown as ResourceScopes,
  );
}

describe('AuthorizationRequestCheck at start', () => {
  it('refuses an ACR_REQUIRED_BY_SCOPE naming a scope this server does not grant', () => {
    expect(() => check({ acount: 'phr' })).toThrow(
      'ACR_REQUIRED_BY_SCOPE names scopes this server does not grant: acount (supported: openid, profile, email, api, account, offline_access, identity, age)',
    );
    expect(() => check({ account: 'phr' })).not.toThrow();
  });

  it("takes an ACR_REQUIRED_BY_SCOPE naming an API's own scope (RESOURCE_SERVERS)", () => {
    expect(() => check({ 'notes:write': 'phr' }, {}, ['notes:write'])).not.toThrow();
    expect(() => check({ 'notes:write': 'phr' })).toThrow(/does not grant: notes:write/);
  });
});

describe('AuthorizationRequestCheck.requiredAcr (RFC 9470, RFC 8707 §2)', () => {
  const STRICT = 'https://strict.example.com/';
  const OPEN = 'https://open.example.com/';

  it('demands the strongest minimum of every resource the tokens may be for', () => {
    const requests = check({}, { [STRICT]: 'phr' });
    expect(requests.requiredAcr(undefined, undefined, 'profile', [OPEN])).toEqual({});
    expect(requests.requiredAcr(undefined, undefined, 'profile', [OPEN, STRICT])).toEqual({
      acr: 'phr',
    });
    expect(requests.requiredAcr(undefined, undefined, 'profile', [STRICT, OPEN])).toEqual({
      acr: 'phr',
    });
  });
});
