import type { AdminScope } from '../../protocol-rules/admin-scopes';
import { EnvReader } from '../env-reader';
import { ConfigError, clients, httpsOrigins } from '../env-parsers';
import { LogoutConfig } from './logout.config';
import { backchannelLogoutUriProblem } from '../../protocol-rules/backchannel-logout-uri';
import type { ClientProfile } from '../../protocol-rules/client-profile';
import { type ApplicationType, redirectUriProblem } from '../../protocol-rules/redirect-uri';
import type { RequestObjectSigningAlg } from '../../protocol-rules/request-object';
import { requestUrisProblem } from '../../protocol-rules/request-uris';
import type { SigningAlg } from '../../protocol-rules/signing-algs';
import { ServerConfig } from './server.config';
import { BOOLEAN, setting, settingsSection, choice, text, whole } from '../setting';
import type { AuthorizationDetailsType } from '../../protocol-rules/authorization-details';
import {
  DEMO_AUTHORIZATION_DETAILS_TYPES,
  readAuthorizationDetailsTypes,
} from '../authorization-details-types';

export interface ClientConfig {
  readonly clientId: string;
  /** Absent for public clients (token endpoint auth method `none`). */
  readonly clientSecret?: string;
  /**
   * The secret's scrypt hash, written beside it: the demo seed's only (its secret is published, so
   * its hash hides nothing), which saves a deliberately slow hash at every start.
   */
  readonly clientSecretHash?: string;
  readonly redirectUris: readonly string[];
  readonly name: string;
  /** RFC 8707 resources this client may ask tokens for, besides ACCESS_TOKEN_AUDIENCE. */
  readonly resources?: readonly string[];
  /** The operator's own application: no consent screen (`first_party` in OAUTH_CLIENTS). */
  readonly firstParty?: boolean;
  /** RFC 9449 §5.2 `dpop_bound_access_tokens`: token requests must carry a DPoP proof. */
  readonly dpopBoundAccessTokens?: boolean;
  /** RFC 9126 §6 `require_pushed_authorization_requests`. */
  readonly requirePushedAuthorizationRequests?: boolean;
  /** `require_pkce: false`: a confidential OpenID Connect client that may go without PKCE. */
  readonly requirePkce?: boolean;
  /** RFC 7591 §2 `grant_types`; absent: the browser grants (DEFAULT_GRANT_TYPES). */
  readonly grantTypes?: readonly string[];
  /**
   * RFC 7591 §2 `response_types` as the entry wrote them (registration metadata carries them);
   * held to what the grant types need at start. Absent: those, as RFC 7591 §2 defaults them.
   */
  readonly responseTypes?: readonly string[];
  /** RFC 7523 private_key_jwt: the public keys (JWK Set), or where they are published. */
  readonly jwks?: { readonly keys: ReadonlyArray<Record<string, unknown>> };
  readonly jwksUri?: string;
  /** OpenID Connect Registration §2 `request_object_signing_alg` (a key's algorithm). */
  readonly requestObjectSigningAlg?: RequestObjectSigningAlg;
  /** RFC 9101 §10.5 `require_signed_request_object`. */
  readonly requireSignedRequestObject?: boolean;
  /** OpenID Connect Registration §2 `request_uris`: request objects fetched by reference. */
  readonly requestUris?: readonly string[];
  /** OpenID Connect Registration §2 `id_token_signed_response_alg`; absent: TOKEN_SIGNING_ALG. */
  readonly idTokenSignedResponseAlg?: SigningAlg;
  /** OpenID Connect Registration §2 `userinfo_signed_response_alg`; absent: JSON at /userinfo. */
  readonly userinfoSignedResponseAlg?: SigningAlg;
  /** OpenID Connect RP-Initiated Logout 1.0 §3.1 `post_logout_redirect_uris`. */
  readonly postLogoutRedirectUris?: readonly string[];
  /** OpenID Connect Back-Channel Logout 1.0 §2.2 `backchannel_logout_uri` ... */
  readonly backchannelLogoutUri?: string;
  /** ... and `backchannel_logout_session_required`. */
  readonly backchannelLogoutSessionRequired?: boolean;
  /** CIBA Core 1.0 §4 `backchannel_client_notification_endpoint`: the ping mode. */
  readonly backchannelClientNotificationEndpoint?: string;
  /** A client profile whose rules it is held to (`profile` in OAUTH_CLIENTS: `fapi2`). */
  readonly profile?: ClientProfile;
  /** RFC 7591 §2 `logo_uri`, `policy_uri`, `tos_uri`: shown on the consent screen. */
  readonly logoUri?: string;
  readonly policyUri?: string;
  readonly tosUri?: string;
  /** Issue #77 `admin_scopes`: the admin API scopes it may get by client_credentials. */
  readonly adminScopes?: readonly AdminScope[];
  /** Issue #80 `ssf_receiver`: a Shared Signals receiver (the `ssf` scope by client_credentials). */
  readonly ssfReceiver?: boolean;
  /** RFC 7591 §2 `scope` (normalised): the only scopes it may ask for; absent, any. */
  readonly scope?: string;
  /**
   * OpenID Connect Registration §2 `application_type`; absent: a public client is native. Only
   * the demo seed sets it: `demo-client` runs on the developer's machine, as a native app does.
   */
  readonly applicationType?: ApplicationType;
}

