import { isDeepStrictEqual } from 'node:util';
import type { ClientConfig } from '../config/sections/oauth.config';
import {
  clientPageFields,
  signedResponseAlgFields,
  logoutFields,
  requestObjectFields,
  type OAuthClient,
} from './oauth-client';

/** What an operator's configuration says of a client: every field but its id, type and secret. */
const CONFIGURED_FIELDS = [
  'name',
  'redirectUris',
  'resources',
  'firstParty',
  'dpopBoundAccessTokens',
  'requirePushedAuthorizationRequests',
  'requirePkce',
  'grantTypes',
  'jwks',
  'jwksUri',
  'profile',
  'applicationType',
  'requestObjectSigningAlg',
  'requireSignedRequestObject',
  'requestUris',
  'idTokenSignedResponseAlg',
  'userinfoSignedResponseAlg',
  'postLogoutRedirectUris',
  'backchannelLogoutUri',
  'backchannelLogoutSessionRequired',
  'backchannelClientNotificationEndpoint',
  'logoUri',
  'policyUri',
  'tosUri',
  'adminScopes',
  'ssfReceiver',
  'scope',
] as const satisfies readonly (keyof OAuthClient & keyof ClientConfig)[];

export type ConfiguredClientFields = Pick<OAuthClient, (typeof CONFIGURED_FIELDS)[number]>;

/**
 * The client an operator's configuration describes (an OAUTH_CLIENTS entry, or the admin CLI's,
 * both checked by clientEntry), as the registry stores it whoever stores it: defaults absent,
 * and copies, so that the stored client shares no array with the configuration.
 */
export function configuredClientFields(entry: ClientConfig): ConfiguredClientFields {
  return {
    name: entry.name,
    redirectUris: [...entry.redirectUris],
    ...(entry.resources?.length ? { resources: [...entry.resources] } : {}),
    ...(entry.firstParty ? { firstParty: true } : {}),
    ...(entry.dpopBoundAccessTokens ? { dpopBoundAccessTokens: true } : {}),
    ...(entry.requirePushedAuthorizationRequests
      ? { requirePushedAuthorizationRequests: true }
      : {}),
    ...(entry.requirePkce === false ? { requirePkce: false } : {}),
    ...(entry.grantTypes ? { grantTypes: [...entry.grantTypes] } : {}),
    ...(entry.jwks ? { jwks: { keys: entry.jwks.keys.map((key) => ({ ...key })) } } : {}),
    ...(entry.jwksUri ? { jwksUri: entry.jwksUri } : {}),
    ...(entry.profile ? { profile: entry.profile } : {}),
    ...(entry.applicationType ? { applicationType: entry.applicationType } : {}),
    ...requestObjectFields(entry),
    ...signedResponseAlgFields(entry),
    ...logoutFields(entry),
    ...(entry.backchannelClientNotificationEndpoint
      ? { backchannelClientNotificationEndpoint: entry.backchannelClientNotificationEndpoint }
      : {}),
    ...clientPageFields(entry),
    ...(entry.adminScopes?.length ? { adminScopes: [...entry.adminScopes] } : {}),
    ...(entry.ssfReceiver ? { ssfReceiver: true } : {}),
    ...(entry.scope === undefined ? {} : { scope: entry.scope }),
  };
}

/**
 * Whether `stored` already is `client`: the same type, secret, mark and configured fields. (Strict:
 * a value of another realm, as structuredClone makes under jest, is another value.)
 */
export function sameConfiguredClient(stored: OAuthClient, client: OAuthClient): boolean {
  return (['type', 'secrets', 'configured', ...CONFIGURED_FIELDS] as const).every((field) =>
    isDeepStrictEqual(stored[field], client[field]),
  );
}
