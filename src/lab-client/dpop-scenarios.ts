import { randomBytes, randomUUID, createHash } from 'node:crypto';
import {
  SignJWT,
  calculateJwkThumbprint,
  decodeJwt,
  exportJWK,
  generateKeyPair,
  type CryptoKey,
  type JWK,
} from 'jose';
import {
  ErrorAnswer,
  LabStepFailed,
  Outcome,
  allOf,
  describeError,
  describeReply,
  errorOutcome,
  matchesError,
  statusOutcome,
} from './expectations';
import { HttpClient, Reply, field } from './http';
import type { PkceLab } from './pkce-scenarios';
import { PUBLIC_CLIENT, publicCode } from './public-client';

/** The demo user the PKCE lab signs in (README, Quick start). */
const USERNAME = 'user0';

/** A client's DPoP key (RFC 9449 §2): ES256, made with jose, never the service's code. */
export class DpopKey {
  private constructor(
    private readonly privateKey: CryptoKey,
    private readonly jwk: JWK,
    /** RFC 7638 thumbprint: what `cnf.jkt` of a token bound to this key must say. */
    readonly jkt: string,
  ) {}

  static async generate(): Promise<DpopKey> {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = await exportJWK(publicKey);
    return new DpopKey(privateKey, jwk, await calculateJwkThumbprint(jwk));
  }

  /** RFC 9449 §4.2: a fresh proof (new `jti`, `iat` now) for one request. */
  proof(claims: {
    htm: string;
    htu: string;
    accessToken?: string;
    nonce?: string;
  }): Promise<string> {
    return new SignJWT({
      htm: claims.htm,
      htu: claims.htu,
      jti: randomUUID(),
      ...(claims.nonce === undefined ? {} : { nonce: claims.nonce }),
      ...(claims.accessToken === undefined
        ? {}
        : { ath: createHash('sha256').update(claims.accessToken).digest('base64url') }),
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: this.jwk })
      .setIssuedAt()
      .sign(this.privateKey);
  }
}

/** Whether the service requires DPoP nonces, as its GET /challenge-models says. */
export interface NoncePolicy {
  required?: boolean;
  /** Where that came from, for the row's text. */
  source: string;
}

const NONCE_REQUIRED: ErrorAnswer = {
  status: 400,
  error: 'use_dpop_nonce',
  description: 'A DPoP nonce is required: retry with the one in DPoP-Nonce',
};
const NONCE_STALE: ErrorAnswer = {
  status: 400,
  error: 'use_dpop_nonce',
  description: 'The DPoP nonce is stale or unknown: retry with the one in DPoP-Nonce',
};

interface BoundTokens {
  accessToken: string;
  refreshToken: string;
}

/**
 * A public client (the demo SPA) that sender-constrains its tokens with DPoP (RFC 9449), over
 * HTTP only; codes come from the user's browser of the PKCE lab. It behaves as a real client
 * does: a fresh proof per request, carrying the latest `DPoP-Nonce` the service handed out, and
 * one retry when told `use_dpop_nonce` (§8). The attacks send their one request as they are.
 */
export class DpopLab {
  private readonly api: HttpClient;
  /** The latest server nonce (RFC 9449 §8), from any answer's `DPoP-Nonce`. */
  private nonce?: string;

  constructor(
    baseUrl: string,
    /** `issuer` of the RFC 8414 metadata (RFC 9207 `iss`). */
    private readonly issuer: string,
    /** `token_endpoint` of the metadata: the `htu` of a proof for /token. */
    private readonly tokenEndpoint: string,
    private readonly browser: PkceLab,
    signal?: AbortSignal,
  ) {
    this.api = new HttpClient(baseUrl, signal);
  }

  private get meUrl(): string {
    return new URL('/api/me', this.issuer).href;
  }

  /** POST /token with `proof`, once; keeps any nonce handed out. */
  private async token(form: Record<string, string>, proof: string): Promise<Reply> {
    const reply = await this.api.post('/token', {
      form: { ...form, client_id: PUBLIC_CLIENT.id },
      headers: { dpop: proof },
    });
    this.nonce = reply.headers.get('dpop-nonce') ?? this.nonce;
    return reply;
  }

