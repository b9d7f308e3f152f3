import type { JWTPayload } from 'jose';
import { InvalidGrant, InvalidScope } from '../../../../platform/errors/protocol-error';
import {
  ASSERTION_MAX_LIFETIME_SECONDS,
  assertionProfile,
  assertedSubject,
  checkAssertionClaims,
  federatedSubject,
  grantedScope,
  trustedIssuerOf,
  workloadSubject,
  type AssertionContext,
} from './check-assertion';

const NOW = 1_800_000_000;
const ISSUER = 'https://as.proofgate.example';
const CONTEXT: AssertionContext = {
  profile: 'id-jag',
  audience: ISSUER,
  clientId: 'agent',
  now: NOW,
};
/** An ID-JAG's claims as the MCP enterprise-managed authorization extension has them. */
const ID_JAG: JWTPayload = {
  iss: 'https://idp.example',
  sub: 'alice@example.com',
  aud: ISSUER,
  client_id: 'agent',
  jti: 'jti-1',
  iat: NOW - 5,
  exp: NOW + 300,
  resource: 'https://mcp.example/mcp',
  scope: 'profile api',
};

function refusal(run: () => unknown): { error: string; description: string; reason?: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidGrant || error instanceof InvalidScope) {
      return { error: error.error, description: error.description, reason: error.reason };
    }
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('assertionProfile (RFC 8725 §3.11 typ)', () => {
  it('reads an ID-JAG by its typ, and a workload JWT without one or as JWT', () => {
    expect(assertionProfile('oauth-id-jag+jwt')).toBe('id-jag');
    expect(assertionProfile('application/OAuth-ID-JAG+JWT')).toBe('id-jag');
    expect(assertionProfile(undefined)).toBe('workload');
    expect(assertionProfile('JWT')).toBe('workload');
  });

  it('refuses any other typ (an access token, a DPoP proof) with invalid_grant', () => {
    for (const typ of ['at+jwt', 'dpop+jwt', 42]) {
      expect(refusal(() => assertionProfile(typ))).toEqual({
        error: 'invalid_grant',
        description:
          "The assertion's typ must be oauth-id-jag+jwt (an identity assertion) or JWT (a workload identity)",
        reason: 'wrong_typ',
      });
    }
  });
});

describe('trustedIssuerOf', () => {
  const issuers = [{ issuer: 'https://idp.example', jwksUri: 'https://idp.example/jwks' }];

  it('finds the issuer by its exact iss', () => {
    expect(trustedIssuerOf(issuers, 'https://idp.example')).toBe(issuers[0]);
  });

  it('refuses another, or none, as untrusted', () => {
    for (const iss of ['https://idp.example/', 'https://evil.example', undefined]) {
      expect(refusal(() => trustedIssuerOf(issuers, iss))).toMatchObject({
        error: 'invalid_grant',
        reason: 'untrusted_issuer',
      });
    }
  });
});

