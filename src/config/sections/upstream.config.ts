import { type JsonWebKey, type KeyObject, createPrivateKey } from 'node:crypto';
import { ConfigError, type Env, jsonList, quotedUrl, unknownFieldsProblem } from '../env-parsers';
import { EnvReader } from '../env-reader';
import { ServerConfig } from './server.config';
import { setting, settingsSection, text, whole } from '../setting';
import { operatorUrlProblem } from '../../protocol-rules/operator-url';

/** How Proofgate authenticates to a provider's token endpoint, as its registered client. */
export type UpstreamClientAuth =
  | { readonly method: 'client_secret'; readonly secret: string }
  /** RFC 7523 §2.2 private_key_jwt with this private JWK (RFC 7517; `kty` RSA, EC or OKP). */
  | { readonly method: 'private_key_jwt'; readonly jwk: Readonly<Record<string, unknown>> };

interface UpstreamProviderBase {
  /** In its paths (`/login/upstream/{id}`) and its method keys (`upstream:{id}:{sub}`). */
  readonly id: string;
  /** On the login page: "Sign in with {name}". */
  readonly name: string;
  readonly clientId: string;
  readonly clientAuth: UpstreamClientAuth;
  /** The scope values asked for (an OpenID Connect provider's include `openid`). */
  readonly scopes: readonly string[];
}

/** An OpenID Connect provider, its endpoints and keys found by discovery from its issuer. */
export interface OidcUpstreamProvider extends UpstreamProviderBase {
  readonly kind: 'oidc';
  /** Its Issuer Identifier: discovery's `issuer`, the ID tokens' `iss`, RFC 9207's `iss`. */
  readonly issuer: string;
}

/** An OAuth 2.0 provider without OpenID Connect (GitHub): its endpoints named here. */
export interface OAuth2UpstreamProvider extends UpstreamProviderBase {
  readonly kind: 'oauth2';
  /**
   * The `iss` its authorization responses carry, if it sends one (RFC 9207); absent: the origin
   * of its authorization endpoint.
   */
  readonly issuer: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  /** The user API read with the access token (GitHub's `https://api.github.com/user`). */
  readonly userinfoEndpoint: string;
  /** The user API's field that names the user for good (GitHub's numeric `id`). */
  readonly subjectField: string;
}

export type UpstreamProvider = OidcUpstreamProvider | OAuth2UpstreamProvider;

/** Upstream identity providers users may sign in with (UPSTREAM_PROVIDERS). */
export abstract class UpstreamConfig {
  /** In the order of UPSTREAM_PROVIDERS, the order of the login page's buttons. */
  abstract readonly providers: readonly UpstreamProvider[];
  /** How long a sign-in at a provider may take: its `state`, `nonce` and PKCE verifier's life. */
  abstract readonly stateTtlSeconds: number;
}

const SHAPE =
  'a JSON array of { "id", "name", "issuer", "client_id", "client_secret" | "private_key_jwk", "scopes"?, "kind"? }';
const COMMON_FIELDS = ['id', 'name', 'kind', 'client_id', 'client_secret', 'private_key_jwk'];
const FIELDS = {
  oidc: new Set([...COMMON_FIELDS, 'issuer', 'scopes']),
  oauth2: new Set([
    ...COMMON_FIELDS,
    'issuer',
    'scopes',
    'authorization_endpoint',
    'token_endpoint',
    'userinfo_endpoint',
    'subject_field',
  ]),
} as const;
/**
 * A provider id: lower-case letters, digits and dashes, at most 31 (a method key
 * `upstream:{id}:{sub}` stays within OpenID Connect Core §2's 255 characters of `sub`).
 */
