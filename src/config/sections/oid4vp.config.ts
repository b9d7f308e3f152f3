import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import {
  ConfigError,
  type Env,
  jsonList,
  str,
  unknownFieldsProblem,
  walletLinkUrl,
} from '../env-parsers';
import { EnvReader } from '../env-reader';
import { PEM_CERTIFICATE, readSettingFile } from '../pem-file';
import { ServerConfig } from './server.config';
import { BOOLEAN, setting, settingsSection, choice, text, whole } from '../setting';
import { operatorUrlProblem } from '../../protocol-rules/operator-url';
import { CLIENT_JWKS_LIMITS, publicJwksProblem } from '../../protocol-rules/client-jwks';

/** Where a trusted issuer's keys come from: its JWK Set, a URL of one, or X.509 roots. */
export type IssuerKeys =
  | { readonly jwks: { readonly keys: readonly Readonly<Record<string, unknown>>[] } }
  | { readonly jwksUri: string }
  /** PEM certificates: the credential's `x5c` chain must end at one of them. */
  | { readonly x5cRoots: readonly string[] };

/** One entry of OID4VP_TRUSTED_ISSUERS: an issuer whose credentials sign people in. */
export interface TrustedIssuer {
  /** The credential's `iss`. */
  readonly issuer: string;
  readonly keys: IssuerKeys;
  /** The SD-JWT VC types (`vct`) accepted from this issuer. */
  readonly vct: readonly string[];
}

/** One credential the DCQL query asks for (OID4VP_CREDENTIALS). */
export interface RequestedCredential {
  /** The DCQL credential query id, the `vp_token`'s key. */
  readonly id: string;
  /** The accepted `vct` values (DCQL `meta.vct_values`). */
  readonly vct: readonly string[];
}

export type ClientIdPrefix = 'redirect_uri' | 'x509_hash';
export const CLIENT_ID_PREFIXES: readonly ClientIdPrefix[] = ['redirect_uri', 'x509_hash'];

/** The verifier's certificate chain and its private key, PEM. */
export interface VerifierCertificate {
  /**
   * The verifier's certificate first, then each intermediate that issued the one before it:
   * the request object's `x5c` (RFC 7515 §4.1.6), without the trust anchor (HAIP).
   */
  readonly chainPem: readonly string[];
  readonly privateKeyPem: string;
}

/** OpenID4VP 1.0: signing in with a credential from an identity wallet. */
export abstract class Oid4vpConfig {
  /** Whether the login page offers it: some issuer is trusted. */
  abstract readonly enabled: boolean;
  /** OID4VP_WALLET_URL: where the authorization request is sent (`openid4vp://`). */
  abstract readonly walletUrl: string;
  abstract readonly trustedIssuers: readonly TrustedIssuer[];
  abstract readonly credentials: readonly RequestedCredential[];
  /**
   * The claims whose values name the person when the credential has no `sub`: unique per person
   * at each issuer (default personal_administrative_number).
   */
  abstract readonly subjectClaims: readonly string[];
  /** The client identifier prefix requests use unless one asks for another. */
  abstract readonly clientIdPrefix: ClientIdPrefix;
  /** OID4VP_VERIFIER_CERT/_KEY; absent: one made at start (outside production). */
  abstract readonly verifierCertificate?: VerifierCertificate;
  /** How long a request (and its nonce and state) lives. */
  abstract readonly requestTtlSeconds: number;
  /** How old a key-binding JWT's `iat` may be. */
  abstract readonly keyBindingMaxAgeSeconds: number;
  /**
   * How long a verified status list is reused at most (its own `ttl` and `exp` may say less);
   * 0: fetched for every presentation.
   */
  abstract readonly statusListMaxAgeSeconds: number;
  /**
   * OID4VP_ISSUER_ALLOW_PRIVATE: a trusted issuer's `jwks_uri` and its credentials' status lists
   * may be fetched from loopback and private addresses (an issuer on the operator's network). On
   * outside production, off in production; https is required in production either way.
   */
  abstract readonly issuerAllowPrivate: boolean;
}

