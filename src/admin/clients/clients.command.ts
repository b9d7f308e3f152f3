import { clientJson, clientRemovedJson, secretJson } from './client-json';
import { cliCall } from '../io/cli-call';
import { ADMIN_SCOPES, type AdminScope } from '../../protocol-rules/admin-scopes';
import { InvalidArgumentError, type Command } from 'commander';
import { readFileSync } from 'node:fs';
import type { ClientJwks } from '../../clients/oauth-client';
import { GRANT_TYPE_RULES } from '../../oauth/token/token-grants';
import { registrableGrantTypes } from '../../protocol-rules/grant-types';
import {
  CLIENT_PROFILES,
  FAPI2_MAX_CODE_LIFETIME_SECONDS,
  FAPI2_SIGNING_ALGS,
  type ClientProfile,
} from '../../protocol-rules/client-profile';
import { REQUEST_OBJECT_SIGNING_ALGS } from '../../protocol-rules/request-object';
import { SIGNING_ALGS } from '../../protocol-rules/signing-algs';
import { UsageError } from '../admin.errors';
import { answer, answerRows, type CommandDeps } from '../io/command-output';
import { type Column, formatDate, renderFields, renderTable } from '../io/output';
import { parseDuration } from '../io/duration';
import { definedFields } from '../io/defined-fields';
import {
  ClientAdministration,
  type ClientSecretView,
  type NewClient,
  type NewKeys,
  type RegisteredClient,
} from './client-administration.service';

/** `--grant-type`'s choices: the grants the service has (their rules are checked by the service). */
const REGISTRABLE_GRANT_TYPES = registrableGrantTypes(GRANT_TYPE_RULES);

function clientFields(client: RegisteredClient): Array<readonly [string, string]> {
  return [
    ['client_id', client.clientId],
    ['name', client.name],
    ['type', client.type],
    ['redirect URIs', client.redirectUris.join(' ') || '-'],
    ...(client.resources.length ? [['resources', client.resources.join(' ')] as const] : []),
    ['grant types', client.grantTypes.join(' ')],
    ['authentication', client.tokenEndpointAuthMethod],
    ...(client.jwks ? [['keys', keysSummary(client.jwks.keys)] as const] : []),
    ...(client.jwksUri ? [['jwks_uri', client.jwksUri] as const] : []),
    ['first party', client.firstParty ? 'yes' : 'no'],
    ...(client.dpopBoundAccessTokens ? [['DPoP proofs', 'required'] as const] : []),
    ...(client.requirePushedAuthorizationRequests
      ? [['pushed requests', 'required'] as const]
      : []),
    // Only where it may ask at /authorize: a machine or CIBA client has no authorization request.
    ...(client.grantTypes.includes('authorization_code')
      ? [
          [
            'PKCE',
            client.requirePkce
              ? 'required'
              : 'optional for OpenID Connect requests (nonce instead)',
          ] as const,
        ]
      : []),
    ...(client.requestObjectSigningAlg || client.requireSignedRequestObject
      ? [['request objects', requestObjectsSummary(client)] as const]
      : []),
    ...(client.requestUris.length ? [['request URIs', client.requestUris.join(' ')] as const] : []),
    ...(client.idTokenSignedResponseAlg
      ? [['ID tokens', `signed with ${client.idTokenSignedResponseAlg}`] as const]
      : []),
    ...(client.userinfoSignedResponseAlg
      ? [['UserInfo', `a JWT signed with ${client.userinfoSignedResponseAlg}`] as const]
      : []),
    ...(client.postLogoutRedirectUris.length
      ? [['post-logout URIs', client.postLogoutRedirectUris.join(' ')] as const]
      : []),
    ...(client.backchannelLogoutUri
      ? [['back-channel logout', client.backchannelLogoutUri] as const]
      : []),
    ...(client.backchannelClientNotificationEndpoint
      ? [['CIBA ping', client.backchannelClientNotificationEndpoint] as const]
      : []),
    ...(client.profile ? [['profile', profileSummary(client.profile)] as const] : []),
    ...(client.authorizationDetailsTypes
      ? [['authorization details', client.authorizationDetailsTypes.join(' ')] as const]
      : []),
    ...(client.logoUri ? [['logo', client.logoUri] as const] : []),
    ...(client.policyUri ? [['privacy policy', client.policyUri] as const] : []),
    ...(client.tosUri ? [['terms of service', client.tosUri] as const] : []),
    ...(client.adminScopes.length
      ? [['admin API', `may get ${client.adminScopes.join(' ')}`] as const]
      : []),
    ...(client.ssfReceiver ? [['shared signals', 'a receiver: may get ssf'] as const] : []),
    ...(client.scope ? [['scope', `may ask for ${client.scope} only`] as const] : []),
    ['source', client.source],
    ...(client.registeredAt ? [['registered', client.registeredAt.toISOString()] as const] : []),
    ...(client.registeredWithInitialAccessToken
      ? [['registered with', 'the initial access token (errors go back to it)'] as const]
      : []),
    ...(client.registeredAt ? [['last used', formatDate(client.lastUsedAt)] as const] : []),
    ...(client.expiresAt
      ? [
          [
            'expires',
            `${formatDate(client.expiresAt)}${client.expired ? ' (expired)' : ''}`,
          ] as const,
        ]
      : []),
  ];
}