  /** As a client sends a token request: a fresh proof of `key`, retried once for a new nonce. */
  private async honestToken(form: Record<string, string>, key: DpopKey): Promise<Reply> {
    const send = async () =>
      this.token(
        form,
        await key.proof({ htm: 'POST', htu: this.tokenEndpoint, nonce: this.nonce }),
      );
    const reply = await send();
    return field(reply.json, 'error') === 'use_dpop_nonce' ? send() : reply;
  }

  private exchangeForm(code: string, verifier: string): Record<string, string> {
    return {
      grant_type: 'authorization_code',
      code,
      redirect_uri: PUBLIC_CLIENT.redirectUri,
      code_verifier: verifier,
    };
  }

  /** GET /api/me with a DPoP-bound token and a proof of `key` (`ath`), retried once for a nonce. */
  private async me(accessToken: string, key: DpopKey): Promise<Reply> {
    const send = async () => {
      const proof = await key.proof({
        htm: 'GET',
        htu: this.meUrl,
        accessToken,
        nonce: this.nonce,
      });
      const reply = await this.api.get('/api/me', {
        headers: { authorization: `DPoP ${accessToken}`, dpop: proof },
      });
      this.nonce = reply.headers.get('dpop-nonce') ?? this.nonce;
      return reply;
    };
    const reply = await send();
    return field(reply.json, 'error') === 'use_dpop_nonce' ? send() : reply;
  }

  /** A code exchanged with proofs of `key`: tokens bound to it. */
  private async boundTokens(key: DpopKey): Promise<BoundTokens> {
    const { code, verifier } = await publicCode(this.browser, this.issuer);
    const reply = await this.honestToken(this.exchangeForm(code, verifier), key);
    const accessToken = field(reply.json, 'access_token');
    const refreshToken = field(reply.json, 'refresh_token');
    if (reply.status !== 200 || !accessToken || !refreshToken) {
      throw new LabStepFailed(`code exchange with a DPoP proof: ${describeReply(reply)}`);
    }
    return { accessToken, refreshToken };
  }

  /** An attack's one /token request: a fresh code, exchanged with `proof` as it is. */
  private async exchangeOnce(proof: string): Promise<Reply> {
    const { code, verifier } = await publicCode(this.browser, this.issuer);
    return this.token(this.exchangeForm(code, verifier), proof);
  }

  /** Sent as `DPoP` with the current nonce, so that a refusal is for the attack, not the nonce. */
  private tokenProof(key: DpopKey, claims: { htm?: string; htu?: string } = {}): Promise<string> {
    return key.proof({
      htm: claims.htm ?? 'POST',
      htu: claims.htu ?? this.tokenEndpoint,
      nonce: this.nonce,
    });
  }

  // --- scenarios -------------------------------------------------------------------------

  /** RFC 9449 §5, §6, §7: a bound token (`token_type` DPoP, `cnf.jkt`), used with its key. */
  async normalLogin(): Promise<Outcome> {
    const key = await DpopKey.generate();
    const { code, verifier } = await publicCode(this.browser, this.issuer);
    const tokens = await this.honestToken(this.exchangeForm(code, verifier), key);
    const accessToken = field(tokens.json, 'access_token');
    const tokenType = field(tokens.json, 'token_type');
    const jkt = accessToken ? jktOf(accessToken) : undefined;
    const issued = {
      expected: '/token 200 token_type DPoP, cnf.jkt of the key',
      answered: `/token ${describeReply(tokens)} token_type ${tokenType ?? '(none)'}, ${
        jkt === key.jkt ? 'cnf.jkt of the key' : `cnf.jkt ${jkt ?? '(none)'}`
      }`,
      passed: tokens.status === 200 && tokenType === 'DPoP' && jkt === key.jkt,
    };
    if (!accessToken) return allOf(issued);
    const me = await this.me(accessToken, key);
    return allOf(issued, {
      expected: `/api/me with a proof 200 ${USERNAME}`,
      answered: `/api/me with a proof ${describeReply(me)} ${field(me.json, 'sub') ?? ''}`.trim(),
      passed: me.status === 200 && field(me.json, 'sub') === USERNAME,
    });
  }

