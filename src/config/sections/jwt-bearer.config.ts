import { ConfigError, type Env, jsonList, quotedUrl, unknownFieldsProblem } from '../env-parsers';
import { EnvReader } from '../env-reader';
import { ServerConfig } from './server.config';
import { setting, settingsSection, text } from '../setting';
import { operatorUrlProblem } from '../../protocol-rules/operator-url';

/** An issuer whose JWTs the JWT-bearer grant (RFC 7523 §2.1) accepts, and on what terms. */
export interface TrustedJwtIssuer {
  /** The `iss` its assertions carry, compared exactly. */
  readonly issuer: string;
  /** Where its public keys are (a JWK Set), fetched through the SSRF guard and cached. */
  readonly jwksUri: string;
  /** The `aud` its assertions must name; absent: this server's ISSUER. */
  readonly audience?: string;
  /** The most its assertions may yield; absent: any scope the server has. */
  readonly scopes?: readonly string[];
  /**
   * The clients that may present its workload JWTs naming no client (no `client_id` or `azp`);
   * absent: a workload JWT must name the client presenting it. ID-JAGs always name theirs.
   */
  readonly clients?: readonly string[];
}

/** RFC 7523 §2.1 JWT-bearer grant: the issuers trusted (JWT_BEARER_ISSUERS). */
export abstract class JwtBearerConfig {
  /** Empty: the grant has no issuer to trust, and refuses every assertion. */
  abstract readonly issuers: readonly TrustedJwtIssuer[];
}

const FIELDS = new Set(['issuer', 'jwks_uri', 'audience', 'scopes', 'clients']);
/** A client_id: an operator's, a dynamic one or a metadata document's URL; no space or control. */
const CLIENT_ID = /^[\x21-\x7E]{1,2000}$/;
/** RFC 6749 §3.3 scope-token. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** The settings this section reads, each declared once for its reader and the reference. */
export const JWT_BEARER_SETTINGS = settingsSection(
  'JWT-bearer grant',
  'RFC 7523 §2.1 (see [JWT-bearer ' +
    'grant](OAUTH.md#jwt-bearer-grant-enterprise-managed-authorization)).',
  {
    issuers: setting({
      name: 'JWT_BEARER_ISSUERS',
      type: text('a JSON array'),
      default: { unset: 'none (every assertion is refused)' },
      description:
        'Issuers trusted by the JWT-bearer grant (the MCP enterprise-managed authorization ' +
        'ID-JAG and workload JWTs): a JSON array of `{ "issuer", "jwks_uri", "audience"?, ' +
        '"scopes"?: [...], "clients"?: [...] }`. Checked at start, every entry\'s problem on a ' +
        'line of its own.\n' +
        '\n' +
        "- `issuer`: the assertions' `iss`.\n" +
        '- `jwks_uri`: where its public keys are (`https:`; `http:` only on `127.0.0.1`, `[::1]` ' +
        'or `localhost` and outside production), fetched through the same SSRF guard as client ' +
        'metadata documents, held to the same key rules, and cached.\n' +
        '- `audience`: the `aud` its assertions must carry, as a single string (default ' +
        '`ISSUER`).\n' +
        '- `scopes`: the most its assertions may yield (default any).\n' +
        '- `clients`: the clients that may present its workload JWTs that name no client ' +
        '(`client_id`/`azp`; default none: a workload JWT must name the client presenting it).',
    }),
  },
);

export function readJwtBearerConfig(env: EnvReader, server: ServerConfig): JwtBearerConfig {
  return Object.freeze({
    issuers: env.read(
      (e) => trustedIssuers(e, JWT_BEARER_SETTINGS.declared.issuers.name, server.isProduction),
      [],
    ),
  });
}

/**
 * JWT_BEARER_ISSUERS: a JSON array of `{ "issuer", "jwks_uri", "audience"?, "scopes"?,
 * "clients"? }`.
 * `jwks_uri` is https; plain http only on a loopback host and outside production (a developer's
 * or a test's local issuer). Every entry's problems are reported at once.
 */
export function trustedIssuers(env: Env, name: string, production: boolean): TrustedJwtIssuer[] {
  return jsonList(
    env,
    name,
    'a JSON array of { "issuer", "jwks_uri", "audience"?, "scopes"?, "clients"? }',
    (entry, where, earlier) => {
      const issuer = trustedIssuer(entry, where, production);
      if (earlier.some((other) => other.issuer === issuer.issuer)) {
        throw new ConfigError(`${where}.issuer is listed twice`);
      }
      return issuer;
    },
  );
}

function trustedIssuer(entry: unknown, where: string, production: boolean): TrustedJwtIssuer {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new ConfigError(`${where} must be an object { "issuer", "jwks_uri", ... }`);
  }
  const fields = entry as Record<string, unknown>;
  const unknown = unknownFieldsProblem(fields, FIELDS);
  if (unknown !== undefined) throw new ConfigError(`${where}${unknown}`);
  const { issuer, jwks_uri: jwksUri, audience, scopes, clients } = fields;
  if (typeof issuer !== 'string' || issuer.trim() === '' || issuer.length > 2000) {
    throw new ConfigError(`${where}.issuer must be a non-empty string (the assertions' iss)`);
  }
  if (typeof jwksUri !== 'string') {
    throw new ConfigError(`${where}.jwks_uri must be a URL string`);
  }
  const problem = operatorUrlProblem(jwksUri, production);
  if (problem) throw new ConfigError(`${where}.jwks_uri ${problem}, got "${quotedUrl(jwksUri)}"`);
  if (audience !== undefined && (typeof audience !== 'string' || audience.trim() === '')) {
    throw new ConfigError(`${where}.audience must be a non-empty string`);
  }
  if (
    scopes !== undefined &&
    (!Array.isArray(scopes) ||
      !scopes.every((scope) => typeof scope === 'string' && SCOPE_TOKEN.test(scope)))
  ) {
    throw new ConfigError(`${where}.scopes must be an array of scope values`);
  }
  if (
    clients !== undefined &&
    (!Array.isArray(clients) ||
      clients.length === 0 ||
      !clients.every((client) => typeof client === 'string' && CLIENT_ID.test(client)))
  ) {
    throw new ConfigError(
      `${where}.clients must be a non-empty array of client_ids (the clients that may present its workload JWTs naming no client)`,
    );
  }
  return {
    issuer,
    jwksUri,
    ...(audience === undefined ? {} : { audience }),
    ...(scopes === undefined ? {} : { scopes: [...new Set(scopes as string[])] }),
    ...(clients === undefined ? {} : { clients: [...new Set(clients as string[])] }),
  };
}