/**
 * What the client registered for its request objects (RFC 9101): whether every authorization
 * request must be one, and the one algorithm it signs them with.
 */
function requestObjectsSummary(client: RegisteredClient): string {
  const signed = client.requestObjectSigningAlg
    ? `signed with ${client.requestObjectSigningAlg}`
    : 'signed';
  return client.requireSignedRequestObject
    ? `required for every authorization request, ${signed}`
    : `${signed} (unsigned ones refused)`;
}

/** The profile and what it holds the client to, in one line. */
function profileSummary(profile: ClientProfile): string {
  return `${profile} (FAPI 2.0 Security Profile: private_key_jwt, PAR and DPoP required, codes of at most ${FAPI2_MAX_CODE_LIFETIME_SECONDS} s, ${FAPI2_SIGNING_ALGS.join('/')} only)`;
}

/** A JWK Set in one line: each key's kid (or type and curve) and alg. */
function keysSummary(keys: ReadonlyArray<Record<string, unknown>>): string {
  return keys
    .map((key) => {
      const name =
        typeof key.kid === 'string'
          ? key.kid
          : `${String(key.kty)}${typeof key.crv === 'string' ? ` ${key.crv}` : ''}`;
      return typeof key.alg === 'string' ? `${name} (${key.alg})` : name;
    })
    .join(', ');
}

/**
 * The keys named by --jwks-file (a JSON JWK Set of public keys) or --jwks-uri; exactly one.
 * The file is read here; what it holds is checked with the rules of OAUTH_CLIENTS' `jwks`.
 */
function keysFrom(options: { jwksFile?: string; jwksUri?: string }): NewKeys | undefined {
  if (options.jwksFile !== undefined && options.jwksUri !== undefined) {
    throw new UsageError('name --jwks-file or --jwks-uri, not both');
  }
  if (options.jwksUri !== undefined) return { jwksUri: options.jwksUri };
  if (options.jwksFile === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(options.jwksFile, 'utf8');
  } catch {
    throw new UsageError(`cannot read --jwks-file ${options.jwksFile}`);
  }
  try {
    return {
      jwks: JSON.parse(text) as ClientJwks,
    };
  } catch {
    throw new UsageError(
      `--jwks-file ${options.jwksFile} is not JSON (a JWK Set: {"keys": [...]})`,
    );
  }
}

const SECRET_COLUMNS: readonly Column<ClientSecretView>[] = [
  { header: 'ID', cell: (secret) => secret.id },
  // Unknown for the one secret an earlier release stored.
  { header: 'CREATED', cell: (secret) => formatDate(secret.createdAt) },
  {
    header: 'EXPIRES',
    cell: (secret) =>
      secret.expiresAt
        ? `${formatDate(secret.expiresAt)}${secret.expired ? ' (expired)' : ''}`
        : 'never',
  },
];

const CLIENT_COLUMNS: readonly Column<RegisteredClient>[] = [
  { header: 'CLIENT ID', cell: (client) => client.clientId },
  { header: 'TYPE', cell: (client) => client.type },
  { header: 'NAME', cell: (client) => client.name },
  { header: 'FIRST PARTY', cell: (client) => (client.firstParty ? 'yes' : 'no') },
  { header: 'SOURCE', cell: (client) => client.source },
  { header: 'REDIRECT URIS', cell: (client) => client.redirectUris.join(' ') || '-' },
];

