import { AppConfig } from '../app-config';
import { configProblems } from '../../../test/support/config-problems';
import { trustedIssuers } from './jwt-bearer.config';

const NAME = 'JWT_BEARER_ISSUERS';
const read = (value: unknown, production = false) =>
  trustedIssuers({ [NAME]: JSON.stringify(value) }, NAME, production);

const problems = configProblems;

describe('JWT_BEARER_ISSUERS', () => {
  it('is empty when unset', () => {
    expect(trustedIssuers({}, NAME, false)).toEqual([]);
  });

  it('reads issuers with their JWKS, audience, scopes and clients', () => {
    expect(
      read([
        { issuer: 'https://idp.example', jwks_uri: 'https://idp.example/jwks.json' },
        {
          issuer: 'https://k8s.example',
          jwks_uri: 'https://k8s.example/openid/v1/jwks',
          audience: 'proofgate',
          scopes: ['api', 'api'],
          clients: ['planner', 'https://agent.example/client.json', 'planner'],
        },
      ]),
    ).toEqual([
      { issuer: 'https://idp.example', jwksUri: 'https://idp.example/jwks.json' },
      {
        issuer: 'https://k8s.example',
        jwksUri: 'https://k8s.example/openid/v1/jwks',
        audience: 'proofgate',
        scopes: ['api'],
        clients: ['planner', 'https://agent.example/client.json'],
      },
    ]);
  });

  it('takes an http loopback jwks_uri outside production only', () => {
    const local = [{ issuer: 'local', jwks_uri: 'http://127.0.0.1:7400/jwks' }];
    expect(read(local)).toHaveLength(1);
    expect(problems(() => read(local, true))).toEqual([
      'JWT_BEARER_ISSUERS[0].jwks_uri must be https when NODE_ENV=production (http is for a loopback issuer in development), got "http://127.0.0.1:7400/jwks"',
    ]);
  });

  it('reports every problem of every entry, each on its own line', () => {
    expect(
      problems(() =>
        read([
          { issuer: '', jwks_uri: 'https://a.example/jwks' },
          { issuer: 'b', jwks_uri: 'http://idp.example/jwks' },
          { issuer: 'c', jwks_uri: 'https://c.example/jwks', scope: ['api'] },
          { issuer: 'd', jwks_uri: 'https://d.example/jwks', scopes: 'api' },
          { issuer: 'e', jwks_uri: 'https://user:pw@e.example/jwks' },
          { issuer: 'f', jwks_uri: 'https://f.example/jwks' },
          { issuer: 'f', jwks_uri: 'https://f.example/other' },
          { issuer: 'g', jwks_uri: 'https://g.example/jwks', clients: [] },
          { issuer: 'h', jwks_uri: 'https://h.example/jwks', clients: ['a b'] },
          { issuer: 'i', jwks_uri: 'https://i.example/jwks', clients: 'planner' },
        ]),
      ),
    ).toEqual([
      "JWT_BEARER_ISSUERS[0].issuer must be a non-empty string (the assertions' iss)",
      'JWT_BEARER_ISSUERS[1].jwks_uri must be https (http only on 127.0.0.1, [::1] or localhost, outside production), got "http://idp.example/jwks"',
      'JWT_BEARER_ISSUERS[2] has unknown field(s) scope (known: issuer, jwks_uri, audience, scopes, clients)',
      'JWT_BEARER_ISSUERS[3].scopes must be an array of scope values',
      'JWT_BEARER_ISSUERS[4].jwks_uri must not carry credentials, got "https://…@e.example/jwks"',
      'JWT_BEARER_ISSUERS[6].issuer is listed twice',
      ...['g', 'h', 'i'].map(
        (_, index) =>
          `JWT_BEARER_ISSUERS[${7 + index}].clients must be a non-empty array of client_ids (the clients that may present its workload JWTs naming no client)`,
      ),
    ]);
  });

  it('refuses what is not a JSON array, and stops the start with it', () => {
    const shape =
      'JWT_BEARER_ISSUERS must be a JSON array of { "issuer", "jwks_uri", "audience"?, "scopes"?, "clients"? }';
    // Not JSON: where it stops being JSON, as every JSON setting says it.
    expect(problems(() => trustedIssuers({ [NAME]: '{nope' }, NAME, false))).toEqual([
      `${shape}: Expected property name or '}' (line 1, column 2)`,
    ]);
    expect(problems(() => read({ issuer: 'x' }))).toEqual([shape]);
    expect(
      problems(() =>
        AppConfig.fromEnv({
          NODE_ENV: 'test',
          MONGODB_URI: 'mongodb://127.0.0.1:1/unit_test',
          KEY_ENCRYPTION_SECRET: 'unit-test-key-encryption-secret-0123456789',
          [NAME]: '[1]',
        }),
      ),
    ).toContain('JWT_BEARER_ISSUERS[0] must be an object { "issuer", "jwks_uri", ... }');
  });
});