const DEMO_AGENT_KID = 'demo-agent-1';
const DEMO_AGENT_PUBLIC_KEY = {
  x: 'Mmyx6zj42ELI3st5I0XOOgwObeFwEo_Ba7v_MFnd3x4',
  y: 'oh-OW8TzCXvoSj25n27oeB-mzYEltYCSv40EG_f-MJM',
};

/**
 * The demo clients of the lab this product grew from; seeded only when SEED_DEMO_DATA is on.
 * Each works whatever port the newcomer runs things on:
 * - `demo-client` keeps `http://localhost:25001/callback` (matched exactly: RFC 8252 §8.3 prefers
 *   127.0.0.1, but dev setups rely on localhost) and has `http://127.0.0.1:25001/callback`, which
 *   RFC 8252 §7.3 lets a native app use on any port: the demo client runs on the developer's
 *   machine, so it is registered as one (`native`) although it has a secret;
 * - `demo-spa` is public (a native app for §7.3): its 127.0.0.1 redirect takes any port;
 * - the MCP resource of `demo-client` and `demo-agent` is allowed on any port outside production
 *   (OAuthConfig.loopbackAnyPort).
 * Both browser clients are first-party: the lab, the demo client and the tests complete
 * /authorize with them and expect a code at once, with no consent step.
 */
export const DEMO_CLIENTS: readonly ClientConfig[] = [
  {
    clientId: 'demo-client',
    clientSecret: 'demo-secret',
    clientSecretHash:
      'scrypt$32768$8$1$sY6M92VTsDtVJnmvGMRC2g$ejVj1Ojz97jUWY-2eULahVZlichsX_5wWpi_U6q206A',
    redirectUris: ['http://localhost:25001/callback', 'http://127.0.0.1:25001/callback'],
    applicationType: 'native',
    name: 'Demo confidential client',
    // RFC 8707: the default resource of examples/mcp-server, so the demo client can get tokens
    // for it, and the attack lab can show such a token refused at /api/me (audience confusion).
    resources: ['http://localhost:25004/mcp'],
    firstParty: true,
  },
  {
    clientId: 'demo-spa',
    redirectUris: ['http://127.0.0.1:25002/callback'],
    name: 'Demo single-page app',
    firstParty: true,
  },
  {
    // A machine client (RFC 7523 private_key_jwt) for the attack lab's client-authentication and
    // CIBA rows and examples/agent. Its private key is published with them (a demo key, like demo-secret):
    // seeded only with SEED_DEMO_DATA, off in production.
    clientId: 'demo-agent',
    redirectUris: [],
    name: 'Demo agent',
    grantTypes: [
      'client_credentials',
      'urn:ietf:params:oauth:grant-type:token-exchange',
      'urn:ietf:params:oauth:grant-type:jwt-bearer',
      // The attack lab's CIBA rows: it asks a person, who approves with a proof.
      'urn:openid:params:grant-type:ciba',
    ],
    jwks: { keys: [{ kty: 'EC', crv: 'P-256', kid: DEMO_AGENT_KID, ...DEMO_AGENT_PUBLIC_KEY }] },
    resources: ['http://localhost:25004/mcp'],
    firstParty: true,
  },
  {
    // A second agent (client_secret_basic, its secret published like demo-secret) for the attack
    // lab's CIBA row where one client presents another's auth_req_id: CIBA is for confidential
    // clients only, and a newcomer's `npm start` has no initial access token to register one.
    clientId: 'demo-agent-2',
    clientSecret: 'demo-agent-2-secret',
    clientSecretHash:
      'scrypt$32768$8$1$TyTkVMveTnXLbewCQQCVPg$S_u0WdcsMKj7pcvZkiJzUoynyAfrvEqhT6O5n9aq-Gg',
    redirectUris: [],
    name: 'Demo second agent',
    grantTypes: ['urn:openid:params:grant-type:ciba'],
    firstParty: true,
  },
];