/** Registered clients with their lifecycle: when they came, were last used, and go. */
const REGISTERED_CLIENT_COLUMNS: readonly Column<RegisteredClient>[] = [
  { header: 'CLIENT ID', cell: (client) => client.clientId },
  { header: 'NAME', cell: (client) => client.name },
  { header: 'CREATED', cell: (client) => formatDate(client.registeredAt) },
  { header: 'LAST USED', cell: (client) => formatDate(client.lastUsedAt) },
  {
    header: 'EXPIRES',
    cell: (client) => `${formatDate(client.expiresAt)}${client.expired ? ' (expired)' : ''}`,
  },
  { header: 'REDIRECT URIS', cell: (client) => client.redirectUris.join(' ') || '-' },
];

async function listRegistered(
  deps: CommandDeps,
  command: Command,
  expiredOnly: boolean,
): Promise<void> {
  const list = await deps.withContext((app) =>
    app.get(ClientAdministration).listRegistered(expiredOnly),
  );
  answerRows(deps, command, list, REGISTERED_CLIENT_COLUMNS, clientJson);
}

function nonNegativeDays(value: string): number {
  const days = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(days)) {
    throw new InvalidArgumentError('expected a whole number of days');
  }
  return days;
}

/** `clients prune`: delete expired registered clients (and, on request, long-unused ones). */
function registerPruneCommand(clients: Command, deps: CommandDeps): void {
  clients
    .command('prune')
    .description(
      'delete the registered clients (POST /register) that expired, and revoke their grants',
    )
    .option(
      '--unused-days <days>',
      'also those without a token for this many days',
      nonNegativeDays,
    )
    .option('--dry-run', 'only list the clients that would be deleted')
    .action(async (options: { unusedDays?: number; dryRun?: boolean }, command: Command) => {
      const dryRun = options.dryRun === true;
      const { clients: pruned, grantsRevoked } = await deps.withContext((app) =>
        app.get(ClientAdministration).prune(
          {
            dryRun,
            ...(options.unusedDays !== undefined ? { unusedDays: options.unusedDays } : {}),
          },
          cliCall(),
        ),
      );
      const human = dryRun
        ? `Would delete ${pruned.length} registered client(s).\n`
        : `Deleted ${pruned.length} registered client(s); revoked ${grantsRevoked} grant(s).\n`;
      answer(
        deps,
        command,
        pruned.length ? `${human}${renderTable(REGISTERED_CLIENT_COLUMNS, pruned)}` : human,
        {
          dry_run: dryRun,
          deleted: dryRun ? 0 : pruned.length,
          grants_revoked: grantsRevoked,
          clients: pruned.map(clientJson),
        },
      );
    });
}

