import { randomUUID } from 'node:crypto';
import { SignJWT, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import {
  ErrorAnswer,
  LabStepFailed,
  Outcome,
  allOf,
  describeReply,
  errorOutcome,
} from './expectations';
import { HttpClient, Reply, field } from './http';

/**
 * The demo machine client the service seeds with SEED_DEMO_DATA (`demo-agent`, private_key_jwt,
 * registered for client_credentials, token exchange and the JWT-bearer grant), and its private
 * key: a demo key, published like `demo-secret`, never a production client's.
 */
export const DEMO_AGENT = {
  id: 'demo-agent',
  privateJwk: {
    kty: 'EC',
    crv: 'P-256',
    kid: 'demo-agent-1',
    x: 'Mmyx6zj42ELI3st5I0XOOgwObeFwEo_Ba7v_MFnd3x4',
    y: 'oh-OW8TzCXvoSj25n27oeB-mzYEltYCSv40EG_f-MJM',
    d: 'o7UIALlmjNE6odum4WdOrzzTjCUvxC-qGJWD3LxcCQc',
  } satisfies JWK,
} as const;
/** The demo confidential client, whose secret the HS256 row uses as a MAC key. */
const SECRET_CLIENT = { id: 'demo-client', secret: 'demo-secret' };

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

const INVALID_CLIENT: ErrorAnswer = { status: 401, error: 'invalid_client' };

/**
 * Attacks on how a machine client proves itself at /token (RFC 7523 §2.2, §3) and on what it
 * gets (RFC 7523 §2.1, RFC 8693), over HTTP only, as the demo agent: each one sent, and refused.
 */
export class ClientAuthLab {
  private readonly http: HttpClient;
  private key?: CryptoKey | Uint8Array;

  constructor(
    baseUrl: string,
    private readonly issuer: string,
    signal?: AbortSignal,
  ) {
    this.http = new HttpClient(baseUrl, signal);
  }

  private async agentKey(): Promise<CryptoKey | Uint8Array> {
    this.key ??= await importJWK(DEMO_AGENT.privateJwk, 'ES256');
    return this.key;
  }

  /** A client assertion of the demo agent (RFC 7523 §3); `aud` the issuer unless given. */
  async assertion(aud = this.issuer): Promise<string> {
    return new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', kid: DEMO_AGENT.privateJwk.kid })
      .setIssuer(DEMO_AGENT.id)
      .setSubject(DEMO_AGENT.id)
      .setAudience(aud)
      .setIssuedAt()
      .setExpirationTime('60s')
      .sign(await this.agentKey());
  }

  /** POST /token as the demo agent, with a fresh client assertion. */
  async tokenAsAgent(form: Record<string, string>): Promise<Reply> {
    return this.token(form, await this.assertion());
  }

  private token(form: Record<string, string>, assertion: string): Promise<Reply> {
    return this.http.post('/token', {
      form: { ...form, client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: assertion },
    });
  }

  /** client_credentials as the demo agent, with a fresh assertion: its own `api` token. */
  private async clientToken(): Promise<string> {
    const reply = await this.token(
      { grant_type: 'client_credentials', scope: 'api' },
      await this.assertion(),
    );
    const token = field(reply.json, 'access_token');
    if (reply.status !== 200 || !token) {
      throw new LabStepFailed(
        `client_credentials as ${DEMO_AGENT.id}: ${describeReply(reply)} (is SEED_DEMO_DATA on?)`,
      );
    }
    return token;
  }

  // --- scenarios -------------------------------------------------------------------------

  /** RFC 7523 §3: a `jti` is accepted once; the same assertion again is refused. */
  async replayedAssertion(): Promise<Outcome> {
    const assertion = await this.assertion();
    const form = { grant_type: 'client_credentials', scope: 'api' };
    const first = await this.token(form, assertion);
    if (first.status !== 200) throw new LabStepFailed(`first use: ${describeReply(first)}`);
    return allOf(
      { expected: 'first 200', answered: 'first 200', passed: true },
      errorOutcome(await this.token(form, assertion), INVALID_CLIENT),
    );
  }

  /** RFC 7523 §3: `aud` must name this server; an assertion made for another is refused. */
  async wrongAudience(): Promise<Outcome> {
    const reply = await this.token(
      { grant_type: 'client_credentials', scope: 'api' },
      await this.assertion('https://other-server.example/token'),
    );
    return errorOutcome(reply, INVALID_CLIENT);
  }

  /**
   * RFC 7523 §2.1: a JWT-bearer grant is honoured only from an issuer the operator trusts
   * (JWT_BEARER_ISSUERS). The agent authenticates properly and presents an assertion it signed
   * itself, naming an issuer nobody configured.
   */
  async untrustedIssuer(): Promise<Outcome> {
    const { privateKey } = await generateKeyPair('ES256');
    const grant = await new SignJWT({ jti: randomUUID(), client_id: DEMO_AGENT.id, scope: 'api' })
      .setProtectedHeader({ alg: 'ES256', typ: 'oauth-id-jag+jwt' })
      .setIssuer('https://untrusted-idp.example')
      .setSubject('alice')
      .setAudience(this.issuer)
      .setIssuedAt()
      .setExpirationTime('60s')
      .sign(privateKey);
    const reply = await this.token(
      { grant_type: JWT_BEARER_GRANT, assertion: grant },
      await this.assertion(),
    );
    return errorOutcome(reply, { status: 400, error: 'invalid_grant' });
  }

  /**
   * RFC 7523 §3, RFC 8725 §3.1: a client assertion is verified with the client's registered
   * public keys only; an HS256 assertion keyed with the client's own secret (what
   * client_secret_jwt would send) is refused, as any HS* or `none`.
   */
  async hs256WithSecret(): Promise<Outcome> {
    const assertion = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(SECRET_CLIENT.id)
      .setSubject(SECRET_CLIENT.id)
      .setAudience(this.issuer)
      .setIssuedAt()
      .setExpirationTime('60s')
      .sign(new TextEncoder().encode(SECRET_CLIENT.secret));
    const reply = await this.http.post('/token', {
      form: {
        grant_type: 'client_credentials',
        client_assertion_type: CLIENT_ASSERTION_TYPE,
        client_assertion: assertion,
      },
    });
    return errorOutcome(reply, INVALID_CLIENT);
  }

  /** RFC 8693 §2.2.2: an exchanged token may be narrower than its subject token, never wider. */
  async scopeEscalationByExchange(): Promise<Outcome> {
    const subject = await this.clientToken();
    const reply = await this.token(
      {
        grant_type: TOKEN_EXCHANGE_GRANT,
        subject_token: subject,
        subject_token_type: ACCESS_TOKEN_TYPE,
        scope: 'api profile',
      },
      await this.assertion(),
    );
    return errorOutcome(reply, {
      status: 400,
      error: 'invalid_scope',
      description: 'The requested scope exceeds the scope of the subject token',
    });
  }
}
