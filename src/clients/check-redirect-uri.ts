import { LOOPBACK_IP_HOSTS, isSameLoopbackUriOnAnyPort } from '../protocol-rules/loopback-port';
import type { OAuthClient } from './oauth-client';

type RedirectClient = Pick<OAuthClient, 'type' | 'redirectUris' | 'applicationType'>;

/**
 * Whether the client is a native app (RFC 8252): registered with `application_type` `native`,
 * or, for clients that never said (configured ones), a public client.
 */
export function isNativeClient(client: Pick<OAuthClient, 'type' | 'applicationType'>): boolean {
  return client.applicationType ? client.applicationType === 'native' : client.type === 'public';
}

/**
 * RFC 9700 §4.1.3 (and OAuth 2.1 §2.3.1): a redirect URI is registered when it equals one of the
 * client's URIs as a string. The only exception, RFC 8252 §7.3: a native app registered with a
 * loopback IP literal (`http://127.0.0.1` or `http://[::1]`, with or without a port) may use any
 * port there, since it listens on an ephemeral one; the path and query stay exact. Not
 * `localhost` (§8.3: it may resolve elsewhere), not `https:`, and not a web client (a web server
 * has a fixed address).
 */
export function isRegisteredRedirectUri(client: RedirectClient, requested: string): boolean {
  if (client.redirectUris.includes(requested)) return true;
  if (!isNativeClient(client)) return false;
  return client.redirectUris.some((uri) =>
    isSameLoopbackUriOnAnyPort(uri, requested, LOOPBACK_IP_HOSTS),
  );
}
