/**
 * What registering a grant type commits a client to. Each grant declares its own in its file
 * (`registration` of its GrantEntry, oauth/token/grants/); the token endpoint's grant list derives
 * the table (GRANT_TYPE_RULES, oauth/token/token-grants.ts) and hands it down to POST /register,
 * client ID metadata documents, OAUTH_CLIENTS' start-up check and the admin CLI, which all check a
 * client's `grant_types` with `grantTypesProblem`: a grant added to the server is one file and
 * one line, never a rule repeated in four places.
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
  /**
   * The client asks a person it names (CIBA's login_hint), who is prompted wherever they are:
   * only a client the operator vouches for may register it (OAUTH_CLIENTS, the admin CLI, or
   * POST /register with the initial access token, which a confidential client needs anyway),
   * never a client ID metadata document, which anyone on the internet can publish.
   */
  readonly operatorRegisteredOnly?: boolean;
}

/**
 * A machine grant's rules (client credentials, a JWT bearer assertion, a token exchange): the
 * client asks for itself or an actor it names, so it never visits the authorization endpoint,
 * it must authenticate, and it gets no refresh token (it can ask again).
 */
export const MACHINE_GRANT_RULE: GrantTypeRule = {
  usesAuthorizationEndpoint: false,
  confidentialOnly: true,
  issuesRefreshTokens: false,
};

/** RFC 8628 §3.4: the grant type a device client polls /token with. */
export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

/** CIBA Core 1.0 §4: the grant type a client polls /token with for a backchannel request. */
export const CIBA_GRANT_TYPE = 'urn:openid:params:grant-type:ciba';

/** RFC 8693 §2.1: the grant type of a token exchange. */
export const TOKEN_EXCHANGE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';

/**
 * The grants of a client that registered none (one the operator configured without
 * `grantTypes`): the browser grants only. Every grant added later (client credentials, device
 * code, JWT bearer, token exchange) is opt-in: a client gets it only by registering it, so a new
 * grant never opens silently for the clients already there.
 */
export const DEFAULT_GRANT_TYPES: readonly string[] = ['authorization_code', 'refresh_token'];

/** The rules of the grant types a client may register (those the server implements), by type. */
export type GrantTypeRules = Readonly<Record<string, GrantTypeRule>>;

/** The grant types a client may register: those of `rules`, in their order. */
export function registrableGrantTypes(rules: GrantTypeRules): string[] {
  return Object.keys(rules);
}

/** RFC 7591 §2 `response_types`: the one the authorization endpoint answers. */
export const REGISTRABLE_RESPONSE_TYPES = ['code'] as const;

function ruleOf(grantType: string, rules: GrantTypeRules): GrantTypeRule | undefined {
  return Object.hasOwn(rules, grantType) ? rules[grantType] : undefined;
}

/** Whether only a client that authenticates may use `grantType` (its rule's `confidentialOnly`). */
export function isConfidentialOnly(grantType: string, rules: GrantTypeRules): boolean {
  return ruleOf(grantType, rules)?.confidentialOnly === true;
}

/** The first of `grantTypes` that only an operator-registered client may hold, if any. */
export function operatorOnlyGrantType(
  grantTypes: readonly string[],
  rules: GrantTypeRules,
): string | undefined {
  return grantTypes.find((type) => ruleOf(type, rules)?.operatorRegisteredOnly === true);
}

/** Whether any of `grantTypes` starts at the authorization endpoint (needs redirect URIs). */
export function usesAuthorizationEndpoint(
  grantTypes: readonly string[],
  rules: GrantTypeRules,
): boolean {
  return grantTypes.some((type) => ruleOf(type, rules)?.usesAuthorizationEndpoint === true);
}

/** RFC 7591 §2: the response types a client registering these grants gets when it names none. */
export function defaultResponseTypes(
  grantTypes: readonly string[],
  rules: GrantTypeRules,
): string[] {
  return usesAuthorizationEndpoint(grantTypes, rules) ? ['code'] : [];
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
export function grantTypesProblem(
  subject: GrantTypeSubject,
  rules: GrantTypeRules,
): GrantTypeProblem | undefined {
  const { grantTypes, confidential, redirectUris, responseTypes } = subject;
  if (grantTypes.length === 0) {
    return { field: 'grant_types', problem: 'must name at least one grant type' };
  }
  const unsupported = grantTypes.find((grantType) => ruleOf(grantType, rules) === undefined);
  if (unsupported !== undefined) {
    return {
      field: 'grant_types',
      problem: `may contain only ${registrableGrantTypes(rules).join(', ')}`,
    };
  }
  if (
    grantTypes.includes('refresh_token') &&
    !grantTypes.some((grantType) => ruleOf(grantType, rules)?.issuesRefreshTokens === true)
  ) {
    const issuers = registrableGrantTypes(rules).filter((type) => rules[type].issuesRefreshTokens);
    return {
      field: 'grant_types',
      problem: `with refresh_token must include a grant that issues refresh tokens (${issuers.join(', ')})`,
    };
  }
  if (!confidential) {
    const confidentialOnly = grantTypes.find((type) => ruleOf(type, rules)?.confidentialOnly);
    if (confidentialOnly !== undefined) {
      return {
        field: 'grant_types',
        problem: `${confidentialOnly} is for confidential clients only: a public client (token_endpoint_auth_method "none") cannot use it`,
      };
    }
  }
  if (usesAuthorizationEndpoint(grantTypes, rules)) {
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

/** A client the operator registers (OAUTH_CLIENTS, the admin CLI), as far as its grants go. */
export interface ConfiguredGrantTypeSubject {
  readonly grantTypes: readonly string[];
  readonly confidential: boolean;
  readonly redirectUris: readonly string[];
  /** RFC 7591 §2 response_types, when the entry names them. */
  readonly responseTypes?: readonly string[];
}

/**
 * `grantTypesProblem` for a client the operator registers: its response types as its entry
 * wrote them, else those its grants need (RFC 7591 §2's default). Its grant types are taken once
 * each.
 */
export function configuredGrantTypesProblem(
  client: ConfiguredGrantTypeSubject,
  rules: GrantTypeRules,
): GrantTypeProblem | undefined {
  const grantTypes = [...new Set(client.grantTypes)];
  const responseTypes = client.responseTypes ?? defaultResponseTypes(grantTypes, rules);
  return grantTypesProblem({ ...client, grantTypes, responseTypes }, rules);
}
