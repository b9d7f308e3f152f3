import { Injectable, Logger } from '@nestjs/common';
import { compactDecrypt, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK } from 'jose';
import {
  type CredentialClaims,
  type CredentialIssuer,
  credentialMethodKey,
  mintSubject,
} from '../accounts/account';
import { MethodAlreadyLinked } from '../accounts/accounts.errors';
import { AccountService } from '../accounts/account.service';
import { reportRefusals } from '../challenges/report-refusals';
import type { ClientIdPrefix } from '../config/sections/oid4vp.config';
import { Oid4vpConfig } from '../config/sections/oid4vp.config';
import { ServerConfig } from '../config/sections/server.config';
import { Clock } from '../platform/clock/clock';
import { InvalidRequest, NotFound, ProtocolError } from '../platform/errors/protocol-error';
import { DomainEvents } from '../platform/events/domain-events';
import { DuplicateMemberName, parseJson } from '../platform/http/json-duplicate-names';
import { ProofVerified } from '../proofs/proof.events';
import type { SessionIdentity } from '../sessions/session';
import { credentialSubjectHash, keptClaims } from './credential-subject';
import { dcqlQueryFor } from './dcql-query';
import {
  Oid4vpChallenges,
  type Oid4vpRequestPayload,
  type Oid4vpLinkCodePayload,
  type Oid4vpStatePayload,
  type RequestOwner,
  type RequestStatus,
  type ResponseMode,
  newState,
} from './oid4vp-challenges';
import { CREDENTIAL_LINKED_ELSEWHERE, NO_SUCH_REQUEST } from './oid4vp.errors';
import { PresentationVerifier } from './presentation-verifier';
import { VerifierIdentity } from './verifier-identity';

/** Where the wallet fetches the request object: `/oid4vp/requests/{id}/request`. */
export const requestObjectPath = (id: string) => `/oid4vp/requests/${id}/request`;
/** OpenID4VP 1.0 §8.2: the same-device redirect back to the browser. */
export const COMPLETE_PATH = '/oid4vp/complete';
/** The account page's request: the wallet's redirect to a browser of the account, to link. */
export const LINK_COMPLETE_PATH = '/account/oid4vp/complete';
/** OpenID4VP 1.0 §8.3: the content encryption algorithms a wallet may encrypt with. */
const ENC_VALUES = ['A128GCM', 'A256GCM'];

export interface NewRequest {
  readonly owner: RequestOwner;
  readonly scope: string;
  readonly returnTo?: string;
  /** A script's request: the registered client its tokens are for. */
  readonly oauthClientId?: string;
  readonly responseMode: ResponseMode;
  readonly prefix?: ClientIdPrefix;
  /** The account page's request (a recent login asked it): link to this account, sign nobody in. */
  readonly linkTo?: string;
}

export interface CreatedRequest {
  readonly id: string;
  readonly authorization_request: string;
  readonly request_uri: string;
  readonly expires_in: number;
}

/** What the wallet's post to the response URI carries (form fields, or the decrypted JWT's). */
export interface WalletResponse {
  readonly vp_token?: unknown;
  readonly state?: unknown;
  readonly response?: unknown;
  readonly error?: unknown;
}

/** A request signed in: who, and where the browser goes. */
export interface RedeemedSignIn {
  readonly kind: 'signed_in';
  readonly identity: SessionIdentity;
  readonly returnTo?: string;
  readonly oauthClientId?: string;
  /** BASE64URL(SHA-256(request id)): what a grant opened by it is named after. */
  readonly keyHash: string;
  readonly scope: string;
  readonly authTime: number;
}

/** A link code's credential, as its confirmation page shows it. */
export interface LinkToConfirm {
  readonly linkTo: string;
  readonly claims: CredentialClaims;
  readonly issuedBy: CredentialIssuer;
}

/** A response_code (a sign-in's or a link's) unknown, expired or used: one text for each. */
const UNKNOWN_CODE = 'Unknown, expired or used response_code';

/** The account page's request, answered: the credential is linked; the browser goes back there. */
export interface RedeemedLink {
  readonly kind: 'linked';
  readonly returnTo?: string;
}

