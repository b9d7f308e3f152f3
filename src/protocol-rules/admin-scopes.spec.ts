import { adminApiAudience, adminScopesProblem } from './admin-scopes';

describe("an operator's admin_scopes", () => {
  const machine = { confidential: true, grantTypes: ['client_credentials'] };

  it('takes the known admin scopes on a confidential client_credentials client', () => {
    expect(adminScopesProblem(['admin:read', 'admin:write'], machine)).toBeUndefined();
    expect(adminScopesProblem([], { confidential: false, grantTypes: undefined })).toBeUndefined();
  });

  it('refuses another value, a public client, and a client without client_credentials', () => {
    expect(adminScopesProblem('admin:read', machine)).toBe('must be an array of strings');
    expect(adminScopesProblem(['admin:root'], machine)).toBe(
      'names "admin:root": the admin scopes are admin:read, admin:write',
    );
    expect(adminScopesProblem(['admin:read'], { ...machine, confidential: false })).toMatch(
      /^are for a confidential client/,
    );
    expect(
      adminScopesProblem(['admin:read'], {
        confidential: true,
        grantTypes: ['authorization_code'],
      }),
    ).toMatch(/^need grant_types with client_credentials/);
  });

  it("names the admin API's audience after the issuer", () => {
    expect(adminApiAudience('https://id.example')).toBe('https://id.example/admin/v1');
  });
});