/**
 * The demo PID issuer whose private key test/support/identity-wallet.ts publishes: trusted by default
 * outside production only, so that a newcomer signs in with a wallet of their own making.
 */
export const DEMO_ISSUER = 'https://demo-pid-issuer.proofgate.example';
export const DEMO_ISSUER_PUBLIC_JWK = {
  kty: 'EC',
  crv: 'P-256',
  x: 'cGLMUPogIdO-vUy4A620v0UZyVEc11MiHJ6rQ3v4mWg',
  y: '_yBdk25uUrqf_dOC4Lw0PD6fQzkH0XCru9Tfz07gp8k',
  kid: 'demo-pid-issuer-1',
  alg: 'ES256',
  use: 'sig',
} as const;
export const PID_VCT = 'urn:eudi:pid:1';

const ISSUER_SHAPE =
  'a JSON array of { "issuer", "jwks" | "jwks_uri" | "x5c_roots", "vct": [...] }';
const CREDENTIAL_SHAPE = 'a JSON array of { "id", "vct": [...] }';
const ISSUER_FIELDS = new Set(['issuer', 'jwks', 'jwks_uri', 'x5c_roots', 'vct']);
const CREDENTIAL_FIELDS = new Set(['id', 'vct']);
/** DCQL §6.1: a credential query id is alphanumeric, underscore or hyphen. */
const CREDENTIAL_ID = /^[A-Za-z0-9_-]{1,64}$/;
const CLAIM_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** The settings this section reads, each declared once for its reader and the reference. */
export const OID4VP_SETTINGS = settingsSection(
  'Identity wallets (OpenID4VP)',
  'Sign-in with a credential from an identity wallet: an OpenID4VP 1.0 verifier of SD-JWT VCs ' +
    '(see [Identity wallets](IDENTITY-WALLETS.md)).',
  {
    oid4vpTrustedIssuers: setting({
      name: 'OID4VP_TRUSTED_ISSUERS',
      type: text('a JSON array'),
      default: {
        unset:
          'the published demo issuer outside production (test/support/identity-wallet.ts), none in production',
      },
      description:
        'The issuers whose credentials sign people in: `{ "issuer", "jwks" | "jwks_uri" | ' +
        '"x5c_roots", "vct": [...] }` each (`x5c_roots`: PEM certificates the credential\'s ' +
        '`x5c` chain must end at, through CA certificates valid now, to a leaf that names the ' +
        'issuer). A `jwks_uri` is https (http on a loopback host outside ' +
        'production). Empty: the login page offers no identity wallet.',
    }),
    oid4vpCredentials: setting({
      name: 'OID4VP_CREDENTIALS',
      type: text('a JSON array'),
      default: { unset: '`[{ "id": "pid", "vct": ["urn:eudi:pid:1"] }]`' },
      description:
        'The SD-JWT VCs the DCQL query asks for: `{ "id", "vct": [...] }` each; `id` is the ' +
        'credential query id, the key of the `vp_token`.',
    }),
    oid4vpSubjectClaims: setting({
      name: 'OID4VP_SUBJECT_CLAIMS',
      type: text('a comma-separated list'),
      default: 'personal_administrative_number',
      description:
        'The claims whose values name the person when a credential has no `sub`: the account ' +
        'key is a hash of the issuer and these values. They must be unique per person at each ' +
        'issuer (the EU PID rulebook makes `personal_administrative_number` so): names and ' +
        'birthdates are not, and namesakes would share one account. A credential without them ' +
        'signs in to an account of its holder key. Before this default, ' +
        '`given_name,family_name,birthdate`: a deployment upgrading from it keeps its credential ' +
        'accounts only by setting that list again, knowingly; otherwise people link their ' +
        'credentials again ([Upgrading](IDENTITY-WALLETS.md' +
        '#upgrading-from-given_namefamily_namebirthdate)).',
    }),
    walletUrl: setting({
      name: 'OID4VP_WALLET_URL',
      type: text('a URL', walletLinkUrl),
      default: 'openid4vp://',
      description: 'Where the authorization request is sent: the link and the QR code.',
    }),
    clientIdPrefix: setting({
      name: 'OID4VP_CLIENT_ID_PREFIX',
      type: choice(CLIENT_ID_PREFIXES),
      default: {
        unset:
          '`x509_hash` with a verifier certificate (or outside production), else `redirect_uri`',
      },
      description:
        'The client identifier prefix of the requests: `x509_hash` (a request object signed ' +
        "with the verifier certificate's key) or `redirect_uri` (an unsigned request object).",
    }),
    oid4vpVerifierCert: setting({
      name: 'OID4VP_VERIFIER_CERT',
      type: text('a file path'),
      default: {
        unset: 'outside production, one made at start, issued by a development CA made with it',
      },
      description:
        "The verifier's X.509 certificate (PEM, P-256), then the intermediates that issued it, " +
        "in order, as the request object's `x5c` carries them (not the root: wallets hold it). " +
        "The first certificate's SHA-256 is the `x509_hash:` client identifier. Wallets refuse " +
        'a self-signed one (HAIP). With `OID4VP_VERIFIER_KEY`, its private key (PEM).',
    }),
    oid4vpVerifierKey: setting({
      name: 'OID4VP_VERIFIER_KEY',
      type: text('a file path'),
      default: { unset: 'none' },
      description:
        'The private key of `OID4VP_VERIFIER_CERT` (PEM, P-256), which signs request objects.',
    }),
    requestTtlSeconds: setting({
      name: 'OID4VP_REQUEST_TTL_SECONDS',
      type: whole(60, 1800),
      default: 300,
      description:
        'How long a presentation request lives: its `nonce` and `state`, redeemed once by the ' +
        "wallet's answer.",
    }),
    statusListMaxAgeSeconds: setting({
      name: 'OID4VP_STATUS_LIST_MAX_AGE_SECONDS',
      type: whole(0, 86_400),
      default: 300,
      description:
        "How long a credential's status list, once fetched and verified, is reused for other " +
        "presentations at most: less when the list's own `ttl` or `exp` says less; `0` fetches " +
        'it for every presentation. A revocation is seen at the latest this long after it.',
    }),
    issuerAllowPrivate: setting({
      name: 'OID4VP_ISSUER_ALLOW_PRIVATE',
      type: BOOLEAN,
      default: true,
      defaultNote: 'outside production, `false` in production',
      description:
        "A trusted issuer's `jwks_uri` and its credentials' status lists may be fetched from " +
        "loopback and private addresses: an issuer on the operator's own network. Both are " +
        'fetched through the SSRF guard (the host resolved once and pinned, no redirects, a JWK ' +
        `Set at most ${CLIENT_JWKS_LIMITS.bytes / 1024} KiB and ${CLIENT_JWKS_LIMITS.keys} keys), ` +
        'which otherwise refuses a host that resolves to a non-public address. https is still ' +
        'required in production; this opens addresses, not plain http.',
    }),
  },
);