/**
 * Sign-in with an identity wallet (OpenID4VP 1.0): the request (by reference, with a DCQL query for
 * the configured credentials), the wallet's answer at the response URI (checked, then the state
 * redeemed once), and the sign-in it yields, redeemed once by the browser or script that asked.
 */
@Injectable()
export class Oid4vpSignIn {
  private readonly logger = new Logger(Oid4vpSignIn.name);

  constructor(
    private readonly config: Oid4vpConfig,
    private readonly server: ServerConfig,
    private readonly challenges: Oid4vpChallenges,
    private readonly verifier: VerifierIdentity,
    private readonly presentations: PresentationVerifier,
    private readonly accounts: AccountService,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
  ) {}

  get enabled(): boolean {
    return this.config.enabled;
  }

  assertEnabled(): void {
    if (!this.config.enabled) {
      throw new NotFound('Identity wallet sign-in is not enabled here (OID4VP_TRUSTED_ISSUERS)');
    }
  }

  /** OpenID4VP 1.0 §5: a new request, passed by reference. */
  async create(request: NewRequest): Promise<CreatedRequest> {
    this.assertEnabled();
    const prefix = request.prefix ?? this.config.clientIdPrefix;
    if (!this.verifier.offers(prefix)) {
      throw new InvalidRequest('x509_hash needs a verifier certificate (OID4VP_VERIFIER_CERT)');
    }
    const clientId = await this.verifier.clientId(prefix);
    const state = newState();
    let keys:
      | { encryptionJwk: Record<string, unknown>; decryptionJwk: Record<string, unknown> }
      | undefined;
    if (request.responseMode === 'direct_post.jwt') {
      // OpenID4VP 1.0 §8.3: a key of this request alone, its kid the state, so the answer
      // finds its request by the JWE header before anything is decrypted.
      const pair = await generateKeyPair('ECDH-ES', { crv: 'P-256', extractable: true });
      const common = { kid: state, use: 'enc', alg: 'ECDH-ES' };
      keys = {
        encryptionJwk: { ...(await exportJWK(pair.publicKey)), ...common },
        decryptionJwk: { ...(await exportJWK(pair.privateKey)), ...common },
      };
    }
    const ttlSeconds = this.config.requestTtlSeconds;
    const { id } = await this.challenges.issue(
      request.owner,
      {
        prefix,
        clientId,
        responseMode: request.responseMode,
        // A link asks the name for its confirmation page, and takes a credential without one.
        dcqlQuery: dcqlQueryFor(
          this.config.credentials,
          request.scope.split(' '),
          this.config.subjectClaims,
          request.linkTo !== undefined,
        ),
        ...(keys === undefined ? {} : { encryptionJwk: keys.encryptionJwk }),
        scope: request.scope,
        ...(request.returnTo === undefined ? {} : { returnTo: request.returnTo }),
        ...(request.oauthClientId === undefined ? {} : { oauthClientId: request.oauthClientId }),
        ...(request.linkTo === undefined ? {} : { linkTo: request.linkTo }),
      },
      keys?.decryptionJwk,
      state,
      ttlSeconds,
    );
    const requestUri = `${this.server.issuer}${requestObjectPath(id)}`;
    const query = new URLSearchParams({
      client_id: clientId,
      request_uri: requestUri,
      // OpenID4VP 1.0 §5.10: the wallet may POST its metadata (and a wallet_nonce) for it.
      request_uri_method: 'post',
    });
    // Added to the wallet URL's own query, if it has one.
    const link = new URL(this.config.walletUrl);
    for (const [name, value] of query) link.searchParams.set(name, value);
    return {
      id,
      authorization_request: link.toString(),
      request_uri: requestUri,
      expires_in: ttlSeconds,
    };
  }