  /** RFC 9449 §11.1: a proof's `jti` is accepted once; the same proof with another code is refused. */
  async replayedProof(): Promise<Outcome> {
    const key = await DpopKey.generate();
    const proof = await this.tokenProof(key);
    const first = await this.exchangeOnce(proof);
    if (first.status !== 200)
      throw new LabStepFailed(`first use of the proof: ${describeReply(first)}`);
    return errorOutcome(await this.exchangeOnce(proof), {
      status: 400,
      error: 'invalid_dpop_proof',
      description: 'The DPoP proof was already used (jti replay)',
    });
  }

  /** RFC 9449 §4.3 (9): `htu` names the request's URI; a proof for /api/me is no proof for /token. */
  async proofForAnotherUrl(): Promise<Outcome> {
    const proof = await this.tokenProof(await DpopKey.generate(), { htu: this.meUrl });
    return errorOutcome(await this.exchangeOnce(proof), {
      status: 400,
      error: 'invalid_dpop_proof',
      description: 'The DPoP proof is for another URI (htu)',
    });
  }

  /** RFC 9449 §4.3 (8): `htm` names the request's method. */
  async proofForAnotherMethod(): Promise<Outcome> {
    const proof = await this.tokenProof(await DpopKey.generate(), { htm: 'GET' });
    return errorOutcome(await this.exchangeOnce(proof), {
      status: 400,
      error: 'invalid_dpop_proof',
      description: 'The DPoP proof is for another HTTP method (htm)',
    });
  }

