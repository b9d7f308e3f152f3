import { generateKeyPairSync } from 'node:crypto';
import { AppConfig } from '../app-config';
import { configProblems } from '../../../test/support/config-problems';
import { upstreamProviders } from './upstream.config';

const NAME = 'UPSTREAM_PROVIDERS';
const read = (value: unknown, production = false) =>
  upstreamProviders({ [NAME]: JSON.stringify(value) }, NAME, production);

const problems = configProblems;

/** A new private key of `type`, as a JWK. */
function privateJwk(type: string, options: Record<string, unknown> = {}): Record<string, string> {
  const { privateKey } = generateKeyPairSync(type as 'ec', options as { namedCurve: string });
  return privateKey.export({ format: 'jwk' }) as Record<string, string>;
}

const GOOGLE = {
  id: 'google',
  name: 'Google',
  issuer: 'https://accounts.google.com',
  client_id: 'proofgate.apps.googleusercontent.com',
  client_secret: 'GOCSPX-not-a-real-secret',
};
const GITHUB = {
  kind: 'oauth2',
  id: 'github',
  name: 'GitHub',
  client_id: 'Iv1.0123456789abcdef',
  client_secret: 'github-not-a-real-secret',
  authorization_endpoint: 'https://github.com/login/oauth/authorize',
  token_endpoint: 'https://github.com/login/oauth/access_token',
  userinfo_endpoint: 'https://api.github.com/user',
  subject_field: 'id',
  scopes: ['read:user'],
};