  /**
   * OpenID4VP 1.0 §5.10: the request object of a live request (RFC 9101), signed or not by its
   * prefix; a POST's `wallet_nonce` is carried back in it.
   */
  async requestObject(id: string, walletNonce?: string): Promise<string> {
    this.assertEnabled();
    const request = await this.challenges.request(id);
    if (request === null || request.payload.status !== 'pending') {
      throw new NotFound('No such presentation request (unknown, expired or answered)');
    }
    const { payload } = request;
    const now = this.clock.nowSeconds();
    const claims: Record<string, unknown> = {
      response_type: 'vp_token',
      client_id: payload.clientId,
      response_mode: payload.responseMode,
      response_uri: this.verifier.responseUri,
      nonce: payload.nonce,
      state: payload.state,
      dcql_query: payload.dcqlQuery,
      client_metadata: {
        vp_formats_supported: {
          'dc+sd-jwt': {
            'sd-jwt_alg_values': ['ES256', 'ES384', 'ES512', 'EdDSA'],
            'kb-jwt_alg_values': ['ES256', 'ES384', 'ES512', 'EdDSA'],
          },
        },
        ...(payload.encryptionJwk === undefined
          ? {}
          : {
              jwks: { keys: [payload.encryptionJwk] },
              encrypted_response_enc_values_supported: ENC_VALUES,
            }),
      },
      // OpenID4VP 1.0 §5.8: a request object's audience is the wallet, self-issued.
      aud: 'https://self-issued.me/v2',
      iat: now,
      exp: Math.floor(request.expiresAt.getTime() / 1000),
      ...(walletNonce === undefined ? {} : { wallet_nonce: walletNonce }),
    };
    return this.verifier.requestObject(payload.prefix, claims);
  }

  /**
   * OpenID4VP 1.0 §8.2: the wallet's answer. The presentation is checked first, cheapest check
   * first, with nothing written; only a verified one redeems the state (atomically, once), signs
   * in to the credential's account and records the request's outcome. A refused answer leaves the
   * state for the wallet's next try. A browser's request answers a `redirect_uri` whose
   * `response_code` only that browser can redeem.
   */
  async respond(
    response: WalletResponse,
    callerAddress: string,
  ): Promise<{ redirect_uri?: string }> {
    this.assertEnabled();
    const started = performance.now();
    const done = (outcome: string) =>
      this.events.emit(new ProofVerified('oid4vp', outcome, (performance.now() - started) / 1000));
    try {
      const answer = await reportRefusals(this.events, { kind: 'oid4vp_state' }, () =>
        this.answer(response, callerAddress),
      );
      done(answer.outcome);
      return answer.body;
    } catch (error) {
      done(error instanceof ProtocolError && error.status < 500 ? error.error : 'server_error');
      throw error;
    }
  }

  private async answer(
    response: WalletResponse,
    callerAddress: string,
  ): Promise<{ outcome: string; body: { redirect_uri?: string } }> {
    const { state, fields } = await this.open(response);
    if (typeof fields.error === 'string') {
      // §8.5: the wallet's refusal (the person declined): the request ends, refused.
      const redeemed = await this.challenges.redeemState(state.key);
      if (redeemed.ok) await this.challenges.settle(state.payload, { status: 'refused' });
      return { outcome: 'refused', body: {} };
    }
    const { credentialId, presentation } = presentationOf(fields.vp_token, state.payload.dcqlQuery);
    const verified = await this.presentations.verify(presentation, {
      credentialId,
      nonce: state.payload.nonce,
      clientId: state.payload.clientId,
      dcqlQuery: state.payload.dcqlQuery,
    });
    const redeemed = await this.challenges.redeemState(state.key);
    if (!redeemed.ok) {
      throw new InvalidRequest('This request was already answered').because(redeemed.reason);
    }
    const subjectHash = await credentialSubjectHash(
      verified.issuer,
      verified.claims,
      this.config.subjectClaims,
      verified.holderJwk,
    );
    const methodKey = credentialMethodKey(subjectHash);
    const claims = keptClaims(verified.claims);
    const issuedBy = { issuer: verified.issuer, vct: verified.vct };
    if (state.payload.linkTo !== undefined) {
      const code = await this.present(state.payload, methodKey, claims, issuedBy);
      const redirect = `${this.server.issuer}${LINK_COMPLETE_PATH}?response_code=${code}`;
      return { outcome: 'success', body: { redirect_uri: redirect } };
    }
    const sub = await this.accountOf(methodKey, claims, issuedBy, callerAddress);
    await this.challenges.settle(state.payload, {
      status: 'signed_in',
      sub,
      methodKey,
      authTime: this.clock.nowSeconds(),
    });
    const owner = state.payload.owner;
    if (owner.browser === undefined) return { outcome: 'success', body: {} };
    const code = await this.challenges.issueResponseCode(
      state.payload.requestId,
      owner,
      this.config.requestTtlSeconds,
    );
    const redirect = `${this.server.issuer}${COMPLETE_PATH}?response_code=${code}`;
    return { outcome: 'success', body: { redirect_uri: redirect } };
  }

