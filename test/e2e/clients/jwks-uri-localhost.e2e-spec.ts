/**
 * A private_key_jwt client whose jwks_uri is on `localhost` (issue #47, item 4): the OpenID
 * Foundation's suite, run beside the server, publishes its client keys under a host name its
 * machine knows from the hosts file. The name resolves as the operating system resolves it
 * (hosts file, `localhost` as loopback, then DNS), and the SSRF guard still checks the address:
 * with CLIENT_METADATA_ALLOW_PRIVATE the set is fetched, without it loopback is refused.
 */
import * as oauth from 'oauth4webapi';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { LogDestination } from '../../../src/platform/logging/log-destination';
import { CapturedLog } from '../../support/captured-log';
import { INSECURE, discover } from '../../support/oauth-discovery';
import { startListeningApp } from '../../support/test-app';

const CLIENT_ID = 'agent-on-localhost';

describe('a jwks_uri on localhost (fapi2-security-profile-final-happy-flow with the client keys at the suite)', () => {
  let jwksServer: Server;
  let port: number;
  let privateKey: CryptoKey;
  let publicJwk: JWK;
  let fetches = 0;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKey = pair.privateKey;
    publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'localhost-1' };
    jwksServer = createServer((_request, response) => {
      fetches += 1;
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ keys: [publicJwk] }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    port = (jwksServer.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => jwksServer.close(resolve)));

  /** An app with one client whose keys are at `jwksUri`, and its metadata as the library read it. */
  async function appWith(jwksUri: string, env: Record<string, string>, log: CapturedLog) {
    const { t, issuer } = await startListeningApp(
      {
        LOG_LEVEL: 'warn',
        ...env,
        OAUTH_CLIENTS: JSON.stringify([
          {
            client_id: CLIENT_ID,
            grant_types: ['client_credentials'],
            token_endpoint_auth_method: 'private_key_jwt',
            jwks_uri: jwksUri,
          },
        ]),
      },
      '127.0.0.1',
      [[LogDestination, log]],
    );
    return { t, as: await discover(issuer) };
  }

  /** A client_credentials request as oauth4webapi sends it, with its private_key_jwt assertion. */
  const tokenRequest = (as: oauth.AuthorizationServer) =>
    oauth.clientCredentialsGrantRequest(
      as,
      { client_id: CLIENT_ID },
      oauth.PrivateKeyJwt(privateKey),
      { scope: 'api' },
      INSECURE,
    );

  it('fetches the keys at http://localhost:<port> and authenticates the client (private addresses allowed)', async () => {
    const { t, as } = await appWith(
      `http://localhost:${port}/jwks.json`,
      { CLIENT_METADATA_ALLOW_PRIVATE: 'true' },
      new CapturedLog(),
    );
    try {
      // Before the fix: `localhost` went to DNS only (ENOTFOUND), and the client was refused.
      const tokens = await oauth.processClientCredentialsResponse(
        as,
        { client_id: CLIENT_ID },
        await tokenRequest(as),
      );
      expect(decodeJwt(tokens.access_token)).toMatchObject({ client_id: CLIENT_ID });
      expect(fetches).toBe(1);
    } finally {
      await t.close();
    }
  });

  it('refuses https://localhost for its loopback address without CLIENT_METADATA_ALLOW_PRIVATE', async () => {
    const log = new CapturedLog();
    const before = fetches;
    const { t, as } = await appWith(`https://localhost:${port}/jwks.json`, {}, log);
    try {
      const response = await tokenRequest(as);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        error: 'invalid_client',
        error_description: "The client's jwks_uri could not be fetched or holds no usable keys",
      });
      // Refused for the address the name resolves to, before any connection (before the fix
      // the name never resolved: "the host name does not resolve (ENOTFOUND)").
      expect(fetches).toBe(before);
      expect(log.records().map((record) => record.msg)).toContain(
        `jwks_uri of localhost:${port} unusable: the host resolves to a non-public address (loopback)`,
      );
    } finally {
      await t.close();
    }
  });
});