  /** RFC 9449 §7.2: a stolen bound token sent as a bearer token, without the key: 401, DPoP challenge. */
  async boundTokenAsBearer(): Promise<Outcome> {
    const { accessToken } = await this.boundTokens(await DpopKey.generate());
    const reply = await this.api.get('/api/me', {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    const challenge = reply.headers.get('www-authenticate') ?? '';
    return allOf(
      errorOutcome(reply, {
        status: 401,
        error: 'invalid_token',
        description:
          'The access token is DPoP-bound: send it as "DPoP <token>" with a proof of its key',
      }),
      {
        expected: 'WWW-Authenticate: DPoP with algs',
        answered: `WWW-Authenticate: ${challenge.split(' ')[0] || '(none)'}${
          /\balgs="/.test(challenge) ? ' with algs' : ''
        }`,
        passed: challenge.startsWith('DPoP ') && /\balgs="/.test(challenge),
      },
    );
  }

  /**
   * RFC 9449 §5: a public client's refresh token is bound to its DPoP key; refreshing with a
   * proof of another key is refused, and, like any refused request, changes nothing.
   */
  async refreshWithAnotherKey(): Promise<Outcome> {
    const key = await DpopKey.generate();
    const { refreshToken } = await this.boundTokens(key);
    const form = { grant_type: 'refresh_token', refresh_token: refreshToken };
    const attack = errorOutcome(
      await this.token(form, await this.tokenProof(await DpopKey.generate())),
      {
        status: 400,
        error: 'invalid_grant',
        description: 'Refresh token is bound to a DPoP key: present a proof of that key',
      },
    );
    const owner = await this.honestToken(form, key);
    return allOf(attack, statusOutcome("the owner's key then", owner, 200));
  }

  /** What the service says of its nonces: `DPOP_REQUIRE_NONCE` in GET /challenge-models. */
  async noncePolicy(): Promise<NoncePolicy> {
    const reply = await this.api.get('/challenge-models');
    const models = (reply.json as { proof_of_possession?: unknown } | undefined)
      ?.proof_of_possession;
    const dpop = Array.isArray(models)
      ? (models as { id?: unknown; store?: { settings?: Record<string, unknown> } }[]).find(
          (m) => m.id === 'dpop',
        )
      : undefined;
    const setting = /DPOP_REQUIRE_NONCE=(true|false)/.exec(String(dpop?.store?.settings?.nonce));
    if (reply.status !== 200 || !setting) {
      return { source: `GET /challenge-models answered ${reply.status}, no DPOP_REQUIRE_NONCE` };
    }
    return {
      required: setting[1] === 'true',
      source: `DPOP_REQUIRE_NONCE=${setting[1]} (GET /challenge-models)`,
    };
  }

  /**
   * RFC 9449 §8: where the service requires nonces, a proof without one (pre-generated, say) is
   * refused with `use_dpop_nonce` and a `DPoP-Nonce` to use, and the retry with it succeeds.
   * Where it does not (its /challenge-models says so), the proof is accepted as it is.
   */
  async missingNonce(policy: NoncePolicy): Promise<Outcome> {
    if (policy.required === undefined) {
      throw new LabStepFailed(`whether nonces are required is unknown: ${policy.source}`);
    }
    const key = await DpopKey.generate();
    const { code, verifier } = await publicCode(this.browser, this.issuer);
    const form = this.exchangeForm(code, verifier);
    const reply = await this.token(form, await key.proof({ htm: 'POST', htu: this.tokenEndpoint }));
    if (!policy.required) {
      return {
        expected: `${policy.source}: 200, the proof accepted without a nonce`,
        answered: describeReply(reply),
        passed: reply.status === 200,
      };
    }
    return this.nonceRefusal(reply, NONCE_REQUIRED, policy.source, form, key);
  }

  /**
   * RFC 9449 §8: a nonce the service does not accept now is refused with `use_dpop_nonce` and a
   * fresh `DPoP-Nonce`, whether or not nonces are required (a nonce sent is checked). Nonces are
   * opaque to clients, so a stale one and one never issued are alike to them: the lab sends one
   * the service never issued, rather than wait out a real one's lifetime.
   */
  async staleNonce(policy: NoncePolicy): Promise<Outcome> {
    const key = await DpopKey.generate();
    const { code, verifier } = await publicCode(this.browser, this.issuer);
    const form = this.exchangeForm(code, verifier);
    const stale = randomBytes(16).toString('base64url');
    const reply = await this.token(
      form,
      await key.proof({ htm: 'POST', htu: this.tokenEndpoint, nonce: stale }),
    );
    return this.nonceRefusal(reply, NONCE_STALE, policy.source, form, key, stale);
  }

  /** A `use_dpop_nonce` refusal with a new `DPoP-Nonce`, then the retry with it: 200. */
  private async nonceRefusal(
    reply: Reply,
    expected: ErrorAnswer,
    source: string,
    form: Record<string, string>,
    key: DpopKey,
    sent?: string,
  ): Promise<Outcome> {
    const offered = reply.headers.get('dpop-nonce');
    const refused = {
      expected: `${describeError(expected)} with a DPoP-Nonce`,
      answered: `${describeReply(reply)} ${offered ? 'with a DPoP-Nonce' : 'without a DPoP-Nonce'}`,
      passed: matchesError(reply, expected) && !!offered && offered !== sent,
    };
    if (!refused.passed || !offered)
      return { ...refused, expected: `${source}: ${refused.expected}` };
    const retried = await this.token(
      form,
      await key.proof({ htm: 'POST', htu: this.tokenEndpoint, nonce: offered }),
    );
    const outcome = allOf(refused, statusOutcome('retried with it', retried, 200));
    return { ...outcome, expected: `${source}: ${outcome.expected}` };
  }
}

/** `cnf.jkt` of a JWT access token, read without verifying it (the lab only compares it). */
function jktOf(accessToken: string): string | undefined {
  try {
    const cnf = decodeJwt(accessToken).cnf as { jkt?: unknown } | undefined;
    return typeof cnf?.jkt === 'string' ? cnf.jkt : undefined;
  } catch {
    return undefined;
  }
}