  /** The state the answer names and the answer's fields: a JWE is decrypted with its key. */
  private async open(response: WalletResponse) {
    if (typeof response.response === 'string') {
      let kid: unknown;
      try {
        kid = decodeProtectedHeader(response.response).kid;
      } catch {
        throw new InvalidRequest('response is not a JWE');
      }
      const state = typeof kid === 'string' ? await this.challenges.state(kid) : null;
      const jwk =
        state === null ? undefined : this.challenges.decryptionJwk(kid as string, state.payload);
      if (state === null || jwk === undefined) {
        throw new InvalidRequest('The response names no live direct_post.jwt request (kid)');
      }
      let fields: WalletResponse;
      try {
        const key = await importJWK(jwk, 'ECDH-ES');
        const { plaintext } = await compactDecrypt(response.response, key, {
          keyManagementAlgorithms: ['ECDH-ES'],
          contentEncryptionAlgorithms: ENC_VALUES,
        });
        fields = parseJson(new TextDecoder().decode(plaintext)) as WalletResponse;
      } catch (error) {
        // Two `vp_token`s or `state`s: whichever one the wallet meant, we would not know it.
        if (error instanceof DuplicateMemberName) {
          throw new InvalidRequest(`The encrypted response ${error.message}`);
        }
        throw new InvalidRequest('The response could not be decrypted with this request’s key');
      }
      if (fields.state !== undefined && fields.state !== kid) {
        throw new InvalidRequest('The encrypted response names another state');
      }
      return { state: { key: kid as string, payload: state.payload }, fields };
    }
    if (typeof response.state !== 'string') throw new InvalidRequest('state is required');
    const state = await this.challenges.state(response.state);
    if (state === null) {
      throw new InvalidRequest('Unknown, expired or already answered state').because('unknown');
    }
    if (state.payload.responseMode === 'direct_post.jwt') {
      throw new InvalidRequest('This request asked for an encrypted response (direct_post.jwt)');
    }
    return { state: { key: response.state, payload: state.payload }, fields: response };
  }

  /**
   * The account the credential's method key names (its claims replaced by this presentation's, in
   * the same command), else a new one of a minted subject (ACCOUNT_CREATIONS_PER_IP_PER_HOUR).
   */
  private async accountOf(
    methodKey: string,
    claims: CredentialClaims,
    issuedBy: CredentialIssuer,
    callerAddress: string,
  ): Promise<string> {
    const existing = await this.accounts.recordCredentialUse(methodKey, claims, issuedBy);
    if (existing !== null) return existing;
    const sub = mintSubject();
    try {
      await this.accounts.linkCredential(sub, methodKey, { callerAddress }, claims, issuedBy);
    } catch (error) {
      if (!(error instanceof MethodAlreadyLinked)) throw error;
      const winner = await this.accounts.recordCredentialUse(methodKey, claims, issuedBy);
      if (winner === null) throw error;
      return winner;
    }
    this.logger.log(`Account ${sub} created by an identity credential`);
    return sub;
  }

  /**
   * The account page's request, answered: the credential is verified, not linked yet. The wallet
   * may answer a relayed QR code (a phishing page shows the phisher's own account page's): so the
   * link waits for the code the wallet's redirect carries, redeemed by a browser signed in to the
   * account that asked (`completeLink`). A credential that already signs in another account is
   * refused now (the request ends refused, and the wallet is told why).
   */
  private async present(
    state: Oid4vpStatePayload,
    methodKey: string,
    claims: CredentialClaims,
    issuedBy: CredentialIssuer,
  ): Promise<string> {
    const linkTo = state.linkTo!;
    const holder = await this.accounts.findMethod(methodKey);
    if (holder !== null && holder.sub !== linkTo) {
      await this.challenges.settle(state, { status: 'refused' });
      throw new MethodAlreadyLinked(CREDENTIAL_LINKED_ELSEWHERE);
    }
    const request = { requestId: state.requestId, owner: state.owner };
    const code = await this.challenges.issueLinkCode(
      { ...request, linkTo, methodKey, claims, issuedBy },
      this.config.requestTtlSeconds,
    );
    await this.challenges.settle(request, { status: 'presented' });
    return code;
  }

