import { InvalidScope } from '../platform/errors/protocol-error';
import {
  checkClientScope,
  checkScope,
  refuseOutsideClientScope,
  withinClientScope,
} from './scopes';

function refusal(run: () => unknown): { error: string; description: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidScope)
      return { error: error.error, description: error.description };
    throw error;
  }
  throw new Error('not refused');
}

describe('admin scopes (issue #77): one rule', () => {
  it("are never a user's: checkScope refuses them with invalid_scope, whoever asks", () => {
    expect(refusal(() => checkScope('openid admin:read'))).toEqual({
      error: 'invalid_scope',
      description:
        "admin:read: the admin API's scopes are granted only to an admin client, for itself, by client_credentials",
    });
    expect(refusal(() => checkScope('admin:everything')).error).toBe('invalid_scope');
  });

  it('are granted by client_credentials only to a client the operator gave them', () => {
    expect(checkClientScope('admin:read', { adminScopes: ['admin:read', 'admin:write'] })).toBe(
      'admin:read',
    );
    expect(
      checkClientScope('admin:write admin:read admin:write', {
        adminScopes: ['admin:read', 'admin:write'],
      }),
    ).toBe('admin:write admin:read');
    expect(refusal(() => checkClientScope('admin:read')).description).toMatch(
      /^admin:read: this client is not an admin client/,
    );
    expect(
      refusal(() => checkClientScope('admin:write', { adminScopes: ['admin:read'] })).description,
    ).toBe('admin:write: this admin client was given only admin:read');
  });

  it('go alone in a token, and only the known ones', () => {
    expect(
      refusal(() => checkClientScope('api admin:read', { adminScopes: ['admin:read'] }))
        .description,
    ).toMatch(/admin scopes only/);
    expect(
      refusal(() => checkClientScope('admin:root', { adminScopes: ['admin:read'] })).description,
    ).toBe('Unsupported scope: admin:root (the admin scopes are admin:read admin:write)');
  });

  it("leave a client's own scopes as they were: api by default, nothing about a user", () => {
    expect(checkClientScope(undefined, { adminScopes: ['admin:read'] })).toBe('api');
    expect(checkClientScope('api', { adminScopes: [] })).toBe('api');
    expect(refusal(() => checkClientScope('openid', { adminScopes: ['admin:read'] })).error).toBe(
      'invalid_scope',
    );
  });
});

describe("a client's registered scope (RFC 7591 §2)", () => {
  it('refuses what lies outside it, naming it, and lets offline_access through (grant types decide it)', () => {
    expect(() =>
      refuseOutsideClientScope('openid notes:read', 'openid notes:read', true),
    ).not.toThrow();
    expect(() => refuseOutsideClientScope('openid offline_access', 'openid', true)).not.toThrow();
    expect(() => refuseOutsideClientScope('profile api', undefined, true)).not.toThrow();
    expect(refusal(() => refuseOutsideClientScope('openid profile api', 'openid', true))).toEqual({
      error: 'invalid_scope',
      description: "profile api: outside this client's registered scope (openid)",
    });
    expect(refusal(() => refuseOutsideClientScope('profile', 'openid', false)).description).toBe(
      "Ask for a scope: this client's registered scope (openid) does not hold the default, profile",
    );
  });

  it('narrows a granted scope to it as it stands now', () => {
    expect(
      withinClientScope('openid notes:read notes:write offline_access', 'openid notes:read'),
    ).toBe('openid notes:read offline_access');
    expect(withinClientScope('openid profile', undefined)).toBe('openid profile');
    expect(withinClientScope('notes:write', 'profile')).toBe('');
    expect(withinClientScope('notes:write offline_access', 'profile')).toBe('');
  });

  it("holds a client's own token to it, its default included, but not its admin scopes", () => {
    expect(checkClientScope(undefined, { scope: 'api notes:read' })).toBe('api');
    expect(refusal(() => checkClientScope(undefined, { scope: 'profile' })).description).toBe(
      "Ask for a scope: this client's registered scope (profile) does not hold the default, api",
    );
    expect(checkClientScope('admin:read', { adminScopes: ['admin:read'], scope: 'api' })).toBe(
      'admin:read',
    );
  });
});
