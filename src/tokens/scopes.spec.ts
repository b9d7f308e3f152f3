import { InvalidScope } from '../platform/errors/protocol-error';
import { checkClientScope, checkScope } from './scopes';

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
    expect(checkClientScope('admin:read', ['admin:read', 'admin:write'])).toBe('admin:read');
    expect(
      checkClientScope('admin:write admin:read admin:write', ['admin:read', 'admin:write']),
    ).toBe('admin:write admin:read');
    expect(refusal(() => checkClientScope('admin:read')).description).toMatch(
      /^admin:read: this client is not an admin client/,
    );
    expect(refusal(() => checkClientScope('admin:write', ['admin:read'])).description).toBe(
      'admin:write: this admin client was given only admin:read',
    );
  });

  it('go alone in a token, and only the known ones', () => {
    expect(refusal(() => checkClientScope('api admin:read', ['admin:read'])).description).toMatch(
      /admin scopes only/,
    );
    expect(refusal(() => checkClientScope('admin:root', ['admin:read'])).description).toBe(
      'Unsupported scope: admin:root (the admin scopes are admin:read admin:write)',
    );
  });

  it("leave a client's own scopes as they were: api by default, nothing about a user", () => {
    expect(checkClientScope(undefined, ['admin:read'])).toBe('api');
    expect(checkClientScope('api', [])).toBe('api');
    expect(refusal(() => checkClientScope('openid', ['admin:read'])).error).toBe('invalid_scope');
  });
});
