import { MAX_CLIENT_SCOPE_VALUES, parseClientScope, unknownScopes } from './client-scope';

describe("a client's scope metadata (RFC 7591 §2)", () => {
  it('is normalised: single spaces, each value once, in the order given', () => {
    expect(parseClientScope('openid  notes:read openid ')).toEqual({ scope: 'openid notes:read' });
  });

  it('is a string of scope values, at least one and not too many, none malformed', () => {
    const problem = (value: unknown) => (parseClientScope(value) as { problem?: string }).problem;
    expect(problem(['openid'])).toBe('must be a string of space-separated scope values');
    expect(problem('  ')).toBe('must name at least one scope');
    expect(problem('openid "x"')).toBe('holds a value that is not a scope (RFC 6749 §3.3 syntax)');
    expect(problem('openid\tprofile')).toBe(
      'holds a value that is not a scope (RFC 6749 §3.3 syntax)',
    );
    const many = Array.from({ length: MAX_CLIENT_SCOPE_VALUES + 1 }, (_, i) => `s${i}`);
    expect(problem(many.join(' '))).toBe(`has more than ${MAX_CLIENT_SCOPE_VALUES} values`);
  });

  it("never names an admin scope or ssf: those are the operator's to give otherwise", () => {
    expect(parseClientScope('openid admin:write ssf')).toEqual({
      problem:
        'may not name admin:write ssf: admin scopes are given with admin_scopes, the ssf scope with ssf_receiver',
    });
  });

  it("knows the server's scopes and the declared APIs'", () => {
    const declared = new Set(['notes:read']);
    expect(unknownScopes('openid offline_access notes:read', declared)).toEqual([]);
    expect(unknownScopes('openid notes:write mcp:tools', declared)).toEqual([
      'notes:write',
      'mcp:tools',
    ]);
  });
});