/** The secret once, and how to keep it: it is not stored anywhere it can be read back from. */
function secretNotice(client: RegisteredClient, secret: string): string {
  return (
    renderFields([...clientFields(client), ['client_secret', secret]]) +
    'The secret is shown this once and stored only as a hash: keep it now.\n'
  );
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** A repeatable option whose values are one of `choices` (commander's `choices` keeps one). */
function collectOneOf(choices: readonly string[]) {
  return (value: string, previous: string[] = []) => {
    if (!choices.includes(value)) {
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}`);
    }
    return [...previous, value];
  };
}

export function registerClientsCommands(program: Command, deps: CommandDeps): void {
  const clients = program.command('clients').description('registered OAuth clients');

  clients
    .command('add')
    .description('register a client; a confidential one gets a generated secret, shown once')
    .argument('<client_id>', '1-64 characters of [A-Za-z0-9._-]')
    .option(
      '--redirect-uri <uri>',
      'a redirect URI (repeat for several); required unless every grant type is one without redirects (client_credentials)',
      collect,
    )
    .option('--public', 'a public client (no secret: PKCE only, e.g. a SPA or native app)')
    .option('--name <name>', 'display name (default: the client_id)')
    .option('--first-party', 'record the client as your own application (no consent screen)')
    .option(
      '--resource <uri>',
      'RFC 8707: a resource (API) it may ask tokens for besides ACCESS_TOKEN_AUDIENCE (repeat for several)',
      collect,
    )
    .option(
      '--grant-type <type>',
      `RFC 7591 grant_types: ${REGISTRABLE_GRANT_TYPES.join(' or ')} ` +
        '(repeat for several; default: authorization_code and refresh_token; without refresh_token it gets no refresh token; ' +
        'client_credentials for a confidential machine client, with no redirect URI)',
      collectOneOf(REGISTRABLE_GRANT_TYPES),
    )
    .option(
      '--dpop-bound-access-tokens',
      'RFC 9449: refuse its token requests without a DPoP proof (no bearer tokens)',
    )
    .option(
      '--require-pushed-authorization-requests',
      'RFC 9126: accept its authorization requests only through POST /par',
    )
    .option(
      '--no-require-pkce',
      'a confidential client whose OpenID Connect requests (scope openid) may go without PKCE, relying on nonce (RFC 9700 §2.1.1); refused with --public',
    )
    .option(
      '--request-object-signing-alg <alg>',
      `OpenID Connect Registration §2: sign every request object (RFC 9101) with this algorithm, ${REQUEST_OBJECT_SIGNING_ALGS.join(', ')}, by a key of --jwks-file or --jwks-uri; unsigned ones are refused`,
    )
    .option(
      '--request-uri <uri>',
      'OpenID Connect Registration §2 request_uris: where it publishes request objects it passes by reference (request_uri at /authorize; https, http only outside production; repeat for several)',
      collect,
    )
    .option(
      '--id-token-signed-response-alg <alg>',
      `OpenID Connect Registration §2: sign its ID tokens and logout tokens with ${SIGNING_ALGS.join(' or ')} (default: TOKEN_SIGNING_ALG)`,
    )
    .option(
      '--userinfo-signed-response-alg <alg>',
      `OpenID Connect Registration §2: answer it at /userinfo with a JWT signed with ${SIGNING_ALGS.join(' or ')} (default: JSON)`,
    )
    .option(
      '--require-signed-request-object',
      'RFC 9101 §10.5: accept its authorization requests only as signed request objects (request), verified with the keys of --jwks-file or --jwks-uri',
    )
    .option(
      '--token-endpoint-auth-method <method>',
      'private_key_jwt (RFC 7523): the client signs assertions with its own key, given by --jwks-file or --jwks-uri, and gets no secret',
      (value: string) => {
        if (value !== 'private_key_jwt') {
          throw new InvalidArgumentError(
            'expected private_key_jwt (a secret is the default, --public means none)',
          );
        }
        return value;
      },
    )
    .option(
      '--jwks-file <path>',
      "private_key_jwt: a JSON file with the client's public keys (a JWK Set)",
    )
    .option(
      '--jwks-uri <uri>',
      'private_key_jwt: the https URL where the client publishes its public keys',
    )
    .option(
      '--post-logout-redirect-uri <uri>',
      'OpenID Connect RP-Initiated Logout: where /end_session may send the browser back to (repeat for several; the rules of --redirect-uri)',
      collect,
    )
    .option(
      '--backchannel-logout-uri <uri>',
      'OpenID Connect Back-Channel Logout: where logout tokens are POSTed (https; http on a loopback host outside production)',
    )
    .option(
      '--ciba-ping <uri>',
      'CIBA ping mode (with --grant-type urn:openid:params:grant-type:ciba): the backchannel_client_notification_endpoint told when the person answered (https; http on a loopback host outside production)',
    )
    .option(
      '--authorization-details-type <type>',
      'RFC 9396: an authorization_details type of AUTHORIZATION_DETAILS_TYPES the client may ask for (repeat for several; default: any configured type)',
      collect,
    )
    .option(
      '--logo-uri <uri>',
      'RFC 7591: the https URL of its logo, shown on the consent screen when its origin is one of CONSENT_LOGO_ORIGINS',
    )
    .option(
      '--policy-uri <uri>',
      'RFC 7591: the https URL of its privacy policy, a link on the consent screen',
    )
    .option(
      '--tos-uri <uri>',
      'RFC 7591: the https URL of its terms of service, a link on the consent screen',
    )
    .option(
      '--admin-scope <scope>',
      `an admin client (the admin API, /admin/v1): an admin scope it may get for itself by client_credentials, ${ADMIN_SCOPES.join(' or ')} (repeat for both; with --grant-type client_credentials)`,
      collectOneOf(ADMIN_SCOPES),
    )
    .option(
      '--scope <scopes>',
      "RFC 7591: the only scopes it may ask for, space-separated (this server's and those RESOURCE_SERVERS declares); unset, any",
    )
    .option(
      '--ssf-receiver',
      'a Shared Signals receiver (/ssf): it may get the ssf scope for itself by client_credentials and manage its own streams (with --grant-type client_credentials)',
    )
    .option(
      '--profile <profile>',
      `hold the client to a profile: ${CLIENT_PROFILES.join(', ')} (FAPI 2.0 Security Profile: a private_key_jwt client, PAR and DPoP required, codes of at most ${FAPI2_MAX_CODE_LIFETIME_SECONDS} s, PS256/ES256/EdDSA only)`,
      (value: string) => {
        if (!(CLIENT_PROFILES as readonly string[]).includes(value)) {
          throw new InvalidArgumentError(`expected one of ${CLIENT_PROFILES.join(', ')}`);
        }
        return value as ClientProfile;
      },
    )
    .action(
      async (
        clientId: string,
        options: {
          redirectUri?: string[];
          public?: boolean;
          name?: string;
          firstParty?: boolean;
          resource?: string[];
          grantType?: string[];
          dpopBoundAccessTokens?: boolean;
          requirePushedAuthorizationRequests?: boolean;
          /** Commander's `--no-require-pkce`: true unless the flag is given. */
          requirePkce: boolean;
          requestObjectSigningAlg?: string;
          requireSignedRequestObject?: boolean;
          requestUri?: string[];
          idTokenSignedResponseAlg?: string;
          userinfoSignedResponseAlg?: string;
          tokenEndpointAuthMethod?: string;
          jwksFile?: string;
          jwksUri?: string;
          postLogoutRedirectUri?: string[];
          backchannelLogoutUri?: string;
          cibaPing?: string;
          authorizationDetailsType?: string[];
          profile?: ClientProfile;
          logoUri?: string;
          policyUri?: string;
          tosUri?: string;
          adminScope?: AdminScope[];
          ssfReceiver?: boolean;
          scope?: string;
        },
        command: Command,
      ) => {
        const keys = keysFrom(options);
        if ((options.tokenEndpointAuthMethod === 'private_key_jwt') !== (keys !== undefined)) {
          throw new UsageError(
            '--token-endpoint-auth-method private_key_jwt goes with --jwks-file or --jwks-uri (and they with it)',
          );
        }
        // Only a client whose grants never redirect (client_credentials) may have no redirect URI.
        if (options.redirectUri === undefined && options.grantType === undefined) {
          throw new UsageError(
            "required option '--redirect-uri <uri>' not specified (a client without one names its --grant-type, e.g. client_credentials)",
          );
        }
        const { client, secret } = await deps.withContext((app) =>
          app.get(ClientAdministration).add(
            {
              clientId,
              redirectUris: options.redirectUri ?? [],
              public: options.public === true,
              firstParty: options.firstParty === true,
              dpopBoundAccessTokens: options.dpopBoundAccessTokens === true,
              requirePushedAuthorizationRequests:
                options.requirePushedAuthorizationRequests === true,
              ...(options.requirePkce ? {} : { requirePkce: false }),
              ...(options.requireSignedRequestObject ? { requireSignedRequestObject: true } : {}),
              // Checked by the service with the rules of OAUTH_CLIENTS and POST /register.
              ...definedFields<NewClient, typeof options>(options, {
                name: 'name',
                resources: 'resource',
                grantTypes: 'grantType',
                requestObjectSigningAlg: 'requestObjectSigningAlg',
                requestUris: 'requestUri',
                idTokenSignedResponseAlg: 'idTokenSignedResponseAlg',
                userinfoSignedResponseAlg: 'userinfoSignedResponseAlg',
                postLogoutRedirectUris: 'postLogoutRedirectUri',
                backchannelLogoutUri: 'backchannelLogoutUri',
                backchannelClientNotificationEndpoint: 'cibaPing',
                profile: 'profile',
                authorizationDetailsTypes: 'authorizationDetailsType',
                logoUri: 'logoUri',
                policyUri: 'policyUri',
                tosUri: 'tosUri',
                adminScopes: 'adminScope',
                scope: 'scope',
              }),
              ...(options.ssfReceiver === true ? { ssfReceiver: true } : {}),
              ...keys,
            },
            cliCall(),
          ),
        );
        const human =
          secret === undefined
            ? `Registered ${client.type} client ${client.clientId}.\n${renderFields(clientFields(client))}`
            : `Registered confidential client ${client.clientId}.\n${secretNotice(client, secret)}`;
        answer(deps, command, human, {
          ...clientJson(client),
          ...(secret !== undefined ? { client_secret: secret } : {}),
        });
      },
    );

  clients
    .command('list')
    .description('every registered client')
    .option(
      '--registered',
      'only clients that registered themselves, with created, last used, expiry',
    )
    .option('--expired', 'only registered clients past their expiry (see `clients prune`)')
    .action(async (options: { registered?: boolean; expired?: boolean }, command: Command) => {
      if (options.registered || options.expired) {
        await listRegistered(deps, command, options.expired === true);
        return;
      }
      const list = await deps.withContext((app) => app.get(ClientAdministration).list());
      answerRows(deps, command, list, CLIENT_COLUMNS, clientJson);
    });

  clients
    .command('show')
    .description('one client (never its secret)')
    .argument('<client_id>')
    .action(async (clientId: string, _options: unknown, command: Command) => {
      const client = await deps.withContext((app) => app.get(ClientAdministration).show(clientId));
      answer(deps, command, renderFields(clientFields(client)), clientJson(client));
    });

  clients
    .command('remove')
    .description('delete a client, revoke its grants and delete its Shared Signals streams')
    .argument('<client_id>')
    .action(async (clientId: string, _options: unknown, command: Command) => {
      const removed = await deps.withContext((app) =>
        app.get(ClientAdministration).remove(clientId, cliCall()),
      );
      const streams =
        removed.streamsRemoved === 0 ? '' : `; deleted ${removed.streamsRemoved} stream(s)`;
      answer(
        deps,
        command,
        `Removed client ${clientId}; revoked ${removed.grantsRevoked} grant(s)${streams}.\n`,
        clientRemovedJson(clientId, removed),
      );
    });

  registerPruneCommand(clients, deps);

  clients
    .command('set-jwks')
    .description(
      "replace a private_key_jwt client's public keys (RFC 7523): a key rotation; assertions of the old keys are refused once the client cache lets go (CLIENT_CACHE_TTL_SECONDS)",
    )
    .argument('<client_id>')
    .option('--jwks-file <path>', 'a JSON file with the new public keys (a JWK Set)')
    .option('--jwks-uri <uri>', 'the https URL where the client now publishes its public keys')
    .action(
      async (
        clientId: string,
        options: { jwksFile?: string; jwksUri?: string },
        command: Command,
      ) => {
        const keys = keysFrom(options);
        if (keys === undefined) throw new UsageError('name --jwks-file or --jwks-uri');
        const client = await deps.withContext((app) =>
          app.get(ClientAdministration).setKeys(clientId, keys, cliCall()),
        );
        answer(
          deps,
          command,
          `New keys for ${client.clientId}.\n${renderFields(clientFields(client))}`,
          clientJson(client),
        );
      },
    );

  clients
    .command('rotate-secret')
    .description(
      'a new secret for a confidential client, shown once; the previous one stops working at once, or after --overlap',
    )
    .argument('<client_id>')
    .option(
      '--overlap <duration>',
      'how long the previous secret keeps working beside the new one: 0 (the default: at once, as a leak needs) or e.g. 90m, 24h, 7d (at most CLIENT_SECRET_OVERLAP_MAX_SECONDS); an older secret stops at once',
      parseDuration,
      0,
    )
    .action(async (clientId: string, options: { overlap: number }, command: Command) => {
      const added = await deps.withContext((app) =>
        app
          .get(ClientAdministration)
          .addSecret(clientId, { previousExpiresIn: options.overlap }, cliCall()),
      );
      const previous = added.secrets.find((secret) => secret.id !== added.id);
      answer(
        deps,
        command,
        `New secret for ${added.client.clientId}.\n${secretNotice(added.client, added.secret)}` +
          (previous?.expiresAt
            ? `The previous secret (${previous.id}) works until ${formatDate(previous.expiresAt)}.\n`
            : 'The previous secret no longer works.\n'),
        {
          ...clientJson(added.client),
          client_secret: added.secret,
          secret_id: added.id,
          secrets: added.secrets.map(secretJson),
        },
      );
    });

  clients
    .command('secrets')
    .description("a confidential client's secrets: id, created, expires (never a value)")
    .argument('<client_id>')
    .action(async (clientId: string, _options: unknown, command: Command) => {
      const secrets = await deps.withContext((app) =>
        app.get(ClientAdministration).listSecrets(clientId),
      );
      answerRows(deps, command, secrets, SECRET_COLUMNS, secretJson);
    });
}