const PROVIDER_ID = /^[a-z0-9][a-z0-9-]{0,30}$/;
/** Printable characters without controls, for a name shown on the login page. */
const DISPLAY_NAME = /^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]{1,64}$/u;
/** RFC 6749 §2.2 client identifier: printable ASCII (VSCHAR). */
const CLIENT_ID = /^[\x20-\x7E]{1,2000}$/;
/** RFC 6749 §3.3 scope-token. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
/** A JSON field name of the user API's answer. */
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const KEY_TYPES = new Set(['RSA', 'EC', 'OKP']);

/** Scopes asked of an OpenID Connect provider when none are configured. */
export const DEFAULT_OIDC_SCOPES = ['openid', 'email', 'profile'] as const;
/** The user API's field read as the subject when none is configured (GitHub's). */
export const DEFAULT_SUBJECT_FIELD = 'id';

/** The settings this section reads, each declared once for its reader and the reference. */
export const UPSTREAM_SETTINGS = settingsSection(
  'Upstream identity providers',
  'Sign-in with an account at another provider: OpenID Connect or OAuth 2.0 (see [Upstream ' +
    'identity providers](UPSTREAM-PROVIDERS.md)).',
  {
    providers: setting({
      name: 'UPSTREAM_PROVIDERS',
      type: text('a JSON array'),
      default: { unset: 'none (the login page offers no provider)' },
      description:
        'The providers the login page offers ("Sign in with <name>", `GET /login/upstream/{id}`), ' +
        'in this order: a JSON array of `{ "id", "name", "issuer", "client_id", "client_secret" | ' +
        '"private_key_jwk", "scopes"? }`, checked at start, every entry\'s problem on a line of its ' +
        'own (a secret is never quoted).\n' +
        '\n' +
        '- `kind`: `"oidc"` (the default: an OpenID Connect provider, its endpoints and keys found ' +
        'by discovery from `issuer`) or `"oauth2"` (an OAuth 2.0 provider without OpenID Connect, ' +
        'such as GitHub, with `"authorization_endpoint"`, `"token_endpoint"`, ' +
        '`"userinfo_endpoint"` and `"subject_field"`, default `"id"`; its `issuer`, optional, is ' +
        'the `iss` its responses carry).\n' +
        '- `id`: lower-case letters, digits and dashes (at most 31): in the paths and in the ' +
        'method key `upstream:<id>:<sub>`; never change it once users signed in.\n' +
        '- `client_id`, and `client_secret` or `private_key_jwk` (a private JWK for ' +
        '`private_key_jwt`: RSA of 2048 bits or more, EC P-256, P-384 or P-521, or Ed25519, ' +
        "checked at start): Proofgate as the provider's client, whose redirect URI is " +
        '`<ISSUER>/login/upstream/<id>/callback`.\n' +
        '- `scopes`: an array (default `["openid", "email", "profile"]` for OpenID Connect, which ' +
        'must include `openid`; none for OAuth 2.0).\n' +
        '\n' +
        'URLs are `https:`; `http:` only on `127.0.0.1`, `[::1]` or `localhost` and outside ' +
        'production. Requests to the provider go through the SSRF guard; in production a host ' +
        'that discovery names and the operator did not must resolve to a public address.',
    }),
    stateTtlSeconds: setting({
      name: 'UPSTREAM_STATE_TTL_SECONDS',
      type: whole(60, 1800),
      default: 600,
      description:
        'How long a sign-in at a provider may take: the lifetime of its `state`, `nonce` and ' +
        'PKCE verifier, kept as one challenge and redeemed once at the callback.',
    }),
  },
);

export function readUpstreamConfig(env: EnvReader, server: ServerConfig): UpstreamConfig {
  return Object.freeze({
    providers: env.read(
      (e) => upstreamProviders(e, UPSTREAM_SETTINGS.declared.providers.name, server.isProduction),
      [],
    ),
    stateTtlSeconds: env.get(UPSTREAM_SETTINGS.declared.stateTtlSeconds),
  });
}

/**
 * UPSTREAM_PROVIDERS: every entry's problems at once, each on a line of its own. A problem never
 * quotes a `client_secret` or a `private_key_jwk`: they are secrets.
 */
