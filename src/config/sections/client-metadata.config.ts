import { EnvReader } from '../env-reader';
import { dnsServers, pemCertificates } from '../env-parsers';
import { ServerConfig } from './server.config';
import { BOOLEAN, setting, settingsSection, text } from '../setting';

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

/** The settings this section reads, each declared once for its reader and the reference. */
export const CLIENT_METADATA_SETTINGS = settingsSection(
  'Client ID metadata documents',
  "An `https:` `client_id` fetched as the client's metadata document (see " +
    '[Clients](CLIENTS.md#client-id-metadata-documents)).',
  {
    enabled: setting({
      name: 'CLIENT_METADATA_DOCUMENTS',
      type: BOOLEAN,
      default: true,
      description:
        "An `https:` `client_id` is the URL of the client's metadata document " +
        '(draft-ietf-oauth-client-id-metadata-document), fetched and cached.',
    }),
    allowPrivate: setting({
      name: 'CLIENT_METADATA_ALLOW_PRIVATE',
      type: BOOLEAN,
      default: false,
      description:
        'Development and tests only, refused in production: fetch metadata documents from ' +
        'loopback, private and link-local addresses, and over `http:`.',
    }),
    extraCaCertificates: setting({
      name: 'CLIENT_METADATA_CA_FILE',
      type: text('a file path', pemCertificates),
      default: { unset: 'none' },
      description:
        "Path to a PEM file of CA certificates trusted, besides Node's built-in roots, when " +
        'fetching client metadata documents (clients whose documents are served under a private ' +
        'PKI). Read and checked at boot (under Docker Compose, a path inside the container: ' +
        'mount the file); applies to those fetches only, with host name verification kept.',
    }),
    dnsServers: setting({
      name: 'CLIENT_METADATA_DNS_SERVERS',
      type: text('comma-separated IP addresses, with optional ports', dnsServers),
      default: { unset: "the system's servers (`/etc/resolv.conf`)" },
      description:
        'DNS servers the hosts of client metadata documents are resolved with ' +
        '(`192.0.2.53,[2001:db8::53]:5353`). Queried with c-ares (`dns.Resolver`), never the ' +
        "system's `getaddrinfo`, after `/etc/hosts` and `localhost` (loopback); search domains " +
        'do not apply.',
    }),
  },
);

export function readClientMetadataConfig(
  env: EnvReader,
  server: ServerConfig,
): ClientMetadataConfig {
  const allowPrivate = env.get(CLIENT_METADATA_SETTINGS.declared.allowPrivate);
  if (allowPrivate && server.isProduction) {
    env.problem(
      'CLIENT_METADATA_ALLOW_PRIVATE=true is refused when NODE_ENV=production (it lets a client_id make the server fetch internal addresses)',
    );
  }
  const extraCaCertificates = env.get(
    CLIENT_METADATA_SETTINGS.declared.extraCaCertificates,
    undefined,
  );
  const servers = env.get(CLIENT_METADATA_SETTINGS.declared.dnsServers, undefined);
  return Object.freeze({
    enabled: env.get(CLIENT_METADATA_SETTINGS.declared.enabled),
    allowPrivate,
    ...(extraCaCertificates ? { extraCaCertificates } : {}),
    ...(servers ? { dnsServers: servers } : {}),
  });
}