describe('UPSTREAM_PROVIDERS', () => {
  it('is empty when unset', () => {
    expect(upstreamProviders({}, NAME, false)).toEqual([]);
  });

  it('reads an OpenID Connect provider (the default kind) and an OAuth 2.0 one, in order', () => {
    expect(read([GOOGLE, GITHUB])).toEqual([
      {
        kind: 'oidc',
        id: 'google',
        name: 'Google',
        issuer: 'https://accounts.google.com',
        clientId: 'proofgate.apps.googleusercontent.com',
        clientAuth: { method: 'client_secret', secret: 'GOCSPX-not-a-real-secret' },
        scopes: ['openid', 'email', 'profile'],
      },
      {
        kind: 'oauth2',
        id: 'github',
        name: 'GitHub',
        // No `iss` of its own: its authorization endpoint's origin.
        issuer: 'https://github.com',
        clientId: 'Iv1.0123456789abcdef',
        clientAuth: { method: 'client_secret', secret: 'github-not-a-real-secret' },
        scopes: ['read:user'],
        authorizationEndpoint: 'https://github.com/login/oauth/authorize',
        tokenEndpoint: 'https://github.com/login/oauth/access_token',
        userinfoEndpoint: 'https://api.github.com/user',
        subjectField: 'id',
      },
    ]);
  });

  it('takes a private JWK for private_key_jwt instead of a secret', () => {
    const jwk = { ...privateJwk('ec', { namedCurve: 'P-256' }), kid: 'k1' };
    const [provider] = read([{ ...GOOGLE, client_secret: undefined, private_key_jwk: jwk }]);
    expect(provider.clientAuth).toEqual({ method: 'private_key_jwt', jwk });
    for (const key of [
      privateJwk('rsa', { modulusLength: 2048 }),
      { ...privateJwk('ed25519'), alg: 'EdDSA' },
      { ...privateJwk('ec', { namedCurve: 'P-384' }), alg: 'ES384' },
    ]) {
      expect(
        read([{ ...GOOGLE, client_secret: undefined, private_key_jwk: key }])[0].clientAuth,
      ).toEqual({ method: 'private_key_jwt', jwk: key });
    }
  });

  it('refuses at start a private JWK that would not sign, and quotes nothing of it', () => {
    const ec = privateJwk('ec', { namedCurve: 'P-256' });
    const keys = [
      // The stranger's walk: parts that make no key (it then answered every sign-in 500).
      { kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'BBBB', d: 'CCCC', kid: 'walk-k1' },
      privateJwk('rsa', { modulusLength: 1024 }),
      privateJwk('x25519'),
      privateJwk('ec', { namedCurve: 'secp256k1' }),
      { ...ec, alg: 'RS256' },
      { ...ec, alg: 'ES384' },
    ];
    const found = problems(() =>
      read(
        keys.map((key, index) => ({
          ...GOOGLE,
          id: `p${index}`,
          client_secret: undefined,
          private_key_jwk: key,
        })),
      ),
    );
    expect(found).toEqual([
      'UPSTREAM_PROVIDERS[0].private_key_jwk is not a usable private key: its parts make none (RSA, EC P-256, P-384 or P-521, or Ed25519)',
      'UPSTREAM_PROVIDERS[1].private_key_jwk is an RSA key of fewer than 2048 bits (RFC 7518 §3.3)',
      'UPSTREAM_PROVIDERS[2].private_key_jwk is no signing key: RSA, EC P-256, P-384 or P-521, or Ed25519',
      'UPSTREAM_PROVIDERS[3].private_key_jwk is no signing key: RSA, EC P-256, P-384 or P-521, or Ed25519',
      'UPSTREAM_PROVIDERS[4].private_key_jwk alg must be one of ES256, ES384, ES512 for kty EC',
      'UPSTREAM_PROVIDERS[5].private_key_jwk alg ES384 needs crv P-384',
    ]);
    expect(found.join('\n')).not.toContain(ec.d);
  });

  it('takes http loopback URLs outside production only', () => {
    const local = [{ ...GOOGLE, issuer: 'http://127.0.0.1:7400' }];
    expect(read(local)[0]).toMatchObject({ issuer: 'http://127.0.0.1:7400' });
    expect(problems(() => read(local, true))).toEqual([
      'UPSTREAM_PROVIDERS[0].issuer must be https when NODE_ENV=production (http is for a loopback issuer in development), got "http://127.0.0.1:7400"',
    ]);
    const github = [{ ...GITHUB, token_endpoint: 'http://localhost:7401/token' }];
    expect(problems(() => read(github, true))).toEqual([
      'UPSTREAM_PROVIDERS[0].token_endpoint must be https when NODE_ENV=production (http is for a loopback issuer in development), got "http://localhost:7401/token"',
    ]);
  });

  it('reports every problem of every entry, each on its own line, never quoting a secret', () => {
    const found = problems(() =>
      read([
        GOOGLE,
        { ...GOOGLE, id: 'b', issuer: 'http://idp.example' },
        { ...GOOGLE, id: 'c', private_key_jwk: { kty: 'oct', k: 'secret-key' } },
        { ...GOOGLE, id: 'd', client_secret: undefined },
        { ...GOOGLE, id: 'e', scopes: ['email'] },
        { ...GOOGLE, id: 'f', scopes: 'openid' },
        { ...GOOGLE, id: 'g', kind: 'saml' },
        { ...GOOGLE, id: 'h', token_endpoint: 'https://idp.example/token' },
        { ...GITHUB, id: 'i', userinfo_endpoint: undefined, subject_field: 'a b' },
        { ...GOOGLE, name: 'Google again' },
        { ...GOOGLE, id: 'Google' },
        { ...GOOGLE, id: 'j', issuer: 'https://idp.example/?tenant=1', name: '' },
      ]),
    );
    expect(found).toEqual([
      'UPSTREAM_PROVIDERS[1].issuer must be https (http only on 127.0.0.1, [::1] or localhost, outside production), got "http://idp.example"',
      'UPSTREAM_PROVIDERS[2] must have exactly one of client_secret and private_key_jwk',
      'UPSTREAM_PROVIDERS[3] must have exactly one of client_secret and private_key_jwk',
      'UPSTREAM_PROVIDERS[4].scopes must include "openid" for an OpenID Connect provider',
      'UPSTREAM_PROVIDERS[5].scopes must be an array of scope values',
      'UPSTREAM_PROVIDERS[6].kind must be "oidc" (the default) or "oauth2"',
      'UPSTREAM_PROVIDERS[7] has unknown field(s) token_endpoint (known for kind oidc: id, name, kind, client_id, client_secret, private_key_jwk, issuer, scopes)',
      'UPSTREAM_PROVIDERS[8].userinfo_endpoint must be a URL string',
      'UPSTREAM_PROVIDERS[8].subject_field must name a field of the user API’s answer (e.g. "id")',
      'UPSTREAM_PROVIDERS[9].id "google" is listed twice',
      'UPSTREAM_PROVIDERS[10].id must be 1 to 31 lower-case letters, digits and dashes (e.g. "google")',
      'UPSTREAM_PROVIDERS[11].name must be a name of 1 to 64 characters, shown as "Sign in with <name>"',
      'UPSTREAM_PROVIDERS[11].issuer must not have a query, got "https://idp.example/?…"',
    ]);
    expect(found.join('\n')).not.toMatch(/not-a-real-secret|secret-key/);
  });

  it('refuses a private JWK without its private part, and says so without quoting it', () => {
    const found = problems(() =>
      read([
        { ...GOOGLE, client_secret: undefined, private_key_jwk: { kty: 'RSA', n: 'n', e: 'AQAB' } },
      ]),
    );
    expect(found).toEqual([
      'UPSTREAM_PROVIDERS[0].private_key_jwk must be a private JWK (RFC 7517) of kty RSA, EC or OKP, with its private part "d"',
    ]);
  });

  it('is not JSON, or not an array: one line that quotes nothing', () => {
    expect(
      problems(() => upstreamProviders({ [NAME]: '{"client_secret":"s3cr3t"' }, NAME, false)),
    ).toEqual([expect.stringMatching(/^UPSTREAM_PROVIDERS must be a JSON array of \{ "id", /)]);
    expect(problems(() => read({ client_secret: 's3cr3t' }))[0]).not.toContain('s3cr3t');
  });

  it('stops a production start that names an http provider, and lets a development one start', () => {
    const env = {
      MONGODB_URI: 'mongodb://127.0.0.1:1/unit_test',
      KEY_ENCRYPTION_SECRET: 'unit-test-key-encryption-secret-0123456789',
      [NAME]: JSON.stringify([{ ...GOOGLE, issuer: 'http://localhost:7400' }]),
    };
    expect(
      problems(() =>
        AppConfig.fromEnv({ ...env, NODE_ENV: 'production', ISSUER: 'https://auth.example' }),
      ),
    ).toContain(
      'UPSTREAM_PROVIDERS[0].issuer must be https when NODE_ENV=production (http is for a loopback issuer in development), got "http://localhost:7400"',
    );
    expect(AppConfig.fromEnv({ ...env, NODE_ENV: 'test' }).upstream.providers).toHaveLength(1);
  });
});
