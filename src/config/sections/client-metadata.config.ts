import { EnvReader } from '../env-reader';
import { dnsServers, pemCertificates } from '../env-parsers';
import { ServerConfig } from './server.config';

/** Client ID metadata documents (draft-ietf-oauth-client-id-metadata-document). */
export abstract class ClientMetadataConfig {
  /** An https `client_id` is fetched as the client's metadata document. */
  abstract readonly enabled: boolean;
  /**
   * Fetch documents from private, loopback and link-local addresses, and over plain http: for
   * tests and development only (refused in production, where it would open an SSRF hole).
   */
  abstract readonly allowPrivate: boolean;
  /**
   * CLIENT_METADATA_CA_FILE: PEM certificates trusted for document fetches besides Node's
   * built-in roots (client documents served under a private PKI). Unset: the built-in roots.
   */
  abstract readonly extraCaCertificates?: readonly string[];
  /**
   * CLIENT_METADATA_DNS_SERVERS: the DNS servers document hosts are resolved with (c-ares, not
   * the operating system's getaddrinfo). Unset: the system's, from /etc/resolv.conf.
   */
  abstract readonly dnsServers?: readonly string[];
}

export function readClientMetadataConfig(
  env: EnvReader,
  server: ServerConfig,
): ClientMetadataConfig {
  const allowPrivate = env.bool('CLIENT_METADATA_ALLOW_PRIVATE', false);
  if (allowPrivate && server.isProduction) {
    env.problem(
      'CLIENT_METADATA_ALLOW_PRIVATE=true is refused when NODE_ENV=production (it lets a client_id make the server fetch internal addresses)',
    );
  }
  const extraCaCertificates = env.read(
    (e) => pemCertificates(e, 'CLIENT_METADATA_CA_FILE'),
    undefined,
  );
  const servers = env.read((e) => dnsServers(e, 'CLIENT_METADATA_DNS_SERVERS'), undefined);
  return Object.freeze({
    enabled: env.bool('CLIENT_METADATA_DOCUMENTS', true),
    allowPrivate,
    ...(extraCaCertificates ? { extraCaCertificates } : {}),
    ...(servers ? { dnsServers: servers } : {}),
  });
}
