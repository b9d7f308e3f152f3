import { CROSS_ORIGIN_ENDPOINTS, type CrossOriginCallers } from '../clients/cross-origin.policy';
import type { AppConfig } from '../config/app-config';
import type { ChallengeModel } from './challenge-model';
import type { ClientUseDto } from './challenge-models.dto';

/** The settings the clients' uses are told with. */
export type ClientUseSettings = Pick<
  AppConfig,
  'registration' | 'clientMetadata' | 'wallet' | 'passkeys'
>;

/** RFC 7591 at POST /register, as this deployment runs it. */
function dynamicRegistration(config: ClientUseSettings): string {
  const { open, initialAccessToken } = config.registration;
  const withToken = initialAccessToken !== undefined;
  const state = open
    ? withToken
      ? 'open to public clients; confidential clients with the initial access token'
      : 'open to public clients'
    : withToken
      ? 'only with the initial access token'
      : 'off';
  return `dynamic client registration (RFC 7591, POST /register): ${state}`;
}

function metadataDocuments(config: ClientUseSettings): string {
  return `client ID metadata documents (an https client_id): ${config.clientMetadata.enabled ? 'on' : 'off'}`;
}

function onChains(ids: readonly (string | number)[]): string {
  return `on chain${ids.length === 1 ? '' : 's'} ${ids.join(', ')}`;
}

/** SIWE_CHAIN_IDS, and the chains whose SIWE_RPC_URLS let contract wallets sign in. */
function chains(config: ClientUseSettings): string {
  const withRpc = Object.keys(config.wallet.rpcUrls);
  return `wallets ${onChains(config.wallet.allowedChainIds)}; contract wallets (ERC-1271, ERC-6492) ${withRpc.length ? onChains(withRpc) : 'on no chain (no SIWE_RPC_URLS)'}`;
}

const ORIGINS_OF: Readonly<Record<CrossOriginCallers, string>> = {
  anyone: 'any origin',
  'registered clients': 'the origins of registered redirect URIs',
  'first-party public clients': 'the redirect origins of first-party public clients only',
};

/**
 * "CORS on POST /token, … for <origins>": the cross-origin endpoints under these paths, told
 * from the CORS policy itself so that the page cannot list other endpoints than it allows.
 */
function corsOn(paths: readonly string[]): string {
  const endpoints = CROSS_ORIGIN_ENDPOINTS.filter((endpoint) =>
    paths.some((path) => endpoint.path.startsWith(path)),
  );
  const named = endpoints.map((endpoint) => `${endpoint.methods.join('|')} ${endpoint.path}`);
  const list =
    named.length > 1 ? `${named.slice(0, -1).join(', ')} and ${named[named.length - 1]}` : named[0];
  const callers = [...new Set(endpoints.map((endpoint) => ORIGINS_OF[endpoint.callers]))];
  return `CORS on ${list} for ${callers.join(', ')}`;
}

/**
 * Which clients log users in through each model, and what they use: the protocol's reach,
 * with the live settings (registration, metadata documents, chains) read from configuration.
 */
export function clientUsesOf(model: ChallengeModel, config: ClientUseSettings): ClientUseDto[] {
  if (model === 'pkce') {
    return [
      {
        clients: 'browser single-page apps',
        through: [
          'a public client: no secret, PKCE is the proof (token_endpoint_auth_method none)',
          corsOn(['/token', '/par', '/revoke', '/api/']),
        ],
        standards: ['RFC 7636', 'RFC 9700 §2.6'],
      },
      {
        clients: 'native and CLI apps',
        through: [
          'a loopback redirect URI on any port (http://127.0.0.1 or [::1])',
          'a reverse-domain private-use scheme (com.example.app:/cb)',
        ],
        standards: ['RFC 8252'],
      },
      {
        clients: 'OpenID Connect relying parties',
        through: [
          'scope openid: an id_token with the code exchange',
          'GET /userinfo',
          'discovery at /.well-known/openid-configuration',
        ],
        standards: ['OpenID Connect Core 1.0', 'OpenID Connect Discovery 1.0'],
      },
      {
        clients: 'MCP clients',
        through: [
          'protected resource metadata (RFC 9728), named in the 401 of the resource',
          dynamicRegistration(config),
          metadataDocuments(config),
          'resource (RFC 8707) at /authorize and /token: the token audience',
        ],
        standards: [
          'RFC 9728',
          'RFC 7591',
          'draft-ietf-oauth-client-id-metadata-document',
          'RFC 8707',
        ],
      },
    ];
  }
  if (model === 'passkey') {
    return [
      {
        clients: 'single-page and first-party apps, directly',
        through: [
          'POST /passkeys/authentication/options, then POST /passkeys/authentication/verify with the assertion: the token response',
          `relying party ${config.passkeys.rpId}, origins ${config.passkeys.origins.join(', ')}`,
          'a passkey is added with an account-scoped token of a recent login (POST /passkeys/registration/*)',
          corsOn(['/passkeys/authentication/']),
        ],
        standards: ['WebAuthn Level 3', 'RFC 9470'],
      },
      {
        clients: 'OpenID Connect relying parties',
        through: [
          '"Sign in with a passkey" on the login page of an authorization code + PKCE flow',
          'the id_token says amr pop (possession of a key), and user when the authenticator verified the user',
        ],
        standards: ['WebAuthn Level 3', 'OpenID Connect Core 1.0', 'RFC 8176'],
      },
    ];
  }
  if (model === 'siws') {
    return [
      {
        clients: 'Solana dApps, directly',
        through: [
          'POST /wallet/nonce with chainId solana:..., then POST /wallet/verify with the signed message: the token response',
          `clusters ${config.wallet.solanaChains.map((cluster) => cluster.name).join(', ')} (SIWS_CHAINS)`,
          corsOn(['/wallet/']),
        ],
        standards: ['CAIP-122', 'CAIP-10', 'Wallet Standard'],
      },
      {
        clients: 'OpenID Connect relying parties',
        through: [
          '"Sign in with Solana" on the login page of an authorization code + PKCE flow (POST /login/siwe)',
          'the id_token says amr ["siws"], sub solana:<genesis reference>:<address>',
        ],
        standards: ['CAIP-122', 'OpenID Connect Core 1.0', 'RFC 7636'],
      },
    ];
  }
  return [
    {
      clients: 'dApps, directly',
      through: [
        'POST /wallet/nonce, then POST /wallet/verify with the signed message: the token response',
        chains(config),
        corsOn(['/wallet/']),
      ],
      standards: ['EIP-4361', 'EIP-191', 'CAIP-10'],
    },
    {
      clients: 'OpenID Connect relying parties',
      through: [
        '"Sign in with Ethereum" on the login page of an authorization code + PKCE flow (POST /login/siwe)',
        'the id_token says amr ["siwe"], sub eip155:<chainId>:<address>',
      ],
      standards: ['EIP-4361', 'OpenID Connect Core 1.0', 'RFC 7636'],
    },
  ];
}