  /**
   * The wallet's redirect for the account page's request (`LINK_COMPLETE_PATH`), opened: what it
   * would link, for the person to confirm (a page that posts back with its CSRF token), if
   * `mayLink` lets this browser change the account the code links to (its session is that
   * account's, and may change it as the account page's changes do). Refused (a browser the
   * person a relayed QR code fooled opened), the code is spent and the request ends refused: the
   * phisher's page learns only that. Nothing is linked by opening the link: a page of another
   * site could navigate the account's own browser to a code its maker's credential answered.
   */
  async linkToConfirm(
    code: string,
    mayLink: (linkTo: string) => Promise<void>,
  ): Promise<LinkToConfirm> {
    this.assertEnabled();
    const peeked = await this.challenges.peekLinkCode(code);
    if (peeked === null) throw new InvalidRequest(UNKNOWN_CODE).because('unknown');
    const { linkTo, claims, issuedBy } = peeked.payload;
    try {
      await mayLink(linkTo);
    } catch (error) {
      if (error instanceof ProtocolError && error.status < 500) {
        const spent = await this.challenges.redeemLinkCode(code);
        if (spent.ok) await this.refuseLink(spent.challenge.payload);
      }
      throw error;
    }
    return { linkTo, claims, issuedBy };
  }

  /**
   * The confirmation posted: the link code redeemed once, `mayLink` asked again, and the
   * credential linked. Refused: the request ends refused.
   */
  async completeLink(
    code: string,
    mayLink: (linkTo: string) => Promise<void>,
    callerAddress: string,
  ): Promise<void> {
    this.assertEnabled();
    const redeemed = await reportRefusals(this.events, { kind: 'oid4vp_link_code' }, async () => {
      const result = await this.challenges.redeemLinkCode(code);
      if (!result.ok) throw new InvalidRequest(UNKNOWN_CODE).because(result.reason);
      return result.challenge.payload;
    });
    const { linkTo, methodKey, claims, issuedBy } = redeemed;
    try {
      await mayLink(linkTo);
      await this.accounts.linkCredential(linkTo, methodKey, { callerAddress }, claims, issuedBy);
    } catch (error) {
      if (error instanceof ProtocolError && error.status < 500) await this.refuseLink(redeemed);
      throw error;
    }
    const request = { requestId: redeemed.requestId, owner: redeemed.owner };
    await this.challenges.settle(
      request,
      { status: 'linked', sub: linkTo, methodKey },
      'presented',
    );
    this.logger.log(`Identity credential linked to ${linkTo}`);
  }

  /** The account page's answered request, refused: its poll says so. */
  private refuseLink(code: Oid4vpLinkCodePayload): Promise<void> {
    const request = { requestId: code.requestId, owner: code.owner };
    return this.challenges.settle(request, { status: 'refused' }, 'presented');
  }

  /** GET /oid4vp/requests/{id}: the request's status, for its owner only. */
  async status(id: string, owner: RequestOwner): Promise<StoredRequest> {
    this.assertEnabled();
    const request = await this.challenges.request(id);
    if (request === null || !Oid4vpChallenges.owns(request.binding, owner)) {
      throw new NotFound(NO_SUCH_REQUEST);
    }
    return { status: request.payload.status, payload: request.payload };
  }

  /** Redeems a signed-in (or linked) request once, for its owner: the sign-in it yields. */
  async redeem(
    id: string,
    owner: RequestOwner,
    crossDevice: boolean,
  ): Promise<RedeemedSignIn | RedeemedLink> {
    const redeemed = await this.challenges.redeemRequest(id, owner);
    if (!redeemed.ok) {
      throw new NotFound(NO_SUCH_REQUEST);
    }
    return signInOf(redeemed.challenge.payload, redeemed.challenge.keyHash, crossDevice);
  }