export const REGISTERED_CLIENT_RESOURCE_POLICIES = ['https', 'none'] as const;
/**
 * Which resources a public client that registered itself (POST /register, or a metadata
 * document) may ask tokens for, besides ACCESS_TOKEN_AUDIENCE: any `https:` resource, or none.
 */
export interface RegisteredClientResources {
  readonly policy: (typeof REGISTERED_CLIENT_RESOURCE_POLICIES)[number];
  /**
   * Also `http:` resources on a loopback host (127.0.0.1, [::1], localhost): a resource server
   * on the developer's machine. Outside production only.
   */
  readonly loopbackHttp: boolean;
}

export abstract class OAuthConfig {
  /** Registered clients, from OAUTH_CLIENTS plus the demo clients when seeding is on. */
  abstract readonly clients: readonly ClientConfig[];
  /** Seed the demo users and clients (known passwords): on by default outside production. */
  abstract readonly seedDemoData: boolean;
  /** Require `state` at /authorize (CSRF protection for clients that forget it). */
  abstract readonly requireState: boolean;
  abstract readonly sessionTtlSeconds: number;
  /**
   * How long a remembered consent lasts after the user last allowed the client: consents are
   * written for any signed-in subject, wallets included, so they must not pile up forever.
   */
  abstract readonly consentTtlDays: number;
  /**
   * The origins a client's logo (RFC 7591 `logo_uri`) may be shown from on the consent screen,
   * each an `https:` origin; the page's Content-Security-Policy lets its images come from the one
   * it shows. Empty (the default): no client's logo is ever shown, and the page loads nothing from
   * an origin a client chose.
   */
  abstract readonly consentLogoOrigins: readonly string[];
  /** RFC 8707 resources of clients that registered themselves (see ResourcePolicy). */
  abstract readonly registeredClientResources: RegisteredClientResources;
  /**
   * Outside production, where a developer's servers move from port to port: a client configured
   * with an `http:` resource on a loopback host may ask for it on any port of that host, and the
   * loopback IP origin of a configured native client's redirect URI may call the CORS endpoints
   * from any port (as RFC 8252 §7.3 lets its redirect URI). Never in production.
   */
  abstract readonly loopbackAnyPort: boolean;
  /**
   * The seeded demo clients (SEED_DEMO_DATA, less those OAUTH_CLIENTS replaces): a refusal of one
   * says how to get what was refused, for a newcomer who runs the examples.
   */
  abstract readonly demoClientIds: readonly string[];
  /**
   * RFC 9396 rich authorization requests: the `authorization_details` types clients may ask for,
   * each a JSON Schema of its objects and the template a person reads (AUTHORIZATION_DETAILS_TYPES).
   */
  abstract readonly authorizationDetailsTypes: Readonly<Record<string, AuthorizationDetailsType>>;
}