export function upstreamProviders(env: Env, name: string, production: boolean): UpstreamProvider[] {
  return jsonList(env, name, SHAPE, (entry, where, earlier) => {
    const provider = upstreamProvider(entry, where, production);
    if (earlier.some((other) => other.id === provider.id)) {
      throw new ConfigError(`${where}.id "${provider.id}" is listed twice`);
    }
    return provider;
  });
}

function upstreamProvider(entry: unknown, where: string, production: boolean): UpstreamProvider {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new ConfigError(
      `${where} must be an object { "id", "name", "issuer", "client_id", ... }`,
    );
  }
  const fields = entry as Record<string, unknown>;
  const kind = fields.kind ?? 'oidc';
  if (kind !== 'oidc' && kind !== 'oauth2') {
    throw new ConfigError(`${where}.kind must be "oidc" (the default) or "oauth2"`);
  }
  const problems: string[] = [];
  const check = (problem: string | undefined) => {
    if (problem !== undefined) problems.push(`${where}${problem}`);
  };
  check(unknownFieldsProblem(fields, FIELDS[kind], `known for kind ${kind}`));
  const { id, name, client_id: clientId } = fields;
  if (typeof id !== 'string' || !PROVIDER_ID.test(id)) {
    check('.id must be 1 to 31 lower-case letters, digits and dashes (e.g. "google")');
  }
  if (typeof name !== 'string' || !DISPLAY_NAME.test(name.trim())) {
    check('.name must be a name of 1 to 64 characters, shown as "Sign in with <name>"');
  }
  if (typeof clientId !== 'string' || !CLIENT_ID.test(clientId)) {
    check('.client_id must be the client identifier the provider issued (printable ASCII)');
  }
  const clientAuth = clientAuthOf(fields, check);
  const url = (field: string, options: { query?: boolean } = {}): string => {
    const value = fields[field];
    if (typeof value !== 'string') {
      check(`.${field} must be a URL string`);
      return '';
    }
    const problem = operatorUrlProblem(value, production, options);
    check(problem && `.${field} ${problem}, got "${quotedUrl(value)}"`);
    return value;
  };
  const scopes = scopesOf(fields.scopes, kind, check);
  if (kind === 'oidc') {
    const issuer = url('issuer', { query: false });
    if (problems.length > 0) throw new ConfigError(problems);
    return { kind, ...common(), issuer };
  }
  const authorizationEndpoint = url('authorization_endpoint');
  const tokenEndpoint = url('token_endpoint');
  const userinfoEndpoint = url('userinfo_endpoint');
  const issuer = fields.issuer === undefined ? undefined : url('issuer', { query: false });
  const subjectField = fields.subject_field ?? DEFAULT_SUBJECT_FIELD;
  if (typeof subjectField !== 'string' || !FIELD_NAME.test(subjectField)) {
    check('.subject_field must name a field of the user API’s answer (e.g. "id")');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    kind,
    ...common(),
    issuer: issuer ?? new URL(authorizationEndpoint).origin,
    authorizationEndpoint,
    tokenEndpoint,
    userinfoEndpoint,
    subjectField: subjectField as string,
  };

  /** What every kind has, once its fields were checked. */
  function common(): UpstreamProviderBase {
    return {
      id: id as string,
      name: (name as string).trim(),
      clientId: clientId as string,
      clientAuth: clientAuth!,
      scopes,
    };
  }
}