  /**
   * OpenID4VP 1.0 §8.2: the same-device redirect, redeemed by the browser that asked only
   * (`browser`: the presenter's pre-login session, undefined when it has none: another browser).
   */
  async completeSameDevice(code: string, browser: string | undefined): Promise<RedeemedSignIn> {
    this.assertEnabled();
    const redeemed = await reportRefusals(
      this.events,
      { kind: 'oid4vp_response_code' },
      async () => {
        if (browser === undefined) {
          await this.challenges.spendResponseCode(code);
          throw new InvalidRequest(
            'This browser started no identity wallet sign-in; the response_code is now spent',
          ).because('binding_mismatch');
        }
        const result = await this.challenges.redeemResponseCode(code, browser);
        if (!result.ok) {
          const text =
            result.reason === 'binding_mismatch'
              ? 'This response_code belongs to another browser; it is now spent'
              : UNKNOWN_CODE;
          throw new InvalidRequest(text).because(result.reason);
        }
        return { requestId: result.challenge.payload.requestId, browser };
      },
    );
    const signedIn = await this.redeem(redeemed.requestId, { browser: redeemed.browser }, false);
    // The account page's requests complete at LINK_COMPLETE_PATH: none has a response_code.
    if (signedIn.kind !== 'signed_in') throw new NotFound(NO_SUCH_REQUEST);
    return signedIn;
  }
}

export interface StoredRequest {
  readonly status: RequestStatus;
  readonly payload: Oid4vpRequestPayload;
}

function signInOf(
  payload: Oid4vpRequestPayload,
  keyHash: string,
  crossDevice: boolean,
): RedeemedSignIn | RedeemedLink {
  if (payload.status === 'linked') {
    return {
      kind: 'linked',
      ...(payload.returnTo === undefined ? {} : { returnTo: payload.returnTo }),
    };
  }
  if (payload.status !== 'signed_in' || payload.sub === undefined) {
    throw new NotFound(NO_SUCH_REQUEST);
  }
  return {
    kind: 'signed_in',
    identity: {
      sub: payload.sub,
      authMethod: 'oid4vp',
      ...(payload.methodKey === undefined ? {} : { methodKey: payload.methodKey }),
      ...(crossDevice ? { crossDevice: true } : {}),
    },
    ...(payload.returnTo === undefined ? {} : { returnTo: payload.returnTo }),
    ...(payload.oauthClientId === undefined ? {} : { oauthClientId: payload.oauthClientId }),
    keyHash,
    scope: payload.scope,
    authTime: payload.authTime ?? 0,
  };
}

/**
 * OpenID4VP 1.0 §8.1: `vp_token` is a JSON object whose keys are the DCQL credential query ids,
 * each an array of presentations (one here). A form post carries it as a JSON string. The query's
 * credentials are alternatives (its `credential_sets`, dcql-query.ts): the first of them, in the
 * query's order, that the token answers is the one checked, against its own credential query.
 */
function presentationOf(
  vpToken: unknown,
  dcqlQuery: Record<string, unknown>,
): { credentialId: string; presentation: string } {
  let token = vpToken;
  if (typeof token === 'string') {
    try {
      token = parseJson(token);
    } catch (error) {
      if (error instanceof DuplicateMemberName)
        throw new InvalidRequest(`vp_token ${error.message}`);
      throw new InvalidRequest('vp_token must be a JSON object of presentations');
    }
  }
  if (typeof token !== 'object' || token === null || Array.isArray(token)) {
    throw new InvalidRequest('vp_token must be a JSON object of presentations');
  }
  const ids = (dcqlQuery.credentials as { id: string }[]).map((credential) => credential.id);
  const credentialId = ids.find((id) => (token as Record<string, unknown>)[id] !== undefined);
  const entry =
    credentialId === undefined ? undefined : (token as Record<string, unknown>)[credentialId];
  const presentation = Array.isArray(entry) ? (entry as unknown[])[0] : entry;
  if (credentialId === undefined || typeof presentation !== 'string') {
    throw new InvalidRequest(`vp_token has no presentation for ${ids.join(' or ')}`);
  }
  return { credentialId, presentation };
}