describe('checkAssertionClaims (RFC 7523 §3, ID-JAG)', () => {
  it('accepts an ID-JAG for this server and client, with its resource and scope', () => {
    expect(checkAssertionClaims(ID_JAG, CONTEXT)).toEqual({
      profile: 'id-jag',
      sub: 'alice@example.com',
      jti: 'jti-1',
      exp: NOW + 300,
      resource: 'https://mcp.example/mcp',
      scope: 'profile api',
    });
  });

  it("reads an ID-JAG's acr when it is one Proofgate knows, and carries no other", () => {
    expect(checkAssertionClaims({ ...ID_JAG, acr: 'phr' }, CONTEXT)).toMatchObject({ acr: 'phr' });
    expect(checkAssertionClaims({ ...ID_JAG, acr: 'urn:idp:loa:2' }, CONTEXT)).not.toHaveProperty(
      'acr',
    );
    expect(refusal(() => checkAssertionClaims({ ...ID_JAG, acr: 3 }, CONTEXT))).toEqual({
      error: 'invalid_grant',
      description: 'The assertion has a malformed acr',
      reason: 'claims',
    });
  });

  describe('a workload JWT', () => {
    const workload: JWTPayload = { ...ID_JAG, client_id: undefined, iat: undefined, acr: 'phr' };
    const asWorkload: AssertionContext = { ...CONTEXT, profile: 'workload' };
    const accepted = {
      profile: 'workload',
      sub: 'alice@example.com',
      jti: 'jti-1',
      exp: NOW + 300,
    };

    it('is accepted for the client its client_id or azp names; resource, scope and acr ignored', () => {
      expect(checkAssertionClaims({ ...workload, client_id: 'agent' }, asWorkload)).toEqual(
        accepted,
      );
      expect(checkAssertionClaims({ ...workload, azp: 'agent' }, asWorkload)).toEqual(accepted);
    });

    it("naming no client, is accepted only for a client its issuer's clients list", () => {
      expect(
        checkAssertionClaims(workload, { ...asWorkload, issuerClients: ['other', 'agent'] }),
      ).toEqual(accepted);
      for (const context of [asWorkload, { ...asWorkload, issuerClients: ['other'] }]) {
        expect(refusal(() => checkAssertionClaims(workload, context))).toEqual({
          error: 'invalid_grant',
          description:
            "The workload JWT names no client (client_id or azp), and its issuer's clients do not list this one",
          reason: 'client_unbound',
        });
      }
    });

    it('takes its audience alone, as a string or as the one member of an array (Kubernetes)', () => {
      const named = { ...workload, client_id: 'agent' };
      expect(checkAssertionClaims({ ...named, aud: [ISSUER] }, asWorkload)).toEqual(accepted);
      for (const aud of [[ISSUER, 'https://other.example'], [], [`${ISSUER}/token`], ['x']]) {
        expect(refusal(() => checkAssertionClaims({ ...named, aud }, asWorkload))).toEqual({
          error: 'invalid_grant',
          description: 'The assertion is for another audience (aud must name this server alone)',
          reason: 'wrong_audience',
        });
      }
    });

    it('is refused when its client_id or azp names another client, listed or not', () => {
      for (const change of [{ client_id: 'x' }, { azp: 'x' }, { client_id: 'agent', azp: 'x' }]) {
        expect(
          refusal(() =>
            checkAssertionClaims(
              { ...workload, ...change },
              { ...asWorkload, issuerClients: ['agent'] },
            ),
          ),
        ).toMatchObject({ reason: 'client_mismatch' });
      }
    });
  });

  const AUDIENCE_REFUSED =
    'The assertion is for another audience (aud must be one string naming this server)';

  it.each([
    ['another audience', { aud: 'https://other.example' }, AUDIENCE_REFUSED, 'wrong_audience'],
    ['no audience', { aud: undefined }, AUDIENCE_REFUSED, 'wrong_audience'],
    ['an aud array holding this server', { aud: [ISSUER] }, AUDIENCE_REFUSED, 'wrong_audience'],
    [
      'an aud array holding this server and another',
      { aud: ['https://other.example', ISSUER] },
      AUDIENCE_REFUSED,
      'wrong_audience',
    ],
    ['the token endpoint as aud', { aud: `${ISSUER}/token` }, AUDIENCE_REFUSED, 'wrong_audience'],
    [
      'another client',
      { client_id: 'someone-else' },
      'The assertion was issued to another client',
      'client_mismatch',
    ],
    ['no client_id', { client_id: undefined }, 'The assertion has no client_id', 'claims'],
    ['an expiry past (beyond the skew)', { exp: NOW - 31 }, 'The assertion expired', 'expired'],
    ['no expiry', { exp: undefined }, 'The assertion has no exp', 'claims'],
    [
      'an expiry too far',
      { exp: NOW + ASSERTION_MAX_LIFETIME_SECONDS + 1 },
      `The assertion must expire within ${ASSERTION_MAX_LIFETIME_SECONDS} s`,
      'too_long_lived',
    ],
    ['an nbf ahead', { nbf: NOW + 60 }, 'The assertion is not valid yet', 'not_yet_valid'],
    ['an iat ahead', { iat: NOW + 60 }, 'The assertion is not valid yet', 'not_yet_valid'],
    ['no iat', { iat: undefined }, 'The assertion has no iat', 'claims'],
    ['no jti', { jti: undefined }, 'The assertion has no jti', 'claims'],
    ['no sub', { sub: '' }, 'The assertion has no sub', 'claims'],
    [
      'a resource not a string',
      { resource: ['a', 'b'] },
      'The assertion has a malformed resource',
      'claims',
    ],
  ])('refuses %s with invalid_grant', (_case, change, description, reason) => {
    expect(refusal(() => checkAssertionClaims({ ...ID_JAG, ...change }, CONTEXT))).toEqual({
      error: 'invalid_grant',
      description,
      reason,
    });
  });

  it('allows a little clock skew either way', () => {
    expect(() =>
      checkAssertionClaims({ ...ID_JAG, exp: NOW - 10, iat: NOW + 10 }, CONTEXT),
    ).not.toThrow();
  });
});