/** Exactly one of `client_secret` and `private_key_jwk`; neither is ever quoted back. */
function clientAuthOf(
  fields: Record<string, unknown>,
  check: (problem: string | undefined) => void,
): UpstreamClientAuth | undefined {
  const { client_secret: secret, private_key_jwk: jwk } = fields;
  if ((secret === undefined) === (jwk === undefined)) {
    check(' must have exactly one of client_secret and private_key_jwk');
    return undefined;
  }
  if (secret !== undefined) {
    if (typeof secret !== 'string' || secret === '') {
      check('.client_secret must be a non-empty string');
      return undefined;
    }
    return { method: 'client_secret', secret };
  }
  const key = jwk as Record<string, unknown>;
  if (
    typeof jwk !== 'object' ||
    jwk === null ||
    Array.isArray(jwk) ||
    typeof key.kty !== 'string' ||
    !KEY_TYPES.has(key.kty) ||
    typeof key.d !== 'string'
  ) {
    check(
      '.private_key_jwk must be a private JWK (RFC 7517) of kty RSA, EC or OKP, with its private part "d"',
    );
    return undefined;
  }
  const problem = signingKeyProblem(key);
  if (problem !== undefined) {
    check(`.private_key_jwk ${problem}`);
    return undefined;
  }
  return { method: 'private_key_jwt', jwk: Object.freeze({ ...key }) };
}

/** The signing algorithms of each key type (JWA, RFC 7518 §3.1; RFC 8037 for Ed25519). */
const ALGS_OF_KEY_TYPE: Readonly<Record<string, readonly string[]>> = {
  RSA: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'],
  EC: ['ES256', 'ES384', 'ES512'],
  OKP: ['EdDSA', 'Ed25519'],
};
const CURVE_OF_ALG: Readonly<Record<string, string>> = {
  ES256: 'P-256',
  ES384: 'P-384',
  ES512: 'P-521',
};

/**
 * Why a private JWK would not sign a client assertion, found at start rather than at the first
 * sign-in (where it was a 500): its parts make no private key, or one of too few bits (RFC 7518
 * §3.3: an RSA key of 2048 bits or more), or a curve or `alg` that is no signature's. Quotes
 * nothing of the key.
 */
function signingKeyProblem(jwk: Readonly<Record<string, unknown>>): string | undefined {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch {
    return 'is not a usable private key: its parts make none (RSA, EC P-256, P-384 or P-521, or Ed25519)';
  }
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa' && (details.modulusLength ?? 0) < 2048) {
    return 'is an RSA key of fewer than 2048 bits (RFC 7518 §3.3)';
  }
  const signing =
    ['rsa', 'rsa-pss', 'ed25519'].includes(key.asymmetricKeyType ?? '') ||
    (key.asymmetricKeyType === 'ec' &&
      ['prime256v1', 'secp384r1', 'secp521r1'].includes(details.namedCurve ?? ''));
  if (!signing) {
    return 'is no signing key: RSA, EC P-256, P-384 or P-521, or Ed25519';
  }
  const { alg, kty, crv } = jwk;
  if (alg === undefined) return undefined;
  if (typeof alg !== 'string' || !(ALGS_OF_KEY_TYPE[String(kty)] ?? []).includes(alg)) {
    return `alg must be one of ${(ALGS_OF_KEY_TYPE[String(kty)] ?? []).join(', ')} for kty ${String(kty)}`;
  }
  if (CURVE_OF_ALG[alg] !== undefined && CURVE_OF_ALG[alg] !== crv) {
    return `alg ${alg} needs crv ${CURVE_OF_ALG[alg]}`;
  }
  return undefined;
}

function scopesOf(
  value: unknown,
  kind: UpstreamProvider['kind'],
  check: (problem: string | undefined) => void,
): readonly string[] {
  if (value === undefined) return kind === 'oidc' ? DEFAULT_OIDC_SCOPES : [];
  if (
    !Array.isArray(value) ||
    !value.every((scope) => typeof scope === 'string' && SCOPE_TOKEN.test(scope))
  ) {
    check('.scopes must be an array of scope values');
    return [];
  }
  const scopes = [...new Set(value as string[])];
  if (kind === 'oidc' && !scopes.includes('openid')) {
    check('.scopes must include "openid" for an OpenID Connect provider');
  }
  return scopes;
}
