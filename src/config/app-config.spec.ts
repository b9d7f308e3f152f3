import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSignedCertificate } from '../../test/support/self-signed-certificate';
import { AppConfig } from './app-config';
import { ConfigError } from './env-parsers';
import { DEMO_AUTHORIZATION_DETAILS_TYPES } from './authorization-details-types';
import { LAB_AUTHORIZATION_DETAILS_TYPES } from '../lab-client/ciba-scenarios';
import { loadAdminConfig } from './load-config';

const base = { MONGODB_URI: 'mongodb://127.0.0.1:27017/proofgate' };

describe('AppConfig.fromEnv', () => {
  it('has working defaults for development', () => {
    const config = AppConfig.fromEnv(base);
    expect(config).toMatchObject({
      server: { nodeEnv: 'development', port: 25000, issuer: 'http://localhost:25000' },
      challenges: { authorizationCodeTtlSeconds: 60, walletNonceTtlSeconds: 300 },
      tokens: { signingAlg: 'ES256', accessTokenTtlSeconds: 900, refreshGraceSeconds: 60 },
      wallet: { domain: 'localhost:25000', uri: 'http://localhost:25000', allowedChainIds: [1] },
    });
  });

  it('outside production without KEY_ENCRYPTION_SECRET: a random secret, the same for the whole process', () => {
    const secret = AppConfig.fromEnv(base).tokens.keyEncryptionSecret;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(secret).not.toBe('proofgate-development-only-key-encryption-secret');
    expect(AppConfig.fromEnv({ ...base, NODE_ENV: 'test' }).tokens.keyEncryptionSecret).toBe(
      secret,
    );
    const chosen = 's'.repeat(32);
    expect(
      AppConfig.fromEnv({ ...base, KEY_ENCRYPTION_SECRET: chosen }).tokens.keyEncryptionSecret,
    ).toBe(chosen);
  });

  it('gives the admin CLI no secret of its own: KEY_ENCRYPTION_SECRET is required, like MONGODB_URI', () => {
    expect(() => loadAdminConfig(base)).toThrow(
      /^KEY_ENCRYPTION_SECRET is required: the service's own/,
    );
    expect(() => loadAdminConfig({ KEY_ENCRYPTION_SECRET: 's'.repeat(32) })).toThrow(
      "MONGODB_URI is required: the connection string of the service's MongoDB (in a checkout, `npm run admin -- <command>` uses the running `npm start`'s)",
    );
    // In production no checkout is assumed.
    expect(() =>
      loadAdminConfig({ NODE_ENV: 'production', KEY_ENCRYPTION_SECRET: 's'.repeat(32) }),
    ).toThrow(/^MONGODB_URI is required: the connection string of the service's MongoDB$/);
    const config = loadAdminConfig({ ...base, KEY_ENCRYPTION_SECRET: 's'.repeat(32) });
    expect(config.oauth.seedDemoData).toBe(false);
  });

  it('opens registration to public clients and client metadata documents by default', () => {
    const config = AppConfig.fromEnv(base);
    expect(config.registration).toEqual({
      open: true,
      requirePkce: true,
      unusedClientTtlHours: 24,
      idleClientTtlDays: 90,
      maxClients: 10_000,
    });
    expect(config.clientMetadata).toEqual({ enabled: true, allowPrivate: false });
    expect(config.rateLimits.registerPerIp).toBe(20);
    expect(
      AppConfig.fromEnv({ ...base, REGISTRATION_REQUIRE_PKCE: 'false' }).registration.requirePkce,
    ).toBe(false);
  });

  it('refuses CLIENT_METADATA_ALLOW_PRIVATE in production (an SSRF hole there)', () => {
    const production = {
      ...base,
      NODE_ENV: 'production',
      KEY_ENCRYPTION_SECRET: 'x'.repeat(32),
      CLIENT_METADATA_ALLOW_PRIVATE: 'true',
    };
    expect(() => AppConfig.fromEnv(production)).toThrow(
      /CLIENT_METADATA_ALLOW_PRIVATE=true is refused when NODE_ENV=production/,
    );
    expect(
      AppConfig.fromEnv({ ...base, NODE_ENV: 'test', CLIENT_METADATA_ALLOW_PRIVATE: 'true' })
        .clientMetadata.allowPrivate,
    ).toBe(true);
  });

  it('reads AUTHORIZATION_DETAILS_TYPES: the demo payment type outside production when unset (the lab asks for it), none in production unless set', () => {
    const production = { ...base, NODE_ENV: 'production', KEY_ENCRYPTION_SECRET: 'x'.repeat(32) };
    expect(AppConfig.fromEnv(base).oauth.authorizationDetailsTypes).toEqual(
      DEMO_AUTHORIZATION_DETAILS_TYPES,
    );
    // The attack lab's CIBA rows ask for the type its own copy defines (it imports no service code).
    expect(DEMO_AUTHORIZATION_DETAILS_TYPES).toEqual(LAB_AUTHORIZATION_DETAILS_TYPES);
    expect(
      AppConfig.fromEnv(production, { serves: false }).oauth.authorizationDetailsTypes,
    ).toEqual({});
    const own = { invoice: { schema: { type: 'object' }, template: 'Invoice {{number}}' } };
    expect(
      AppConfig.fromEnv({ ...base, AUTHORIZATION_DETAILS_TYPES: JSON.stringify(own) }).oauth
        .authorizationDetailsTypes,
    ).toEqual(own);
  });

  it('reads BACKCHANNEL_LOGOUT_ALLOW_PRIVATE: on outside production, off in production unless set, and it decides OAUTH_CLIENTS http logout URIs', () => {
    const production = { ...base, NODE_ENV: 'production', KEY_ENCRYPTION_SECRET: 'x'.repeat(32) };
    const client = (uri: string) =>
      JSON.stringify([
        {
          client_id: 'internal-rp',
          redirect_uris: ['https://rp.example/cb'],
          backchannel_logout_uri: uri,
        },
      ]);
    expect(AppConfig.fromEnv(base).logout.allowPrivate).toBe(true);
    expect(AppConfig.fromEnv(production, { serves: false }).logout.allowPrivate).toBe(false);
    expect(() =>
      AppConfig.fromEnv(
        { ...production, OAUTH_CLIENTS: client('http://10.0.0.7:8080/bcl') },
        { serves: false },
      ),
    ).toThrow(/OAUTH_CLIENTS\[0\]\.backchannel_logout_uri must use https/);
    const allowed = AppConfig.fromEnv(
      {
        ...production,
        BACKCHANNEL_LOGOUT_ALLOW_PRIVATE: 'true',
        OAUTH_CLIENTS: client('http://10.0.0.7:8080/bcl'),
      },
      { serves: false },
    );
    expect(allowed.logout.allowPrivate).toBe(true);
    expect(allowed.oauth.clients.find((c) => c.clientId === 'internal-rp')).toMatchObject({
      backchannelLogoutUri: 'http://10.0.0.7:8080/bcl',
    });
    // https stays required for a host name, setting or not.
    expect(() =>
      AppConfig.fromEnv(
        {
          ...production,
          BACKCHANNEL_LOGOUT_ALLOW_PRIVATE: 'true',
          OAUTH_CLIENTS: client('http://rp.internal/bcl'),
        },
        { serves: false },
      ),
    ).toThrow(/may use http only on a loopback host or a private IP address/);
    expect(
      AppConfig.fromEnv({ ...base, BACKCHANNEL_LOGOUT_ALLOW_PRIVATE: 'false' }).logout.allowPrivate,
    ).toBe(false);
  });

  it('reads CIBA_NOTIFICATION_ALLOW_PRIVATE: on outside production, off in production unless set, and it opens addresses, not plain http', () => {
    const production = { ...base, NODE_ENV: 'production', KEY_ENCRYPTION_SECRET: 'x'.repeat(32) };
    expect(AppConfig.fromEnv(base).ciba.allowPrivate).toBe(true);
    expect(AppConfig.fromEnv(production, { serves: false }).ciba.allowPrivate).toBe(false);
    const allowed = AppConfig.fromEnv(
      {
        ...production,
        CIBA_NOTIFICATION_ALLOW_PRIVATE: 'true',
        CIBA_NOTIFY_URL: 'https://push.internal/ciba',
      },
      { serves: false },
    );
    expect(allowed.ciba).toMatchObject({
      allowPrivate: true,
      notifyUrl: 'https://push.internal/ciba',
    });
    expect(() =>
      AppConfig.fromEnv(
        {
          ...production,
          CIBA_NOTIFICATION_ALLOW_PRIVATE: 'true',
          CIBA_NOTIFY_URL: 'http://10.0.0.7/ciba',
        },
        { serves: false },
      ),
    ).toThrow(/CIBA_NOTIFY_URL must be https/);
    expect(
      AppConfig.fromEnv({ ...base, CIBA_NOTIFICATION_ALLOW_PRIVATE: 'false' }).ciba.allowPrivate,
    ).toBe(false);
  });

  it('reads OAUTH_CLIENTS request object settings (RFC 9101): a private_key_jwt client only', () => {
    const entry = (settings: Record<string, unknown>) =>
      JSON.stringify([
        {
          client_id: 'signer',
          redirect_uris: ['https://rp.example/cb'],
          request_object_signing_alg: 'PS256',
          require_signed_request_object: true,
          ...settings,
        },
      ]);
    const keys = {
      token_endpoint_auth_method: 'private_key_jwt',
      jwks_uri: 'https://rp.example/jwks.json',
    };
    const read = AppConfig.fromEnv({ ...base, OAUTH_CLIENTS: entry(keys) });
    expect(read.oauth.clients.find((c) => c.clientId === 'signer')).toMatchObject({
      requestObjectSigningAlg: 'PS256',
      requireSignedRequestObject: true,
    });
    expect(() =>
      AppConfig.fromEnv({ ...base, OAUTH_CLIENTS: entry({ client_secret: 'a-secret-of-the-rp' }) }),
    ).toThrow(/OAUTH_CLIENTS\[0\]\.request_object_signing_alg needs the client's public keys/);
    expect(() =>
      AppConfig.fromEnv({
        ...base,
        OAUTH_CLIENTS: entry({ ...keys, request_object_signing_alg: 'HS256' }),
      }),
    ).toThrow(/request_object_signing_alg must be one of ES256, PS256, RS256, EdDSA/);
  });

  it.each([
    ['id_token_signed_response_alg', 'idTokenSignedResponseAlg'],
    ['userinfo_signed_response_alg', 'userinfoSignedResponseAlg'],
  ])('reads OAUTH_CLIENTS %s: ES256 or RS256, absent by default', (name, field) => {
    const entry = (settings: Record<string, unknown>) =>
      JSON.stringify([{ client_id: 'rp', redirect_uris: ['https://rp.example/cb'], ...settings }]);
    const client = (env: Record<string, string>) =>
      AppConfig.fromEnv({ ...base, ...env }).oauth.clients.find((c) => c.clientId === 'rp');
    expect(client({ OAUTH_CLIENTS: entry({}) })).not.toHaveProperty(field);
    for (const alg of ['ES256', 'RS256']) {
      expect(client({ OAUTH_CLIENTS: entry({ [name]: alg }) })).toMatchObject({ [field]: alg });
    }
    for (const alg of ['none', 'HS256', 'PS256', 256]) {
      expect(() => client({ OAUTH_CLIENTS: entry({ [name]: alg }) })).toThrow(
        new RegExp(`OAUTH_CLIENTS\\[0\\]\\.${name} must be one of ES256, RS256`),
      );
    }
  });

  it('reads OAUTH_CLIENTS logo_uri, policy_uri and tos_uri: https URLs, absent by default', () => {
    const entry = (settings: Record<string, unknown>) =>
      JSON.stringify([{ client_id: 'rp', redirect_uris: ['https://rp.example/cb'], ...settings }]);
    const client = (settings: Record<string, unknown>) =>
      AppConfig.fromEnv({ ...base, OAUTH_CLIENTS: entry(settings) }).oauth.clients.find(
        (c) => c.clientId === 'rp',
      );
    expect(client({})).not.toHaveProperty('logoUri');
    expect(
      client({
        logo_uri: 'https://rp.example/logo.png',
        policy_uri: 'https://rp.example/privacy',
        tos_uri: 'https://rp.example/terms',
      }),
    ).toMatchObject({
      logoUri: 'https://rp.example/logo.png',
      policyUri: 'https://rp.example/privacy',
      tosUri: 'https://rp.example/terms',
    });
    expect(() => client({ tos_uri: 'http://rp.example/terms' })).toThrow(
      /OAUTH_CLIENTS\[0\]\.tos_uri must be an https URL/,
    );
  });

  it('reads OAUTH_CLIENTS request_uris: at most 10 URLs, http only outside production', () => {
    const entry = (uris: unknown) =>
      JSON.stringify([
        { client_id: 'rp', redirect_uris: ['https://rp.example/cb'], request_uris: uris },
      ]);
    const production = {
      NODE_ENV: 'production',
      KEY_ENCRYPTION_SECRET: 'x'.repeat(32),
      ISSUER: 'https://auth.example.test',
    };
    const client = (env: Record<string, string>) =>
      AppConfig.fromEnv({ ...base, ...env }).oauth.clients.find((c) => c.clientId === 'rp');
    expect(
      client({
        OAUTH_CLIENTS: entry(['http://127.0.0.1:8080/r.jwt', 'https://rp.example/r.jwt#h']),
      }),
    ).toMatchObject({ requestUris: ['http://127.0.0.1:8080/r.jwt', 'https://rp.example/r.jwt#h'] });
    expect(
      client({ ...production, OAUTH_CLIENTS: entry(['https://rp.example/r.jwt']) }),
    ).toMatchObject({ requestUris: ['https://rp.example/r.jwt'] });
    expect(() =>
      client({ ...production, OAUTH_CLIENTS: entry(['http://rp.example/r.jwt']) }),
    ).toThrow(/OAUTH_CLIENTS\[0\]\.request_uris\[0\] must be an https URL/);
    expect(() => client({ OAUTH_CLIENTS: entry('https://rp.example/r.jwt') })).toThrow(
      /OAUTH_CLIENTS\[0\]\.request_uris must be an array of URLs/,
    );
  });

  it('reads CONSENT_LOGO_ORIGINS: bare https origins, none by default', () => {
    expect(AppConfig.fromEnv(base).oauth.consentLogoOrigins).toEqual([]);
    expect(
      AppConfig.fromEnv({
        ...base,
        CONSENT_LOGO_ORIGINS: 'https://cdn.example.com, https://logos.example:8443',
      }).oauth.consentLogoOrigins,
    ).toEqual(['https://cdn.example.com', 'https://logos.example:8443']);
    for (const value of [
      'http://cdn.example.com',
      'https://cdn.example.com/logos',
      '*',
      'https:',
    ]) {
      expect(() => AppConfig.fromEnv({ ...base, CONSENT_LOGO_ORIGINS: value })).toThrow(
        /CONSENT_LOGO_ORIGINS must list bare https origins/,
      );
    }
  });

  it('reads CLIENT_METADATA_DNS_SERVERS: addresses with optional ports (unset: the system servers)', () => {
    expect(AppConfig.fromEnv(base).clientMetadata.dnsServers).toBeUndefined();
    expect(
      AppConfig.fromEnv({
        ...base,
        CLIENT_METADATA_DNS_SERVERS: '192.0.2.53, 192.0.2.54:5353,2001:db8::53,[2001:db8::54]:5353',
      }).clientMetadata.dnsServers,
    ).toEqual(['192.0.2.53', '192.0.2.54:5353', '2001:db8::53', '[2001:db8::54]:5353']);
  });

  describe('CLIENT_METADATA_CA_FILE (extra CAs for document fetches)', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'proofgate-ca-spec-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reads every certificate of the bundle at boot', () => {
      const bundle = [selfSignedCertificate(['a.example']), selfSignedCertificate(['b.example'])]
        .map(({ cert }) => cert)
        .join('');
      writeFileSync(join(dir, 'bundle.pem'), `# private PKI\n${bundle}`);
      const config = AppConfig.fromEnv({
        ...base,
        CLIENT_METADATA_CA_FILE: join(dir, 'bundle.pem'),
      });
      expect(config.clientMetadata.extraCaCertificates).toHaveLength(2);
      expect(config.clientMetadata.extraCaCertificates?.join('')).toBe(bundle);
    });

    it('refuses to start with a missing file, or one without a parsable certificate', () => {
      expect(() =>
        AppConfig.fromEnv({ ...base, CLIENT_METADATA_CA_FILE: join(dir, 'missing.pem') }),
      ).toThrow(/CLIENT_METADATA_CA_FILE: cannot read/);
      writeFileSync(join(dir, 'empty.pem'), 'not a certificate');
      expect(() =>
        AppConfig.fromEnv({ ...base, CLIENT_METADATA_CA_FILE: join(dir, 'empty.pem') }),
      ).toThrow(/holds no PEM certificate/);
      writeFileSync(
        join(dir, 'broken.pem'),
        '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
      );
      expect(() =>
        AppConfig.fromEnv({ ...base, CLIENT_METADATA_CA_FILE: join(dir, 'broken.pem') }),
      ).toThrow(/certificate 1 of .* does not parse/);
    });
  });

  it.each([
    [
      '[{"client_id": "app",\n  "client_secret": "s3cret-value" "redirect_uris": []}]',
      "Expected ',' or '}' after property value (line 2, column 35)",
    ],
    ['[{"client_id": "app",}]', 'Expected double-quoted property name (line 1, column 22)'],
    ['[{"client_id": "app"}', "Expected ',' or ']' after array element (line 1, column 22)"],
    ['s3cret-value', 'Unexpected token'],
  ])('says where OAUTH_CLIENTS stops being JSON, never quoting it: %j', (value, where) => {
    let message = '';
    try {
      AppConfig.fromEnv({ ...base, OAUTH_CLIENTS: value });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(`OAUTH_CLIENTS must be a JSON array of clients: ${where}`);
    expect(message).not.toContain('s3cret');
  });

  it("names every broken client of OAUTH_CLIENTS at once, not the first one's alone", () => {
    const good = {
      client_id: 'rp',
      client_secret: 'rp-secret',
      redirect_uris: ['https://rp.example/cb'],
    };
    let problems: readonly string[] = [];
    try {
      AppConfig.fromEnv({
        ...base,
        OAUTH_CLIENTS: JSON.stringify(['rp', good, { ...good, client_id: 'a b' }]),
      });
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    expect(problems).toEqual([
      'OAUTH_CLIENTS[0] must be an object',
      'OAUTH_CLIENTS[2].client_id must be 1-64 characters of [A-Za-z0-9._-]',
    ]);
  });

  it.each([
    [
      'OAUTH_CLIENTS',
      '[{"client_id":"app","redirect_uris":["https://app.example/cb"],"client_id":"other"}]',
      'client_id',
    ],
    [
      'RESOURCE_SERVERS',
      '[{"resource":"https://api.example/","scopes":{"read":"Read","read":"Write"}}]',
      'read',
    ],
    ['ACR_REQUIRED_BY_SCOPE', '{"api":"phr","api":"phrh"}', 'api'],
  ])(
    'refuses to start when %s names a member twice, naming it (JSON.parse keeps the last silently)',
    (name, value, member) => {
      let message = '';
      try {
        AppConfig.fromEnv({ ...base, [name]: value });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message.split('\n')).toContain(`${name} names member "${member}" twice`);
      // The same setting, the member written once: no refusal of it.
      const once = value.replace(/,"(?:client_id":"other|read":"Write|api":"phrh)"/, '');
      expect(() => AppConfig.fromEnv({ ...base, [name]: once })).not.toThrow();
    },
  );

  it('reads WORKERS: 1 unless set, a whole number up to 64 or auto, and refuses anything else', () => {
    const workers = (value?: string) =>
      AppConfig.fromEnv({ ...base, ...(value === undefined ? {} : { WORKERS: value }) }).server
        .workers;
    expect(workers()).toBe(1);
    expect(workers('4')).toBe(4);
    expect(workers('auto')).toBe('auto');
    expect(workers('AUTO')).toBe('auto');
    for (const bad of ['0', '65', 'two', '1.5', '-1']) {
      expect(() => workers(bad)).toThrow(/WORKERS must be a whole number from 1 to 64, or auto/);
    }
  });

  it('takes a wallet domain with a port, an audience that is a URN, a wallet URL with a query', () => {
    const config = AppConfig.fromEnv({
      ...base,
      WALLET_DOMAIN: 'localhost:25000',
      ACCESS_TOKEN_AUDIENCE: 'urn:example:api',
      OID4VP_WALLET_URL: 'https://wallet.example/start?lang=en',
    });
    expect(config.wallet.domain).toBe('localhost:25000');
    expect(config.tokens.audience).toBe('urn:example:api');
    expect(config.oid4vp.walletUrl).toBe('https://wallet.example/start?lang=en');
    expect(AppConfig.fromEnv({ ...base, SIWE_DOMAIN: '[::1]:8080' }).wallet.domain).toBe(
      '[::1]:8080',
    );
    // Unset: the host of WALLET_URI, itself the origin of ISSUER.
    expect(AppConfig.fromEnv({ ...base, ISSUER: 'https://id.example:8443' }).wallet.domain).toBe(
      'id.example:8443',
    );
  });

  it('derives the issuer from PORT and strips a trailing slash from ISSUER', () => {
    expect(AppConfig.fromEnv({ ...base, PORT: '8080' }).server.issuer).toBe(
      'http://localhost:8080',
    );
    expect(AppConfig.fromEnv({ ...base, ISSUER: 'https://auth.example.com/' }).server.issuer).toBe(
      'https://auth.example.com',
    );
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT must be a whole number'],
    [{ PORT: '70000' }, 'PORT must be between 0 and 65535'],
    [{ ISSUER: 'ftp://x' }, 'ISSUER must be an http(s) URL'],
    [{ ISSUER: 'http://x/?a=1' }, 'ISSUER must not carry a query'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV must be one of development, test, production'],
    [{ MONGODB_URI: 'postgres://x' }, 'MONGODB_URI must be a mongodb://'],
    [{ AUTH_CODE_TTL_SECONDS: '0' }, 'AUTH_CODE_TTL_SECONDS must be between 1 and 600'],
    [{ TOKEN_SIGNING_ALG: 'HS256' }, 'TOKEN_SIGNING_ALG must be one of ES256, RS256'],
    [{ SIWE_CHAIN_IDS: '1,abc' }, 'SIWE_CHAIN_IDS must list chain ids'],
    [{ SIWE_RPC_URLS: '1=notaurl' }, 'SIWE_RPC_URLS must be "chainId=url" pairs'],
    [
      { SIWS_CHAINS: 'solana:mainnet,solana:localnet' },
      'SIWS_CHAINS must list Solana chains among solana:mainnet, solana:devnet, solana:testnet (or their CAIP-2 ids), got "solana:mainnet,solana:localnet"',
    ],
    [
      { SIWB_CHAINS: 'mainnet,signet' },
      'SIWB_CHAINS must list Bitcoin chains among mainnet, testnet (or their CAIP-2 ids: bip122:000000000019d6689c085ae165831e93, bip122:000000000933ea01ad0ee984209779ba), got "mainnet,signet"',
    ],
    [{ WALLET_DOMAIN: 'https://auth.example/x y' }, 'WALLET_DOMAIN must be a lower-case host'],
    [{ SIWE_DOMAIN: 'Auth.Example.com' }, 'SIWE_DOMAIN must be a lower-case host'],
    [{ WALLET_DOMAIN: 'user@auth.example' }, 'WALLET_DOMAIN must be a lower-case host'],
    [{ ACCESS_TOKEN_AUDIENCE: 'not a uri' }, 'ACCESS_TOKEN_AUDIENCE must be an absolute URI'],
    [{ ACCESS_TOKEN_AUDIENCE: 'https://api.example/#x' }, 'ACCESS_TOKEN_AUDIENCE must be'],
    [{ OID4VP_WALLET_URL: 'javascript:alert(1)//' }, 'OID4VP_WALLET_URL must be a URL a wallet'],
    [{ OID4VP_WALLET_URL: 'notaurl' }, 'OID4VP_WALLET_URL must be a URL a wallet app opens'],
    [{ KEY_ENCRYPTION_SECRET: 'short' }, 'KEY_ENCRYPTION_SECRET must be at least 32 characters'],
    [{ METRICS_ENABLED: 'maybe' }, 'METRICS_ENABLED must be true or false'],
    [{ DOCS_ENABLED: '2' }, 'DOCS_ENABLED must be true or false'],
    [{ RATE_LIMIT_REGISTER_PER_IP: '0' }, 'RATE_LIMIT_REGISTER_PER_IP must be between 1'],
    [
      { ACCOUNT_CREATIONS_PER_IP_PER_HOUR: '0' },
      'ACCOUNT_CREATIONS_PER_IP_PER_HOUR must be between 1',
    ],
    [{ REGISTRATION_OPEN: 'maybe' }, 'REGISTRATION_OPEN must be true or false'],
    [
      { REGISTRATION_INITIAL_ACCESS_TOKEN: 'short' },
      'REGISTRATION_INITIAL_ACCESS_TOKEN must be at least 32 characters',
    ],
    [{ CLIENT_METADATA_DOCUMENTS: 'x' }, 'CLIENT_METADATA_DOCUMENTS must be true or false'],
    [{ CLIENT_METADATA_DNS_SERVERS: 'dns.example' }, 'CLIENT_METADATA_DNS_SERVERS must list'],
    [{ CLIENT_METADATA_DNS_SERVERS: '192.0.2.53:0' }, 'CLIENT_METADATA_DNS_SERVERS must list'],
    [{ CLIENT_METADATA_DNS_SERVERS: '[192.0.2.53]:53' }, 'CLIENT_METADATA_DNS_SERVERS must list'],
    [{ CLIENT_METADATA_DNS_SERVERS: '192.0.2.53,' }, 'CLIENT_METADATA_DNS_SERVERS must list'],
    // NIST SP 800-63B §5.2.2: no more than 100 consecutive failed attempts on one account.
    [{ LOGIN_FAILURES_PER_ACCOUNT: '101' }, 'LOGIN_FAILURES_PER_ACCOUNT must be between 1 and 100'],
    [
      { CLIENT_AUTH_MAX_CONCURRENT_HASHES: '0' },
      'CLIENT_AUTH_MAX_CONCURRENT_HASHES must be between',
    ],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => AppConfig.fromEnv({ ...base, ...env })).toThrow(ConfigError);
    expect(() => AppConfig.fromEnv({ ...base, ...env })).toThrow(message);
  });

  it('requires MONGODB_URI and KEY_ENCRYPTION_SECRET in production', () => {
    expect(() => AppConfig.fromEnv({ NODE_ENV: 'production' })).toThrow(
      'MONGODB_URI is required when NODE_ENV=production',
    );
    expect(() => AppConfig.fromEnv({ ...base, NODE_ENV: 'production' })).toThrow(
      'KEY_ENCRYPTION_SECRET is required when NODE_ENV=production',
    );
    const secret = 'x'.repeat(32);
    expect(
      AppConfig.fromEnv({
        ...base,
        NODE_ENV: 'production',
        KEY_ENCRYPTION_SECRET: secret,
        ISSUER: 'https://auth.example.test',
      }).server.isProduction,
    ).toBe(true);
  });

  describe('the production preflight', () => {
    const production = {
      ...base,
      NODE_ENV: 'production',
      KEY_ENCRYPTION_SECRET: 'x'.repeat(32),
      ISSUER: 'https://auth.example.test',
    };

    it('refuses an http ISSUER unless ALLOW_INSECURE_ISSUER=true', () => {
      const http = { ...production, ISSUER: 'http://auth.example.test' };
      expect(() => AppConfig.fromEnv(http)).toThrow(
        'ISSUER must be an https URL when NODE_ENV=production, got http://auth.example.test',
      );
      expect(() => AppConfig.fromEnv({ ...production, ISSUER: undefined })).toThrow(
        /ISSUER must be an https URL .*got http:\/\/localhost:25000/,
      );
      const allowed = AppConfig.fromEnv({ ...http, ALLOW_INSECURE_ISSUER: 'true' });
      expect(allowed.server).toMatchObject({
        issuer: 'http://auth.example.test',
        allowInsecureIssuer: true,
      });
      expect(() => AppConfig.fromEnv({ ...http, ALLOW_INSECURE_ISSUER: 'maybe' })).toThrow(
        'ALLOW_INSECURE_ISSUER must be true or false',
      );
    });

    it('refuses LAB_ENABLED=true without an ADMIN_TOKEN', () => {
      expect(() => AppConfig.fromEnv({ ...production, LAB_ENABLED: 'true' })).toThrow(
        'LAB_ENABLED=true requires ADMIN_TOKEN when NODE_ENV=production',
      );
      const withToken = { ...production, LAB_ENABLED: 'true', ADMIN_TOKEN: 'a'.repeat(32) };
      expect(AppConfig.fromEnv(withToken).lab.enabled).toBe(true);
    });

    it('refuses EMAIL_LOGIN=true without SMTP_URL; left unset, email waits for a transport', () => {
      expect(() => AppConfig.fromEnv({ ...production, EMAIL_LOGIN: 'true' })).toThrow(
        'EMAIL_LOGIN=true requires SMTP_URL when NODE_ENV=production',
      );
      expect(AppConfig.fromEnv(production).mail).toMatchObject({
        transport: 'none',
        emailLogin: false,
      });
      const smtp = { ...production, SMTP_URL: 'smtps://user:pw@smtp.example.test:465' };
      expect(AppConfig.fromEnv(smtp).mail).toMatchObject({ transport: 'smtp', emailLogin: true });
      expect(AppConfig.fromEnv({ ...smtp, EMAIL_LOGIN: 'false' }).mail.emailLogin).toBe(false);
      // Outside production the embedded catcher is a transport.
      expect(AppConfig.fromEnv({ ...production, NODE_ENV: 'development' }).mail).toMatchObject({
        transport: 'embedded',
        emailLogin: true,
      });
    });

    it('lists both refusals at once, and changes nothing outside production', () => {
      const unsafe = { ...production, ISSUER: 'http://auth.example.test', LAB_ENABLED: 'true' };
      expect(() => AppConfig.fromEnv(unsafe)).toThrow(
        expect.objectContaining({
          problems: [expect.stringMatching(/^ISSUER/), expect.stringMatching(/^LAB_ENABLED/)],
        }),
      );
      for (const NODE_ENV of ['development', 'test']) {
        expect(AppConfig.fromEnv({ ...unsafe, NODE_ENV }).lab.enabled).toBe(true);
      }
    });

    it('does not apply to the admin CLI, which serves nothing', () => {
      const unsafe = { ...production, ISSUER: 'http://auth.example.test', LAB_ENABLED: 'true' };
      expect(AppConfig.fromEnv(unsafe, { serves: false }).server.isProduction).toBe(true);
    });
  });

  it('serves /metrics and /docs openly outside production only, unless told otherwise', () => {
    const production = {
      ...base,
      NODE_ENV: 'production',
      KEY_ENCRYPTION_SECRET: 'x'.repeat(32),
      ISSUER: 'https://auth.example.test',
    };
    expect(AppConfig.fromEnv(base).operator).toEqual({
      metricsEnabled: true,
      docsEnabled: true,
      adminAuditRetentionDays: 400,
    });
    expect(AppConfig.fromEnv(production).operator).toEqual({
      metricsEnabled: false,
      docsEnabled: false,
      adminAuditRetentionDays: 400,
    });
    expect(
      AppConfig.fromEnv({ ...production, METRICS_ENABLED: 'true', DOCS_ENABLED: 'false' }).operator,
    ).toEqual({ metricsEnabled: true, docsEnabled: false, adminAuditRetentionDays: 400 });
  });

  it.each([
    ['http on a public host', 'http://app.example/cb', 'may use http only on a loopback host'],
    ['an empty fragment', 'https://app.example/cb#', 'must not contain a fragment'],
    ['a javascript: URI', 'javascript:alert(1)', 'must use https'],
    ['a scheme that is not reverse-domain', 'myapp:/cb', 'must use https'],
    ['userinfo', 'http://:@127.0.0.1/cb', 'must not contain userinfo'],
    ['127.1 for 127.0.0.1', 'http://127.1/cb', 'may use http only on a loopback host'],
    ['an upper-case loopback host', 'http://LOCALHOST/cb', 'may use http only on a loopback host'],
    ['a wildcard host', 'https://*.example.com/cb', 'must name a host of letters, digits'],
    ['an underscore in the host', 'https://a_b.example/cb', 'must name a host of letters'],
    [
      'a private-use scheme whose first label is javascript',
      'javascript.x:/cb',
      'must not use a private-use scheme whose first label is a URL scheme',
    ],
    ['a data. private-use scheme', 'data.evil.app:/cb', 'must not use a private-use scheme'],
    [
      'the cloud metadata address',
      'https://169.254.169.254/cb',
      'must not name a link-local or cloud metadata address',
    ],
    ['an IPv6 link-local host', 'https://[fe80::1]/cb', 'must not name a link-local'],
    [
      'an IPv4-mapped link-local host',
      'https://[::ffff:a9fe:a9fe]/cb',
      'must not name a link-local',
    ],
    ['the AWS IPv6 metadata address', 'https://[fd00:ec2::254]/cb', 'must not name a link-local'],
    [
      'a dot segment',
      'https://app.example/a/../cb',
      'must be written in normalised form, as URL parsing gives it back',
    ],
  ])('refuses a redirect URI with %s', (_what, uri, message) => {
    const env = {
      ...base,
      OAUTH_CLIENTS: JSON.stringify([{ client_id: 'c', redirect_uris: [uri] }]),
    };
    expect(() => AppConfig.fromEnv(env)).toThrow(`OAUTH_CLIENTS[0].redirect_uris ${message}`);
  });

  it.each([
    'https://app.example/cb',
    'https://app.example/cb?tenant=1',
    'http://127.0.0.1:8080/cb',
    'http://[::1]/cb',
    'http://localhost:3000/cb',
    'com.example.app:/oauth2redirect',
    'https://xn--bcher-kva.example/cb',
    'https://203.0.114.7/cb',
    'com.javascript.app:/cb',
  ])('accepts the redirect URI %s', (uri) => {
    const env = {
      ...base,
      OAUTH_CLIENTS: JSON.stringify([{ client_id: 'c', redirect_uris: [uri] }]),
    };
    expect(AppConfig.fromEnv(env).oauth.clients.at(-1)?.redirectUris).toEqual([uri]);
  });

  it.each([
    ['a fragment', 'https://api.example/#x', 'must not contain a fragment'],
    ['a relative URI', '/api', 'must be absolute URIs'],
    ['a non-string', 42, 'must be strings'],
  ])('refuses a resource (RFC 8707) with %s', (_what, resource, message) => {
    const env = {
      ...base,
      OAUTH_CLIENTS: JSON.stringify([
        { client_id: 'c', redirect_uris: ['https://app.example/cb'], resources: [resource] },
      ]),
    };
    expect(() => AppConfig.fromEnv(env)).toThrow(`OAUTH_CLIENTS[0].resources ${message}`);
  });

  it.each(['https://api.example', 'https://api.example/v1', 'urn:example:calendar'])(
    'accepts the resource %s',
    (resource) => {
      const env = {
        ...base,
        OAUTH_CLIENTS: JSON.stringify([
          { client_id: 'c', redirect_uris: ['https://app.example/cb'], resources: [resource] },
        ]),
      };
      expect(AppConfig.fromEnv(env).oauth.clients.at(-1)?.resources).toEqual([resource]);
    },
  );

  it('reads require_pkce: false for a confidential client, never for a public one', () => {
    const clients = (entry: Record<string, unknown>) => ({
      ...base,
      OAUTH_CLIENTS: JSON.stringify([
        { client_id: 'rp', redirect_uris: ['https://rp.example/cb'], ...entry },
      ]),
    });
    const configured = (entry: Record<string, unknown>) =>
      AppConfig.fromEnv(clients(entry)).oauth.clients.find((c) => c.clientId === 'rp');
    expect(configured({ client_secret: 'rp-secret', require_pkce: false })).toMatchObject({
      requirePkce: false,
    });
    expect(configured({ client_secret: 'rp-secret' })).not.toHaveProperty('requirePkce');
    expect(configured({ client_secret: 'rp-secret', require_pkce: true })).not.toHaveProperty(
      'requirePkce',
    );
    expect(() => AppConfig.fromEnv(clients({ require_pkce: false }))).toThrow(
      'OAUTH_CLIENTS[0].require_pkce may be false only for a confidential client: a public client always uses PKCE',
    );
    expect(() =>
      AppConfig.fromEnv(clients({ client_secret: 'rp-secret', require_pkce: 'no' })),
    ).toThrow('OAUTH_CLIENTS[0].require_pkce must be true or false');
  });

  it('refuses a client entry with a field it does not know, rather than pass it over', () => {
    const env = (entry: unknown) => ({ ...base, OAUTH_CLIENTS: JSON.stringify([entry]) });
    const entry = {
      client_id: 'rp',
      client_secret: 'rp-secret',
      redirect_uris: ['https://rp.example/cb'],
    };
    // A misspelt flag would otherwise leave the client without what the operator asked for.
    expect(() => AppConfig.fromEnv(env({ ...entry, dpop_bound_access_token: true }))).toThrow(
      /^OAUTH_CLIENTS\[0\] has unknown field\(s\) dpop_bound_access_token \(known: client_id, client_secret, /,
    );
    expect(() => AppConfig.fromEnv(env('rp'))).toThrow('OAUTH_CLIENTS[0] must be an object');
    expect(AppConfig.fromEnv(env(entry)).oauth.clients.at(-1)?.clientId).toBe('rp');
    // RFC 7591's response_types, as registration metadata carries it: read here, held to the
    // grant types at start (configured-client-grants.spec.ts).
    const machine = {
      client_id: 'm',
      client_secret: 'm-secret',
      grant_types: ['client_credentials'],
    };
    expect(
      AppConfig.fromEnv(env({ ...machine, response_types: [] })).oauth.clients.at(-1),
    ).toMatchObject({
      clientId: 'm',
      responseTypes: [],
    });
    expect(() => AppConfig.fromEnv(env({ ...entry, response_types: ['token'] }))).toThrow(
      'OAUTH_CLIENTS[0].response_types must be an array of code',
    );
    expect(
      AppConfig.fromEnv(env({ ...entry, response_types: ['code', 'code'] })).oauth.clients.at(-1),
    ).toMatchObject({
      clientId: 'rp',
      responseTypes: ['code'],
    });
  });

  it("reads a client's scope (RFC 7591 §2), normalised, and refuses a malformed one", () => {
    const configured = (scope: unknown) =>
      AppConfig.fromEnv({
        ...base,
        OAUTH_CLIENTS: JSON.stringify([
          { client_id: 'rp', redirect_uris: ['https://rp.example/cb'], scope },
        ]),
      }).oauth.clients.find((c) => c.clientId === 'rp');
    expect(configured(' openid  profile openid')).toMatchObject({ scope: 'openid profile' });
    expect(() => configured(['openid'])).toThrow(
      'OAUTH_CLIENTS[0].scope must be a string of space-separated scope values',
    );
    expect(() => configured('openid admin:read')).toThrow(
      'OAUTH_CLIENTS[0].scope may not name admin:read',
    );
  });

  it.each(['dcr_0123', 'DCR_0123', 'https://app.example/client.json'])(
    'refuses the client_id %s, reserved for clients that register themselves',
    (clientId) => {
      const env = {
        ...base,
        OAUTH_CLIENTS: JSON.stringify([
          { client_id: clientId, redirect_uris: ['https://app.example/cb'] },
        ]),
      };
      expect(() => AppConfig.fromEnv(env)).toThrow(
        clientId.startsWith('https')
          ? 'OAUTH_CLIENTS[0].client_id must be 1-64 characters of [A-Za-z0-9._-]'
          : 'OAUTH_CLIENTS[0].client_id must not start with "dcr_" (reserved for dynamically registered clients)',
      );
    },
  );

  it('seeds demo clients that pass the same redirect URI rules', () => {
    const ids = AppConfig.fromEnv(base).oauth.clients.map((client) => client.clientId);
    expect(ids).toEqual(['demo-client', 'demo-spa', 'demo-agent', 'demo-agent-2']);
  });

  it('counts rate limits in MongoDB unless RATE_LIMIT_STORE=memory, and refuses other stores', () => {
    expect(AppConfig.fromEnv(base).rateLimits.store).toBe('mongo');
    expect(AppConfig.fromEnv({ ...base, RATE_LIMIT_STORE: 'memory' }).rateLimits.store).toBe(
      'memory',
    );
    expect(() => AppConfig.fromEnv({ ...base, RATE_LIMIT_STORE: 'redis' })).toThrow(ConfigError);
  });

  it('reads first_party (default false); the demo clients are first-party', () => {
    const entries = [
      { client_id: 'own', redirect_uris: ['https://own.example/cb'], first_party: true },
      { client_id: 'partner', redirect_uris: ['https://partner.example/cb'] },
    ];
    const clients = AppConfig.fromEnv({ ...base, OAUTH_CLIENTS: JSON.stringify(entries) }).oauth
      .clients;
    expect(clients.map((client) => [client.clientId, client.firstParty === true])).toEqual([
      ['demo-client', true],
      ['demo-spa', true],
      ['demo-agent', true],
      ['demo-agent-2', true],
      ['own', true],
      ['partner', false],
    ]);
    const invalid = [
      { client_id: 'c', redirect_uris: ['https://c.example/cb'], first_party: 'yes' },
    ];
    expect(() => AppConfig.fromEnv({ ...base, OAUTH_CLIENTS: JSON.stringify(invalid) })).toThrow(
      'OAUTH_CLIENTS[0].first_party must be true or false',
    );
  });

  it('parses per-chain RPC URLs', () => {
    const config = AppConfig.fromEnv({
      ...base,
      SIWE_CHAIN_IDS: '1, 8453',
      SIWE_RPC_URLS: '1=https://rpc.one/v1?key=a,8453=http://127.0.0.1:8545',
    });
    expect(config.wallet.allowedChainIds).toEqual([1, 8453]);
    expect(config.wallet.rpcUrls).toEqual({
      1: 'https://rpc.one/v1?key=a',
      8453: 'http://127.0.0.1:8545',
    });
  });

  it('reads SIWS_CHAINS by Wallet Standard name or CAIP-2 id, mainnet only by default', () => {
    expect(AppConfig.fromEnv(base).wallet.solanaChains.map((c) => c.name)).toEqual([
      'solana:mainnet',
    ]);
    const config = AppConfig.fromEnv({
      ...base,
      SIWS_CHAINS: 'solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1, solana:mainnet,solana:devnet',
    });
    expect(config.wallet.solanaChains).toEqual([
      { name: 'solana:devnet', caip2: 'solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1' },
      { name: 'solana:mainnet', caip2: 'solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp' },
    ]);
  });
});

describe('the mail settings', () => {
  it('takes an smtp:// or smtps:// SMTP_URL, never echoing it, and one mailbox as MAIL_FROM', () => {
    expect(AppConfig.fromEnv({ ...base, ISSUER: 'http://auth.example.test' }).mail.from).toBe(
      'Proofgate <no-reply@auth.example.test>',
    );
    const set = AppConfig.fromEnv({
      ...base,
      SMTP_URL: 'smtp://user:secret@mail.example.test:587',
      MAIL_FROM: 'Sign-in <signin@example.test>',
    }).mail;
    expect(set).toMatchObject({ transport: 'smtp', from: 'Sign-in <signin@example.test>' });
    for (const url of ['http://user:secret@mail.example.test', 'not a url secret']) {
      let message = '';
      try {
        AppConfig.fromEnv({ ...base, SMTP_URL: url });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/^SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/);
      expect(message).not.toContain('secret');
    }
    expect(() =>
      AppConfig.fromEnv({ ...base, MAIL_FROM: 'two@example.test, three@example.test' }),
    ).toThrow('MAIL_FROM must be one mailbox');
  });
});

describe('SIWB_CHAINS', () => {
  it('is Bitcoin mainnet alone by default; testnet only when listed, by name or CAIP-2 id', () => {
    expect(AppConfig.fromEnv(base).wallet.bitcoinChains).toEqual([
      'bip122:000000000019d6689c085ae165831e93',
    ]);
    const config = AppConfig.fromEnv({
      ...base,
      SIWB_CHAINS: 'bip122:000000000933ea01ad0ee984209779ba, mainnet,testnet',
    });
    expect(config.wallet.bitcoinChains).toEqual([
      'bip122:000000000933ea01ad0ee984209779ba',
      'bip122:000000000019d6689c085ae165831e93',
    ]);
  });
});

describe('AppConfig.fromEnv with several invalid variables', () => {
  it('reports every one of them, one problem per variable', () => {
    const env = {
      ...base,
      PORT: 'abc',
      NODE_ENV: 'staging',
      MONGODB_URI: 'postgres://x',
      METRICS_ENABLED: 'maybe',
      TRUST_PROXY: 'nonsense',
      OAUTH_CLIENTS: '[',
    };
    let caught: unknown;
    try {
      AppConfig.fromEnv(env);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems;
    expect(problems.map((p) => p.split(' ', 1)[0]).sort()).toEqual([
      'METRICS_ENABLED',
      'MONGODB_URI',
      'NODE_ENV',
      'OAUTH_CLIENTS',
      'PORT',
      'TRUST_PROXY',
    ]);
    expect((caught as ConfigError).message.split('\n')).toEqual(problems);
  });
});

describe('TRUST_PROXY', () => {
  it.each([
    [undefined, false],
    ['0', false],
    ['1', 1],
    ['loopback', ['loopback']],
    ['10.0.0.0/8, 192.168.1.7,fd00::/8', ['10.0.0.0/8', '192.168.1.7', 'fd00::/8']],
  ])('reads %j as %j', (value, expected) => {
    const env = value === undefined ? base : { ...base, TRUST_PROXY: value };
    expect(AppConfig.fromEnv(env).server.trustProxy).toEqual(expected);
  });

  it.each(['true', 'yes', '10.0.0.0/33', '300.1.1.1', 'proxy.internal', '1,2', '99'])(
    'refuses %j naming the variable',
    (value) => {
      expect(() => AppConfig.fromEnv({ ...base, TRUST_PROXY: value })).toThrow(/^TRUST_PROXY must/);
    },
  );
});

describe('AppConfig.fromEnv: passkeys (WebAuthn relying party)', () => {
  it('defaults to ISSUER: its host the RP ID, its origin the one origin, a 10-minute recent login', () => {
    const config = AppConfig.fromEnv({ ...base, ISSUER: 'https://auth.example.com' });
    expect(config.passkeys).toEqual({
      rpId: 'auth.example.com',
      origins: ['https://auth.example.com'],
      recentLoginSeconds: 600,
      relatedOrigins: [],
      attestation: 'none',
      trustedAttestationRoots: [],
      mdsRoots: [],
      requireHardware: false,
      allowedAaguids: [],
    });
  });

  it('takes a parent domain as RP ID with origins under it', () => {
    const config = AppConfig.fromEnv({
      ...base,
      ISSUER: 'https://auth.example.com',
      WEBAUTHN_RP_ID: 'example.com',
      WEBAUTHN_ORIGINS: 'https://auth.example.com,https://app.example.com',
    });
    expect(config.passkeys).toMatchObject({
      rpId: 'example.com',
      origins: ['https://auth.example.com', 'https://app.example.com'],
    });
  });

  it('reads related origins: labels counted as browsers count them, the same origin once', () => {
    const config = AppConfig.fromEnv({
      ...base,
      ISSUER: 'https://auth.example.com',
      // example.com and example.co.uk are one label; a.github.io and b.github.io two (github.io is
      // a suffix of the list's private section, which browsers read): four in all.
      WEBAUTHN_RELATED_ORIGINS:
        'https://shop.example.co.uk,https://example.com,https://a.github.io,https://b.github.io,' +
        'https://brand.example,https://example.com',
    });
    expect(config.passkeys.relatedOrigins).toEqual([
      'https://shop.example.co.uk',
      'https://example.com',
      'https://a.github.io',
      'https://b.github.io',
      'https://brand.example',
    ]);
  });

  it('refuses an ISSUER on an IP address without WEBAUTHN_RP_ID, in one line saying what to set', () => {
    const refusal = (env: Record<string, string>): string[] => {
      try {
        AppConfig.fromEnv({ ...base, ...env });
      } catch (error) {
        if (error instanceof ConfigError) return [...error.problems];
        throw error;
      }
      return [];
    };
    expect(refusal({ ISSUER: 'http://127.0.0.1:25000' })).toEqual([
      "ISSUER's host 127.0.0.1 is an IP address, which browsers refuse as a WebAuthn RP ID: set WEBAUTHN_RP_ID to the domain the pages are served from (e.g. localhost), and WEBAUTHN_ORIGINS to their origins when their host is not that domain (e.g. http://localhost:25000)",
    ]);
    expect(refusal({ ISSUER: 'https://[::1]' })).toEqual([
      expect.stringMatching(
        /^ISSUER's host \[::1\] is an IP address.*\(e\.g\. https:\/\/localhost\)$/,
      ),
    ]);
    // WEBAUTHN_RP_ID alone: the origin (ISSUER's, on the IP) is not under it, and is said so.
    expect(refusal({ ISSUER: 'http://127.0.0.1:25000', WEBAUTHN_RP_ID: 'localhost' })).toEqual([
      expect.stringMatching(
        /^WEBAUTHN_ORIGINS: http:\/\/127\.0\.0\.1:25000 is not on the RP ID localhost/,
      ),
    ]);
    const config = AppConfig.fromEnv({
      ...base,
      ISSUER: 'http://127.0.0.1:25000',
      WEBAUTHN_RP_ID: 'localhost',
      WEBAUTHN_ORIGINS: 'http://localhost:25000',
    });
    expect(config.passkeys).toMatchObject({
      rpId: 'localhost',
      origins: ['http://localhost:25000'],
    });
  });

  it.each([
    [
      { WEBAUTHN_RP_ID: '127.0.0.1' },
      /WEBAUTHN_RP_ID must be a domain name: browsers refuse an IP address/,
    ],
    [{ WEBAUTHN_RP_ID: '[::1]' }, /WEBAUTHN_RP_ID must be a domain name/],
    [{ WEBAUTHN_RP_ID: 'https://example.com' }, /WEBAUTHN_RP_ID must be a lower-case domain name/],
    [{ WEBAUTHN_ORIGINS: 'http://auth.example.com' }, /WEBAUTHN_ORIGINS must list https origins/],
    [{ WEBAUTHN_ORIGINS: 'https://localhost/app' }, /WEBAUTHN_ORIGINS must list bare origins/],
    [
      { WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://example.org' },
      /WEBAUTHN_ORIGINS: https:\/\/example\.org is not on the RP ID example\.com/,
    ],
    [{ ACCOUNT_RECENT_LOGIN_SECONDS: '4' }, /ACCOUNT_RECENT_LOGIN_SECONDS must be between 5/],
    [
      { WEBAUTHN_RELATED_ORIGINS: 'http://shop.example.org' },
      /WEBAUTHN_RELATED_ORIGINS must list bare https origins/,
    ],
    [
      { WEBAUTHN_RELATED_ORIGINS: 'https://localhost:3000' },
      /WEBAUTHN_RELATED_ORIGINS: https:\/\/localhost:3000 is on no registrable domain/,
    ],
    [
      { WEBAUTHN_RELATED_ORIGINS: 'https://shop.example.org/login' },
      /WEBAUTHN_RELATED_ORIGINS must list bare https origins/,
    ],
    [
      {
        WEBAUTHN_RELATED_ORIGINS:
          'https://a.example,https://b.example,https://c.example,https://d.example,https://e.example,https://f.example',
      },
      /^WEBAUTHN_RELATED_ORIGINS names 6 registrable domains \(a, b, c, d, e, f\): browsers read at most 5/,
    ],
  ])('refuses %j at start', (env, message) => {
    expect(() => AppConfig.fromEnv({ ...base, ...env })).toThrow(message);
  });
});