export function readOid4vpConfig(env: EnvReader, server: ServerConfig): Oid4vpConfig {
  const production = server.isProduction;
  const demo: TrustedIssuer[] = production
    ? []
    : [{ issuer: DEMO_ISSUER, keys: { jwks: { keys: [DEMO_ISSUER_PUBLIC_JWK] } }, vct: [PID_VCT] }];
  const trustedIssuers = env.read(
    (e) =>
      str(e, 'OID4VP_TRUSTED_ISSUERS') === undefined ? demo : trustedIssuersOf(e, production),
    demo,
  );
  const verifierCertificate = env.read((e) => verifierCertificateOf(e), undefined);
  return Object.freeze({
    enabled: trustedIssuers.length > 0,
    walletUrl: env.get(OID4VP_SETTINGS.declared.walletUrl),
    trustedIssuers,
    credentials: env.read((e) => credentialsOf(e), [{ id: 'pid', vct: [PID_VCT] }]),
    subjectClaims: env.read((e) => subjectClaimsOf(e), DEFAULT_SUBJECT_CLAIMS),
    clientIdPrefix: env.get(
      OID4VP_SETTINGS.declared.clientIdPrefix,
      verifierCertificate !== undefined || !production ? 'x509_hash' : 'redirect_uri',
    ),
    ...(verifierCertificate === undefined ? {} : { verifierCertificate }),
    requestTtlSeconds: env.get(OID4VP_SETTINGS.declared.requestTtlSeconds),
    keyBindingMaxAgeSeconds: 300,
    statusListMaxAgeSeconds: env.get(OID4VP_SETTINGS.declared.statusListMaxAgeSeconds),
    issuerAllowPrivate: env.get(OID4VP_SETTINGS.declared.issuerAllowPrivate, !production),
  });
}

