/**
 * packages/resource-server (issue #81 item 2) against a started Proofgate: its tokens are signed
 * by the service's own keys, which the package reads from discovery and /jwks.json over HTTP, as
 * any API would. The plain face guards a node:http API; the NestJS face a Nest controller.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Controller, Get, UseGuards, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { decodeProtectedHeader } from 'jose';
import request from 'supertest';
import { createResourceServer, type VerifiedClaims } from '@proofgate/resource-server';
import {
  Claims,
  RequireAcr,
  RequireScopes,
  ResourceServerGuard,
} from '@proofgate/resource-server/nest';
import { AccessTokenService } from '../../../src/tokens/access-token.service';
import type { SignAccessTokenInput } from '../../../src/tokens/access-token';
import { SigningKeyService } from '../../../src/tokens/signing-keys/signing-key.service';
import { dpopKey, signProof } from '../../support/dpop';
import { useListeningApp } from '../../support/use-test-app';

/** The API's resource identifier; it is reached at a local port (the package's `url` option). */
const RESOURCE = 'https://notes.example/api';
const ALGS = 'algs="ES256 EdDSA Ed25519 RS256 PS256"';
const METADATA =
  'resource_metadata="https://notes.example/.well-known/oauth-protected-resource/api"';

describe('@proofgate/resource-server against a started Proofgate', () => {
  const t = useListeningApp();
  let api: Server;
  let apiUrl: string;

  /** An access token the service signs with its current key, for RESOURCE unless told. */
  async function accessToken(input: Partial<SignAccessTokenInput> = {}): Promise<string> {
    const { token } = await t.app.get(AccessTokenService).sign({
      audience: RESOURCE,
      sub: 'user1',
      clientId: 'demo-client',
      scope: 'notes',
      authMethod: 'password',
      grantId: randomUUID(),
      authTime: Math.floor(Date.now() / 1000),
      acr: 'urn:proofgate:acr:1fa',
      ...input,
    });
    return token;
  }

  beforeAll(async () => {
    api = createServer();
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    const check = createResourceServer({
      issuer: t.issuer,
      resource: RESOURCE,
      scopes: ['notes'],
      url: apiUrl,
      // A rotated key is fetched at the first token that names it (the default waits 30 s).
      jwks: { cooldownMs: 0 },
    });
    // The plain face on a node:http API: /notes needs the `notes` scope, /vault a passkey (phr).
    api.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const route = req.url?.startsWith('/api/vault') ? { acr: 'phr' } : {};
      void check(req, route).then((verdict) => {
        for (const [name, value] of Object.entries(verdict.headers)) res.setHeader(name, value);
        res.statusCode = verdict.ok ? 200 : verdict.status;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(verdict.ok ? { sub: verdict.claims.sub } : verdict.body));
      });
    });
  });
  afterAll(() => new Promise<void>((resolve) => api.close(() => resolve())));

  const get = (path: string) => request(apiUrl).get(path);

  it('admits a token of the service for this resource', async () => {
    const res = await get('/api/notes')
      .set('Authorization', `Bearer ${await accessToken()}`)
      .expect(200);
    expect(res.body).toEqual({ sub: 'user1' });
  });

  it('answers no token with a bare Bearer challenge naming the metadata', async () => {
    const res = await get('/api/notes').expect(401);
    expect(res.headers['www-authenticate']).toBe(`Bearer ${METADATA}`);
  });

  it('refuses a token for another resource, and an expired one: invalid_token', async () => {
    const other = await get('/api/notes')
      .set('Authorization', `Bearer ${await accessToken({ audience: `${t.issuer}/api` })}`)
      .expect(401);
    expect(other.headers['www-authenticate']).toBe(
      'Bearer error="invalid_token", error_description="The access token is for another resource", ' +
        METADATA,
    );
    const expired = await accessToken({ notAfter: Math.floor(Date.now() / 1000) - 60 });
    const late = await get('/api/notes').set('Authorization', `Bearer ${expired}`).expect(401);
    expect(late.body).toEqual({
      error: 'invalid_token',
      error_description: 'The access token expired',
    });
  });

  it('answers a missing scope 403 insufficient_scope naming the scope', async () => {
    const res = await get('/api/notes')
      .set('Authorization', `Bearer ${await accessToken({ scope: 'profile' })}`)
      .expect(403);
    expect(res.headers['www-authenticate']).toBe(
      'Bearer error="insufficient_scope", error_description="The access token lacks the scope notes", ' +
        `scope="notes", ${METADATA}`,
    );
  });

  it('answers an acr too low with the RFC 9470 challenge, and admits a passkey sign-in', async () => {
    const res = await get('/api/vault')
      .set('Authorization', `Bearer ${await accessToken()}`)
      .expect(401);
    expect(res.headers['www-authenticate']).toBe(
      'Bearer error="insufficient_user_authentication", ' +
        'error_description="This resource needs a sign-in of acr phr; authorize again with acr_values=phr", ' +
        `acr_values="phr", ${METADATA}`,
    );
    await get('/api/vault')
      .set('Authorization', `Bearer ${await accessToken({ acr: 'phr', authMethod: 'passkey' })}`)
      .expect(200);
  });

  describe('a DPoP-bound token (RFC 9449)', () => {
    it('needs a proof, refuses it replayed, for another URL or another token', async () => {
      const key = await dpopKey();
      const token = await accessToken({ jkt: key.jkt });
      const htu = `${apiUrl}/api/notes`;
      const send = (proof?: string) => {
        const req = get('/api/notes?page=2').set('Authorization', `DPoP ${token}`);
        return proof === undefined ? req : req.set('DPoP', proof);
      };

      const none = await send().expect(401);
      expect(none.headers['www-authenticate']).toBe(
        'DPoP error="invalid_dpop_proof", error_description="A DPoP proof is required with the DPoP scheme", ' +
          `${ALGS}, ${METADATA}`,
      );

      const proof = await signProof(key, { htm: 'GET', htu, accessToken: token });
      await send(proof).expect(200);
      const replayed = await send(proof).expect(401);
      expect(replayed.body).toEqual({
        error: 'invalid_dpop_proof',
        error_description: 'The DPoP proof was already used (jti replay)',
      });

      const elsewhere = await signProof(key, {
        htm: 'GET',
        htu: 'https://notes.example/api/notes',
        accessToken: token,
      });
      expect((await send(elsewhere).expect(401)).body.error_description).toBe(
        'The DPoP proof is for another URI (htu)',
      );
      const otherToken = await signProof(key, { htm: 'GET', htu, accessToken: 'another' });
      expect((await send(otherToken).expect(401)).body.error_description).toBe(
        'The DPoP proof does not carry the hash of this access token (ath)',
      );
    });

    it('is refused as a Bearer token, in the DPoP scheme (§7.2)', async () => {
      const key = await dpopKey();
      const res = await get('/api/notes')
        .set('Authorization', `Bearer ${await accessToken({ jkt: key.jkt })}`)
        .expect(401);
      expect(res.headers['www-authenticate']).toMatch(/^DPoP error="invalid_token", /);
      expect(res.headers['www-authenticate']).toContain(ALGS);
    });
  });

  it('follows a rotation of the service’s signing key: the new key’s token verifies', async () => {
    const before = await accessToken();
    await get('/api/notes').set('Authorization', `Bearer ${before}`).expect(200);
    await t.app.get(SigningKeyService).rotate();
    const after = await accessToken();
    expect(decodeProtectedHeader(after).kid).not.toBe(decodeProtectedHeader(before).kid);
    await get('/api/notes').set('Authorization', `Bearer ${after}`).expect(200);
  });

  describe('the NestJS face', () => {
    let nest: INestApplication;

    beforeAll(async () => {
      const guard = new ResourceServerGuard({ issuer: t.issuer, resource: RESOURCE });

      @Controller('api/notes')
      @UseGuards(guard)
      @RequireScopes('notes')
      class NotesController {
        @Get()
        list(@Claims() claims: VerifiedClaims) {
          return { sub: claims.sub, scopes: claims.scopes };
        }

        @Get('shared')
        @RequireScopes('notes:share')
        shared() {
          return { shared: true };
        }

        @Get('vault')
        @RequireAcr('phr')
        vault() {
          return { vault: true };
        }
      }

      const moduleRef = await Test.createTestingModule({
        controllers: [NotesController],
      }).compile();
      nest = moduleRef.createNestApplication({ logger: false });
      await nest.init();
    });
    afterAll(() => nest.close());

    it('hands the handler the verified claims', async () => {
      const res = await request(nest.getHttpServer())
        .get('/api/notes')
        .set('Authorization', `Bearer ${await accessToken({ scope: 'notes profile' })}`)
        .expect(200);
      expect(res.body).toEqual({ sub: 'user1', scopes: ['notes', 'profile'] });
    });

    it('answers @RequireScopes with 403 and the scopes of the controller and the route', async () => {
      const res = await request(nest.getHttpServer())
        .get('/api/notes/shared')
        .set('Authorization', `Bearer ${await accessToken()}`)
        .expect(403);
      expect(res.body).toEqual({
        error: 'insufficient_scope',
        error_description: 'The access token lacks the scope notes:share',
      });
      expect(res.headers['www-authenticate']).toContain('scope="notes notes:share"');
    });

    it('answers @RequireAcr with 401 insufficient_user_authentication and acr_values', async () => {
      const res = await request(nest.getHttpServer())
        .get('/api/notes/vault')
        .set('Authorization', `Bearer ${await accessToken()}`)
        .expect(401);
      expect(res.body.error).toBe('insufficient_user_authentication');
      expect(res.headers['www-authenticate']).toContain('acr_values="phr"');
    });

    it('answers no token with the bare challenge', async () => {
      const res = await request(nest.getHttpServer()).get('/api/notes').expect(401);
      expect(res.headers['www-authenticate']).toBe(`Bearer ${METADATA}`);
    });
  });
});