/** The settings this section reads, each declared once for its reader and the reference. */
export const OAUTH_SETTINGS = settingsSection(
  'OAuth',
  'The clients, the demo data, login sessions and consents.',
  {
    configuredClients: setting({
      name: 'OAUTH_CLIENTS',
      type: text('a JSON array', clients),
      default: { unset: 'none' },
      description:
        "The operator's clients: a JSON array of objects with the fields `client_id`, " +
        '`redirect_uris` and, optional, `client_secret`, `name`, `resources`, `first_party`, ' +
        '`dpop_bound_access_tokens`, `require_pushed_authorization_requests`, `require_pkce`, ' +
        '`grant_types`, `token_endpoint_auth_method`, `jwks`, `jwks_uri`, ' +
        '`post_logout_redirect_uris`, `backchannel_logout_uri`, ' +
        '`backchannel_logout_session_required`, `profile`, `request_object_signing_alg`, ' +
        '`require_signed_request_object`, `id_token_signed_response_alg`, ' +
        '`userinfo_signed_response_alg`, `request_uris`, `logo_uri`, `policy_uri`, `tos_uri`, `scope`, `response_types` (RFC 7591: only what `grant_types` imply), `admin_scopes` and `ssf_receiver` (a Shared Signals receiver, [Shared Signals](SHARED-SIGNALS.md)). ' +
        'Any other field stops the start (a misspelt one would be passed over). No secret means a ' +
        'public client.\n' +
        '\n' +
        '- `client_id`: 1-64 of `[A-Za-z0-9._-]`, not starting with `dcr_`.\n' +
        '- `resources`: the absolute URIs (no fragment) besides `ACCESS_TOKEN_AUDIENCE` the ' +
        'client may ask tokens for (RFC 8707).\n' +
        '- `redirect_uris`: `https:`, `http:` only on `127.0.0.1`, `[::1]` or `localhost`, or a ' +
        'reverse-domain private-use scheme (`com.example.app:/cb`); no fragment, no userinfo, ' +
        'written in normalised form (see [Redirect URIs](OAUTH.md#redirect-uris)).\n' +
        '- `"first_party": true` (default `false`) skips the [consent screen](OAUTH.md#consent).\n' +
        '- `"dpop_bound_access_tokens": true` refuses the client\'s token requests without a DPoP ' +
        'proof (RFC 9449 §5.2), `"require_pushed_authorization_requests": true` its ' +
        'authorization requests without PAR (RFC 9126 §6).\n' +
        '- `"require_pkce": false` (default `true`; a confidential client only) lets its OpenID ' +
        'Connect requests go without PKCE, relying on `nonce` (RFC 9700 §2.1.1; see [PKCE per ' +
        'client](OAUTH.md#pkce-per-client)).\n' +
        '- `"grant_types"`: RFC 7591 grant types (default `authorization_code`, ' +
        '`refresh_token`); `["client_credentials"]` for a confidential machine client, which ' +
        'then has no `redirect_uris`.\n' +
        '- `"token_endpoint_auth_method": "private_key_jwt"` with `"jwks"` (public keys) or ' +
        '`"jwks_uri"` and no secret: the client authenticates with RFC 7523 assertions (see ' +
        '[Machine clients](CLIENTS.md#machine-clients-client-credentials-and-private_key_jwt)); ' +
        'such a client may also register `"request_object_signing_alg"` and ' +
        '`"require_signed_request_object": true` for its request objects (see [Request ' +
        'objects](OAUTH.md#post-authorize-and-request-objects)).\n' +
        '- `"request_uris"`: where the client publishes request objects it passes by reference ' +
        '(`request_uri`, OpenID Connect Core §6.2): at most 10 `https:` URLs (`http:` outside ' +
        'production) of at most 512 characters; see [Request ' +
        'objects](OAUTH.md#post-authorize-and-request-objects).\n' +
        '- `"post_logout_redirect_uris"` (the rules of redirect URIs) and ' +
        '`"backchannel_logout_uri"` (https; http on a loopback host only outside production): ' +
        'RP-Initiated and Back-Channel Logout (see [Logout](OAUTH.md#logout)).\n' +
        '- `"id_token_signed_response_alg"`: `ES256` or `RS256`, the alg of the client\'s ID ' +
        'tokens and logout tokens (OpenID Connect Registration §2); unset, `TOKEN_SIGNING_ALG`.\n' +
        '- `"userinfo_signed_response_alg"`: `ES256` or `RS256`: `/userinfo` answers the client ' +
        'with a JWT signed with it (`application/jwt`, OpenID Connect Core §5.3.2); unset, JSON.\n' +
        '- `"logo_uri"`, `"policy_uri"`, `"tos_uri"`: `https:` URLs of the client\'s logo, privacy ' +
        'policy and terms of service (RFC 7591 §2), shown on the [consent screen](OAUTH.md#consent) ' +
        '(the logo only from an origin of `CONSENT_LOGO_ORIGINS`).\n' +
        '- `"profile": "fapi2"` holds a private_key_jwt client to the FAPI 2.0 Security Profile ' +
        '(see [FAPI 2.0 clients](CLIENTS.md#fapi-20-clients-profile-fapi2)).\n' +
        '- `"admin_scopes"`: `["admin:read"]` or `["admin:read", "admin:write"]` makes a confidential ' +
        '`client_credentials` client an admin client, which may get those scopes for the admin API ' +
        '(see [Administration](ADMINISTRATION.md#the-admin-api)); no other client ever can.\n' +
        '- `"scope"`: the only scopes the client may ask for, space-separated (RFC 7591 §2): this ' +
        "server's and those `RESOURCE_SERVERS` declares, never an admin scope or `ssf`; unset, " +
        'any (see [Scopes per client](CLIENTS.md#scopes-per-client)).\n' +
        '\n' +
        'Each start registers these clients in the database. A client taken out of the list is ' +
        'unknown to an instance started without it: `/token` refuses it, its live access tokens ' +
        'are refused at every resource, and its Shared Signals streams get nothing more. Its ' +
        'record, grants and streams stay (the start logs a warning naming it) until ' +
        '`proofgate-admin clients remove` deletes them; put back in the list, it is as it was ' +
        '(see [Clients](CLIENTS.md#configured-clients)).',
    }),
    seedDemoData: setting({
      name: 'SEED_DEMO_DATA',
      type: BOOLEAN,
      default: true,
      defaultNote: 'outside production, `false` in production',
      description: 'Seed the demo users and clients (known passwords).',
    }),
    requireState: setting({
      name: 'OAUTH_REQUIRE_STATE',
      type: BOOLEAN,
      default: true,
      description:
        'Require `state` at `/authorize` of a request without PKCE (a request with a ' +
        '`code_challenge` is protected against CSRF by PKCE, RFC 9700 §4.7.1).',
    }),
    sessionTtlSeconds: setting({
      name: 'SESSION_TTL_SECONDS',
      type: whole(60, 30 * 86_400),
      default: 8 * 3600,
      description: 'Login session lifetime.',
    }),
    consentTtlDays: setting({
      name: 'CONSENT_TTL_DAYS',
      type: whole(1, 3650),
      default: 365,
      description:
        'How long a remembered [consent](OAUTH.md#consent) lasts after the user last allowed the ' +
        'client; then the consent screen shows again.',
    }),
    consentLogoOrigins: setting({
      name: 'CONSENT_LOGO_ORIGINS',
      type: text('comma-separated https origins', httpsOrigins),
      default: { unset: 'none: no logo is shown' },
      description:
        "The origins (`https://cdn.example.com`) a client's logo (`logo_uri`) may come from: the " +
        '[consent screen](OAUTH.md#consent) shows a logo only from one of them, and its ' +
        "Content-Security-Policy then lets images come from that origin alone. Unset, no client's " +
        'logo is shown: the page never loads anything from an origin a client chose (a logo ' +
        'could track who is asked, and when).',
    }),
    policy: setting({
      name: 'REGISTERED_CLIENT_RESOURCES',
      type: choice(REGISTERED_CLIENT_RESOURCE_POLICIES),
      default: 'https',
      description:
        'RFC 8707 resources a **client that registered itself**, public or confidential (`POST ' +
        '/register` or a client ID metadata document), may ask tokens for besides ' +
        '`ACCESS_TOKEN_AUDIENCE`: `https` (any `https:` resource in normalised form, and outside ' +
        'production also `http:` on `127.0.0.1`, `[::1]` or `localhost`) or `none` ' +
        '(`invalid_target`). Configured clients keep to their `resources` (see [Resource ' +
        'indicators](OAUTH.md#resource-indicators)).',
    }),
    authorizationDetailsTypes: setting({
      name: 'AUTHORIZATION_DETAILS_TYPES',
      type: text('a JSON object', readAuthorizationDetailsTypes),
      default: {
        unset:
          'outside production the demo type `payment_initiation` (`{ amount, currency, creditor }`, ' +
          'src/config/authorization-details-types.ts), none in production',
      },
      description:
        'RFC 9396 rich authorization requests: `{ "<type>": { "schema": <JSON Schema>, ' +
        '"template": "Pay {{amount}} {{currency}} to {{creditor}}" } }`. A request\'s ' +
        '`authorization_details` objects must each be of a type here and valid by its schema ' +
        '(`invalid_authorization_details`); the consent and approval pages show each by its ' +
        'template (see [Rich authorization requests](OAUTH.md#rich-authorization-requests)).',
    }),
  },
);

