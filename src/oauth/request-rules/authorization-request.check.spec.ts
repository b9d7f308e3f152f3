import type { OAuthConfig } from '../../config/sections/oauth.config';
import type { TokenConfig } from '../../config/sections/tokens.config';
import type { ResourceClientIdCheck } from '../resource/check-resource-client-id';
import type { AuthorizationDetailsCheck } from '../authorization-details/authorization-details.check';
import { AuthorizationRequestCheck } from './authorization-request.check';
import type { ConsoleAdminAccess } from '../admin-console/console-admin-access';
import type { ServerConfig } from '../../config/sections/server.config';

function check(
  acrRequiredByScope: Record<string, 'phr'>,
  acrRequiredByResource: Record<string, 'phr'> = {},
): AuthorizationRequestCheck {
  return new AuthorizationRequestCheck(
    {} as TokenConfig,
    {} as OAuthConfig,
    {} as ResourceClientIdCheck,
    { acrRequiredByScope, acrRequiredByResource, accountChangesRequireAcr: undefined },
    {} as AuthorizationDetailsCheck,
    {} as ConsoleAdminAccess,
    {} as ServerConfig,
  );
}

describe('AuthorizationRequestCheck at start', () => {
  it('refuses an ACR_REQUIRED_BY_SCOPE naming a scope this server does not grant', () => {
    expect(() => check({ acount: 'phr' })).toThrow(
      'ACR_REQUIRED_BY_SCOPE names scopes this server does not grant: acount (supported: openid, profile, email, api, account, offline_access, identity, age)',
    );
    expect(() => check({ account: 'phr' })).not.toThrow();
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