/** The EU PID rulebook's number, "unique among all personal administrative numbers" its provider issues. */
const DEFAULT_SUBJECT_CLAIMS = ['personal_administrative_number'];

function subjectClaimsOf(env: Env): string[] {
  const value = str(env, 'OID4VP_SUBJECT_CLAIMS');
  if (value === undefined) return DEFAULT_SUBJECT_CLAIMS;
  const names = value.split(',').map((name) => name.trim());
  if (names.length === 0 || !names.every((name) => CLAIM_NAME.test(name))) {
    throw new ConfigError(
      'OID4VP_SUBJECT_CLAIMS must be a comma-separated list of claim names (e.g. personal_administrative_number)',
    );
  }
  return [...new Set(names)];
}

function trustedIssuersOf(env: Env, production: boolean): TrustedIssuer[] {
  return jsonList(env, 'OID4VP_TRUSTED_ISSUERS', ISSUER_SHAPE, (entry, where, earlier) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new ConfigError(`${where} must be an object { "issuer", "jwks" | ..., "vct" }`);
    }
    const fields = entry as Record<string, unknown>;
    const unknown = unknownFieldsProblem(fields, ISSUER_FIELDS);
    if (unknown !== undefined) throw new ConfigError(`${where}${unknown}`);
    const { issuer, vct } = fields;
    if (typeof issuer !== 'string' || issuer === '') {
      throw new ConfigError(`${where}.issuer must be the credentials' iss`);
    }
    if (earlier.some((other) => other.issuer === issuer)) {
      throw new ConfigError(`${where}.issuer "${issuer}" is listed twice`);
    }
    if (!Array.isArray(vct) || vct.length === 0 || !vct.every((v) => typeof v === 'string')) {
      throw new ConfigError(`${where}.vct must be a non-empty array of vct values`);
    }
    return { issuer, keys: issuerKeysOf(fields, where, production), vct: vct };
  });
}

function issuerKeysOf(
  fields: Record<string, unknown>,
  where: string,
  production: boolean,
): IssuerKeys {
  const given = ['jwks', 'jwks_uri', 'x5c_roots'].filter((name) => fields[name] !== undefined);
  if (given.length !== 1) {
    throw new ConfigError(`${where} needs exactly one of jwks, jwks_uri and x5c_roots`);
  }
  if (fields.jwks !== undefined) {
    const problem = publicJwksProblem(fields.jwks);
    if (problem) throw new ConfigError(`${where}.jwks ${problem}`);
    return { jwks: fields.jwks as { keys: Record<string, unknown>[] } };
  }
  if (fields.jwks_uri !== undefined) {
    const uri = fields.jwks_uri;
    const problem = typeof uri === 'string' ? operatorUrlProblem(uri, production) : 'must be a URL';
    if (problem !== undefined) throw new ConfigError(`${where}.jwks_uri ${problem}`);
    return { jwksUri: uri as string };
  }
  const roots = fields.x5c_roots;
  if (!Array.isArray(roots) || roots.length === 0) {
    throw new ConfigError(`${where}.x5c_roots must be a non-empty array of PEM certificates`);
  }
  for (const [index, root] of roots.entries()) {
    try {
      new X509Certificate(String(root));
    } catch {
      throw new ConfigError(`${where}.x5c_roots[${index}] is not a PEM certificate`);
    }
  }
  return { x5cRoots: roots as string[] };
}

