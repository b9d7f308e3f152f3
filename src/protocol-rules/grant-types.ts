/**
 * What registering a grant type commits a client to, one row per grant the token endpoint has.
 * POST /register, client ID metadata documents, OAUTH_CLIENTS and the admin CLI all check a
 * client's `grant_types` here (`grantTypesProblem`), so a grant added to the server is one row,
 * never a rule repeated in four places.
 */
export interface GrantTypeRule {
  /**
   * RFC 7591 §2.1: the grant starts at the authorization endpoint, so the client needs
   * `redirect_uris` and the `code` response type. A grant without it (client credentials, a
   * JWT bearer assertion, a device code) needs neither.
   */
  readonly usesAuthorizationEndpoint: boolean;
  /**
   * Only a client that authenticates may use it (RFC 6749 §4.4: "MUST only be used by
   * confidential clients"): a public client registering it is refused.
   */
  readonly confidentialOnly: boolean;
  /**
   * The grant issues refresh tokens: `refresh_token` is registrable only beside such a grant
   * (alone it could never be used).
   */
  readonly issuesRefreshTokens: boolean;
}

/** RFC 8628 §3.4: the grant type a device client polls /token with. */
export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

/** CIBA Core 1.0 §4: the grant type a client polls /token with for a backchannel request. */
export const CIBA_GRANT_TYPE = 'urn:openid:params:grant-type:ciba';

export const GRANT_TYPE_RULES = {
  authorization_code: {
    usesAuthorizationEndpoint: true,
    confidentialOnly: false,
    issuesRefreshTokens: true,
  },
  refresh_token: {
    usesAuthorizationEndpoint: false,
    confidentialOnly: false,
    issuesRefreshTokens: false,
  },
  // RFC 6749 §4.4.3: no refresh token.
  client_credentials: {
    usesAuthorizationEndpoint: false,
    confidentialOnly: true,
    issuesRefreshTokens: false,
  },
  // RFC 8628: public clients too (a CLI has no secret); the user signs in at /device.
  [DEVICE_CODE_GRANT_TYPE]: {
    usesAuthorizationEndpoint: false,
    confidentialOnly: false,
    issuesRefreshTokens: true,
  },
  // RFC 8693: a client's own access token for a narrower one; `act` names the client, so it must
  // authenticate. No refresh token.
  'urn:ietf:params:oauth:grant-type:token-exchange': {
    usesAuthorizationEndpoint: false,
    confidentialOnly: true,
    issuesRefreshTokens: false,
  },
  // RFC 7523 §2.1 (an ID-JAG, MCP enterprise-managed authorization; or a workload JWT): the
  // ID-JAG draft has the client authenticate when it presents the assertion, which names it.
  'urn:ietf:params:oauth:grant-type:jwt-bearer': {
    usesAuthorizationEndpoint: false,
    confidentialOnly: true,
    issuesRefreshTokens: false,
  },
  // CIBA Core 1.0 §4, §7.1: the client authenticates at the backchannel endpoint; the person
  // approves elsewhere (the account page), so nothing comes back through a redirect.
  [CIBA_GRANT_TYPE]: {
    usesAuthorizationEndpoint: false,
    confidentialOnly: true,
    issuesRefreshTokens: true,
  },
} as const satisfies Record<string, GrantTypeRule>;

export type RegistrableGrantType = keyof typeof GRANT_TYPE_RULES;

/** The grants a client may register: those the server implements. */
export const REGISTRABLE_GRANT_TYPES = Object.keys(GRANT_TYPE_RULES) as RegistrableGrantType[];

/** RFC 7591 §2 `response_types`: the one the authorization endpoint answers. */
export const REGISTRABLE_RESPONSE_TYPES = ['code'] as const;

function ruleOf(grantType: string): GrantTypeRule | undefined {
  return Object.hasOwn(GRANT_TYPE_RULES, grantType)
    ? GRANT_TYPE_RULES[grantType as RegistrableGrantType]
    : undefined;
}

/** Whether only a client that authenticates may use `grantType` (its row's `confidentialOnly`). */
export function isConfidentialOnly(grantType: string): boolean {
  return ruleOf(grantType)?.confidentialOnly === true;
}

/** Whether any of `grantTypes` starts at the authorization endpoint (needs redirect URIs). */
export function usesAuthorizationEndpoint(grantTypes: readonly string[]): boolean {
  return grantTypes.some((grantType) => ruleOf(grantType)?.usesAuthorizationEndpoint === true);
}

/** RFC 7591 §2: the response types a client registering these grants gets when it names none. */
export function defaultResponseTypes(grantTypes: readonly string[]): string[] {
  return usesAuthorizationEndpoint(grantTypes) ? ['code'] : [];
}

/** The client as far as its grant types constrain it. */
export interface GrantTypeSubject {
  readonly grantTypes: readonly string[];
  /** Whether the client authenticates at the token endpoint (a secret or a key). */
  readonly confidential: boolean;
  readonly redirectUris: readonly string[];
  readonly responseTypes: readonly string[];
}

/** Which registered field is inconsistent, and why (the value itself is never echoed). */
export interface GrantTypeProblem {
  readonly field: 'grant_types' | 'redirect_uris' | 'response_types';
  readonly problem: string;
}

/**
 * RFC 7591 §2.1: the grant types, response types and redirect URIs a client registers must
 * agree, and the grants be ones this server has and the client may use. Undefined when they do.
 */
export function grantTypesProblem(subject: GrantTypeSubject): GrantTypeProblem | undefined {
  const { grantTypes, confidential, redirectUris, responseTypes } = subject;
  if (grantTypes.length === 0) {
    return { field: 'grant_types', problem: 'must name at least one grant type' };
  }
  const unsupported = grantTypes.find((grantType) => ruleOf(grantType) === undefined);
  if (unsupported !== undefined) {
    return {
      field: 'grant_types',
      problem: `may contain only ${REGISTRABLE_GRANT_TYPES.join(', ')}`,
    };
  }
  if (
    grantTypes.includes('refresh_token') &&
    !grantTypes.some((grantType) => ruleOf(grantType)?.issuesRefreshTokens === true)
  ) {
    const issuers = REGISTRABLE_GRANT_TYPES.filter((g) => GRANT_TYPE_RULES[g].issuesRefreshTokens);
    return {
      field: 'grant_types',
      problem: `with refresh_token must include a grant that issues refresh tokens (${issuers.join(', ')})`,
    };
  }
  if (!confidential) {
    const confidentialOnly = grantTypes.find((grantType) => ruleOf(grantType)?.confidentialOnly);
    if (confidentialOnly !== undefined) {
      return {
        field: 'grant_types',
        problem: `${confidentialOnly} is for confidential clients only: a public client (token_endpoint_auth_method "none") cannot use it`,
      };
    }
  }
  if (usesAuthorizationEndpoint(grantTypes)) {
    if (redirectUris.length === 0) {
      return {
        field: 'redirect_uris',
        problem: 'must name at least one redirect URI',
      };
    }
    if (!responseTypes.includes('code')) {
      return {
        field: 'response_types',
        problem: 'must include code',
      };
    }
    return undefined;
  }
  // No grant here comes back to the client through a redirect: nothing may be registered for one.
  if (redirectUris.length > 0) {
    return {
      field: 'redirect_uris',
      problem: 'must be empty: none of the grant types uses the authorization endpoint',
    };
  }
  if (responseTypes.length > 0) {
    return {
      field: 'response_types',
      problem: 'must be empty: none of the grant types uses the authorization endpoint',
    };
  }
  return undefined;
}