export function readOAuthConfig(
  env: EnvReader,
  server: ServerConfig,
  logout: LogoutConfig,
): OAuthConfig {
  const seedDemoData = env.get(OAUTH_SETTINGS.declared.seedDemoData, !server.isProduction);
  const configuredClients = env.get(OAUTH_SETTINGS.declared.configuredClients, []);
  // Back-Channel Logout 1.0 §2.2: logout tokens are POSTed over https, unless the operator lets
  // them reach loopback and private addresses (BACKCHANNEL_LOGOUT_ALLOW_PRIVATE).
  configuredClients.forEach((client, index) => {
    const uri = client.backchannelLogoutUri;
    const problem =
      uri === undefined
        ? undefined
        : backchannelLogoutUriProblem(uri, { allowPrivate: logout.allowPrivate });
    if (problem) env.problem(`OAUTH_CLIENTS[${index}].backchannel_logout_uri ${problem}`);
    // OpenID Connect Core §6.2: request objects are fetched over https in production.
    const requestUris = requestUrisProblem(client.requestUris ?? [], {
      allowHttp: !server.isProduction,
    });
    if (requestUris) env.problem(`OAUTH_CLIENTS[${index}].${requestUris}`);
    // CIBA Core 1.0 §4: a ping endpoint is https; http on loopback only outside production.
    const ping = client.backchannelClientNotificationEndpoint;
    const pingProblem =
      ping === undefined || !server.isProduction
        ? undefined
        : backchannelLogoutUriProblem(ping, { allowPrivate: false });
    if (pingProblem) {
      env.problem(
        `OAUTH_CLIENTS[${index}].backchannel_client_notification_endpoint ${pingProblem}`,
      );
    }
  });
  const demoClients = seedDemoData ? env.read(() => checkDemoClients(DEMO_CLIENTS), []) : [];
  const registered = mergeClients(demoClients, configuredClients);
  return Object.freeze({
    clients: registered,
    seedDemoData,
    requireState: env.get(OAUTH_SETTINGS.declared.requireState),
    sessionTtlSeconds: env.get(OAUTH_SETTINGS.declared.sessionTtlSeconds),
    consentTtlDays: env.get(OAUTH_SETTINGS.declared.consentTtlDays),
    consentLogoOrigins: env.get(OAUTH_SETTINGS.declared.consentLogoOrigins, []),
    registeredClientResources: {
      policy: env.get(OAUTH_SETTINGS.declared.policy),
      loopbackHttp: !server.isProduction,
    },
    loopbackAnyPort: !server.isProduction,
    demoClientIds: demoClients
      .filter((demo) => registered.includes(demo))
      .map((demo) => demo.clientId),
    authorizationDetailsTypes: env.isSet(OAUTH_SETTINGS.declared.authorizationDetailsTypes)
      ? env.get(OAUTH_SETTINGS.declared.authorizationDetailsTypes, {})
      : server.isProduction
        ? {}
        : DEMO_AUTHORIZATION_DETAILS_TYPES,
  });
}

/** The demo seed obeys the rules OAUTH_CLIENTS does (a failure here is a bug, caught at boot). */
function checkDemoClients(demo: readonly ClientConfig[]): readonly ClientConfig[] {
  for (const client of demo) {
    for (const uri of client.redirectUris) {
      const problem = redirectUriProblem(uri);
      if (problem)
        throw new ConfigError(`Demo client ${client.clientId}: redirect_uris ${problem}`);
    }
  }
  return demo;
}

/** Configured clients replace demo clients of the same id. */
function mergeClients(
  demo: readonly ClientConfig[],
  configured: readonly ClientConfig[],
): ClientConfig[] {
  const ids = new Set(configured.map((c) => c.clientId));
  return [...demo.filter((c) => !ids.has(c.clientId)), ...configured];
}