function credentialsOf(env: Env): RequestedCredential[] {
  if (str(env, 'OID4VP_CREDENTIALS') === undefined) return [{ id: 'pid', vct: [PID_VCT] }];
  const list = jsonList<RequestedCredential>(
    env,
    'OID4VP_CREDENTIALS',
    CREDENTIAL_SHAPE,
    (entry, where, earlier) => {
      const fields = (entry ?? {}) as Record<string, unknown>;
      const unknown = unknownFieldsProblem(fields, CREDENTIAL_FIELDS);
      if (unknown !== undefined) throw new ConfigError(`${where}${unknown}`);
      const { id, vct } = fields;
      if (typeof id !== 'string' || !CREDENTIAL_ID.test(id)) {
        throw new ConfigError(`${where}.id must be 1 to 64 letters, digits, _ or -`);
      }
      if (earlier.some((other) => other.id === id)) {
        throw new ConfigError(`${where}.id "${id}" is listed twice`);
      }
      if (!Array.isArray(vct) || vct.length === 0 || !vct.every((v) => typeof v === 'string')) {
        throw new ConfigError(`${where}.vct must be a non-empty array of vct values`);
      }
      return { id, vct: vct };
    },
  );
  if (list.length === 0) throw new ConfigError('OID4VP_CREDENTIALS must name a credential');
  return list;
}

function verifierCertificateOf(env: Env): VerifierCertificate | undefined {
  const cert = str(env, 'OID4VP_VERIFIER_CERT');
  const key = str(env, 'OID4VP_VERIFIER_KEY');
  if (cert === undefined && key === undefined) return undefined;
  if (cert === undefined || key === undefined) {
    throw new ConfigError('OID4VP_VERIFIER_CERT and OID4VP_VERIFIER_KEY go together');
  }
  const certificateFile = readSettingFile('OID4VP_VERIFIER_CERT', cert);
  const privateKeyPem = readSettingFile('OID4VP_VERIFIER_KEY', key);
  const chainPem = certificateFile.match(PEM_CERTIFICATE) ?? [];
  let chain: X509Certificate[];
  try {
    chain = chainPem.map((pem) => new X509Certificate(pem));
  } catch {
    chain = [];
  }
  if (chain.length === 0) {
    throw new ConfigError(`OID4VP_VERIFIER_CERT: "${cert}" is not a PEM certificate`);
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(privateKeyPem);
  } catch {
    throw new ConfigError(`OID4VP_VERIFIER_KEY: "${key}" is not a PEM private key`);
  }
  const problem = verifierChainProblem(chain, privateKey);
  if (problem !== undefined) throw new ConfigError(`OID4VP_VERIFIER_CERT: ${problem}`);
  return { chainPem, privateKeyPem };
}

/**
 * Why a wallet would refuse the request objects this chain and key sign, if it would: the
 * first certificate holds the key's public half (P-256: ES256), and each one after it issued
 * the one before it.
 */
function verifierChainProblem(
  chain: readonly X509Certificate[],
  privateKey: ReturnType<typeof createPrivateKey>,
): string | undefined {
  const leaf = chain[0];
  if (
    leaf.publicKey.asymmetricKeyType !== 'ec' ||
    leaf.publicKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1'
  ) {
    return 'the first certificate must hold a P-256 key (request objects are signed ES256)';
  }
  const der = (key: ReturnType<typeof createPublicKey>) =>
    key.export({ format: 'der', type: 'spki' }).toString('base64');
  if (der(createPublicKey(privateKey)) !== der(leaf.publicKey)) {
    return "the first certificate is not OID4VP_VERIFIER_KEY's (put the verifier's own first)";
  }
  for (let i = 1; i < chain.length; i++) {
    if (!chain[i - 1].checkIssued(chain[i]) || !chain[i - 1].verify(chain[i].publicKey)) {
      return `certificate ${i + 1} did not issue certificate ${i} (leaf first, then its issuers in order)`;
    }
  }
  return undefined;
}
