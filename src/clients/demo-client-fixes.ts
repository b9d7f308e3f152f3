import type { OAuthConfig } from '../config/sections/oauth.config';
import {
  LOOPBACK_HOSTS,
  LOOPBACK_IP_HOSTS,
  isLoopbackHttpUri,
  onAnyPort,
} from '../protocol-rules/loopback-port';
import { isNativeClient } from './check-redirect-uri';
import type { OAuthClient } from './oauth-client';

/** What a refusal names: the parameter refused. */
export type DemoClientRefusal = 'redirect_uri' | 'resource';

type DemoClient = Pick<
  OAuthClient,
  'clientId' | 'type' | 'applicationType' | 'redirectUris' | 'resources'
>;

const OWN_CLIENT: Readonly<Record<DemoClientRefusal, string>> = {
  redirect_uri: '--redirect-uri <URI>',
  resource: '--resource <URI>',
};

/**
 * What a refusal of a seeded demo client (SEED_DEMO_DATA) adds to its error_description: what the
 * client takes, and how to get anything else. A newcomer running the examples meets these
 * clients first, on whatever ports they chose. Their settings are published demo data (the
 * source, the README), so naming them tells nobody anything new; no other client's refusal
 * names its registration. Empty for every other client.
 */
export function demoClientFix(
  oauth: Pick<OAuthConfig, 'demoClientIds' | 'loopbackAnyPort'>,
  client: DemoClient,
  refused: DemoClientRefusal,
): string {
  if (!oauth.demoClientIds.includes(client.clientId)) return '';
  const takes = refused === 'redirect_uri' ? redirectUris(client) : resources(client, oauth);
  const besides = refused === 'resource' ? ' besides the default' : '';
  const allowed = takes.length > 0 ? `${refused} ${takes.join(' or ')}` : `no ${refused}`;
  return (
    `. ${client.clientId} (demo data) takes ${allowed}${besides}; for another, add a client of your own: ` +
    `npm run admin -- clients add <id> ${OWN_CLIENT[refused]} (docs/ADMINISTRATION.md), or OAUTH_CLIENTS`
  );
}

/** RFC 8252 §7.3: a native client's loopback IP redirect URIs on any port, others as they are. */
function redirectUris(client: DemoClient): string[] {
  const native = isNativeClient(client);
  return client.redirectUris.map((uri) =>
    native && isLoopbackHttpUri(uri, LOOPBACK_IP_HOSTS) ? onAnyPort(uri) : uri,
  );
}

/** Its resources besides the default one; a loopback one on any port where that is allowed. */
function resources(client: DemoClient, oauth: Pick<OAuthConfig, 'loopbackAnyPort'>): string[] {
  return (client.resources ?? []).map((uri) =>
    oauth.loopbackAnyPort && isLoopbackHttpUri(uri, LOOPBACK_HOSTS) ? onAnyPort(uri) : uri,
  );
}