describe('grantedScope: requested ∩ asserted ∩ issuer ∩ client', () => {
  const client = ['openid', 'profile', 'api'];

  it('intersects what was asked with every limit', () => {
    expect(grantedScope('profile api', { asserted: 'api openid', client })).toBe('api');
    expect(grantedScope('profile api', { issuer: ['profile'], client })).toBe('profile');
    expect(grantedScope('api api openid', { client: ['api'] })).toBe('api');
  });

  it('refuses the account scope asked for, whatever else is: invalid_scope', () => {
    for (const requested of ['account', 'api account']) {
      expect(refusal(() => grantedScope(requested, { client }))).toEqual({
        error: 'invalid_scope',
        description:
          'The account scope is never granted for an assertion: its token has no account here',
        reason: 'account_scope',
      });
    }
  });

  it("grants an API's own scopes (RESOURCE_SERVERS) asked for, or named by the assertion when nothing is", () => {
    const declared = ['notes:read', 'notes:write'];
    expect(grantedScope('api notes:read', { client, declared })).toBe('api notes:read');
    const nothing = {
      error: 'invalid_scope',
      description: 'None of the requested scopes can be granted for this assertion',
      reason: 'no_scope',
    };
    expect(
      refusal(() => grantedScope('notes:write', { asserted: 'notes:read', client, declared })),
    ).toEqual(nothing);
    expect(grantedScope(undefined, { asserted: 'api notes:read', client, declared })).toBe(
      'api notes:read',
    );
    // A workload JWT names no scope: nothing asks for an API's scope, so none is granted.
    expect(grantedScope(undefined, { client, declared })).toBe('openid profile api');
    expect(refusal(() => grantedScope('notes:read', { client }))).toEqual(nothing);
  });

  it("keeps within the client's registered scope (RFC 7591 §2), asked or not", () => {
    const declared = ['notes:read', 'notes:write'];
    const registered = ['notes:read'];
    expect(
      grantedScope(undefined, {
        asserted: 'api notes:read notes:write',
        client,
        declared,
        registered,
      }),
    ).toBe('notes:read');
    expect(refusal(() => grantedScope('api', { client, registered })).description).toBe(
      'None of the requested scopes can be granted for this assertion',
    );
  });

  it('grants all that is available when nothing is asked', () => {
    expect(grantedScope(undefined, { asserted: 'profile api account', client })).toBe(
      'profile api',
    );
    expect(grantedScope(undefined, { issuer: ['api'], client })).toBe('api');
  });

  it('refuses with invalid_scope when nothing is left', () => {
    expect(refusal(() => grantedScope('openid', { client: ['api'] }))).toMatchObject({
      error: 'invalid_scope',
      reason: 'no_scope',
    });
    expect(refusal(() => grantedScope('api', { asserted: 'profile', client }))).toMatchObject({
      error: 'invalid_scope',
    });
  });
});

describe('federatedSubject', () => {
  it('puts the sub under a key of its issuer: stable, and distinct per issuer', () => {
    const a = federatedSubject('https://idp-a.example', 'alice');
    expect(a).toMatch(/^jwt:[A-Za-z0-9_-]{16}:alice$/);
    expect(federatedSubject('https://idp-a.example', 'alice')).toBe(a);
    expect(federatedSubject('https://idp-b.example', 'alice')).not.toBe(a);
    // A sub that looks like a key of another issuer is still under its own issuer's key.
    expect(
      federatedSubject('https://idp-b.example', a).startsWith(
        federatedSubject('https://idp-b.example', ''),
      ),
    ).toBe(true);
  });
});

describe('workloadSubject: a kind of subject no user can have', () => {
  it('puts a workload under its issuer as wl:, where a user (an ID-JAG) is jwt:', () => {
    const workload = workloadSubject('https://idp-a.example', 'alice');
    expect(workload).toMatch(/^wl:[A-Za-z0-9_-]{16}:alice$/);
    expect(assertedSubject('workload', 'https://idp-a.example', 'alice')).toBe(workload);
    expect(assertedSubject('id-jag', 'https://idp-a.example', 'alice')).toBe(
      federatedSubject('https://idp-a.example', 'alice'),
    );
  });

  it('never equals a user subject, whatever the issuers and subs', () => {
    const issuers = ['https://idp-a.example', 'https://idp-b.example'];
    const subs = ['alice', '', 'jwt:x:alice', 'wl:x:alice', ':alice'];
    const users = issuers.flatMap((issuer) => subs.map((sub) => federatedSubject(issuer, sub)));
    for (const issuer of issuers) {
      for (const sub of [...subs, ...users]) {
        expect(users).not.toContain(workloadSubject(issuer, sub));
      }
    }
  });
});
