import { Injectable, Logger } from '@nestjs/common';
import { ClientRegistry } from '../../clients/client-registry.service';
import { UserProfiles } from '../../accounts/users/user-profile.service';
import {
  Oid4vpSignIn,
  type CreatedRequest,
  type RedeemedSignIn,
} from '../../oid4vp/oid4vp-sign-in.service';
import type { RequestStatus } from '../../oid4vp/oid4vp-challenges';
import { ACCOUNT_PAGE } from '../../sessions/return-to';
import { NO_SUCH_REQUEST, SCRIPT_CLIENTS_ONLY } from '../../oid4vp/oid4vp.errors';
import { randomToken } from '../../platform/crypto/hashing';
import {
  InvalidClient,
  InvalidRequest,
  InvalidScope,
  NotFound,
} from '../../platform/errors/protocol-error';
import { qrCodeDataUrl } from '../../platform/http/qr-code';
import { credentialClaimsOf } from '../../tokens/credential-claims';
import { IDENTITY_SCOPE, pickProfileClaims } from '../../protocol-rules/claims-request';
import { safeReturnTo } from '../../sessions/return-to';
import { SessionService } from '../../sessions/session.service';
import { grantIdForChallenge } from '../../tokens/grants/grant';
import { GrantTokenIssuer, type TokenResponse } from '../../tokens/grants/grant-token.issuer';
import { ACCOUNT_SCOPE, OPENID_SCOPE, checkScope, hasScope } from '../../tokens/scopes';
import { LoginCsrf, type LoginExchange } from '../login-csrf';
import type { Oid4vpRequestCreateDto } from './oid4vp-login.dto';

/** A poll's answer (GET /oid4vp/requests/{id}). */
export interface PollAnswer {
  readonly status: RequestStatus;
  readonly redirect?: string;
  readonly tokens?: TokenResponse;
}

const BEARER = /^bearer +([A-Za-z0-9_-]{43})$/i;

/**
 * "Sign in with your identity wallet" for the login page and for scripts: a request made for the
 * browser (its pre-login session) or for a registered client (a handle), and the sign-in it yields
 * redeemed once: by the browser following the wallet's same-device redirect, by the page polling
 * (cross-device: never `account`, as a device grant), or by the script polling (its tokens, once).
 */
@Injectable()
export class Oid4vpSessionLogin {
  private readonly logger = new Logger(Oid4vpSessionLogin.name);

  constructor(
    private readonly signIn: Oid4vpSignIn,
    private readonly csrf: LoginCsrf,
    private readonly sessions: SessionService,
    private readonly clients: ClientRegistry,
    private readonly issuer: GrantTokenIssuer,
    private readonly profiles: UserProfiles,
  ) {}

  get enabled(): boolean {
    return this.signIn.enabled;
  }

  async create(
    body: Oid4vpRequestCreateDto,
    http: LoginExchange,
  ): Promise<CreatedRequest & { handle?: string; qr_code?: string }> {
    this.signIn.assertEnabled();
    const common = {
      responseMode: body.response_mode ?? 'direct_post',
      ...(body.client_id_prefix === undefined ? {} : { prefix: body.client_id_prefix }),
    };
    if (body.client_id !== undefined) {
      const client = await this.clients.find(body.client_id);
      if (client === null) throw new InvalidClient('Unknown client_id');
      // The tokens go to whoever holds the handle, with no client authentication and no consent
      // screen: only the operator's own public clients, as wallet and passkey sign-in take only
      // public ones (anyone could otherwise get a confidential client's tokens, or a self-registered
      // app a person's identity claims under Proofgate's name).
      if (client.type !== 'public' || client.firstParty !== true) {
        throw new InvalidRequest(SCRIPT_CLIENTS_ONLY);
      }
      const scope = checkScope(body.scope ?? OPENID_SCOPE);
      if (hasScope(scope, ACCOUNT_SCOPE)) {
        throw new InvalidScope(
          `The ${ACCOUNT_SCOPE} scope is never granted to a sign-in proven on another device`,
        );
      }
      const handle = randomToken(32);
      const created = await this.signIn.create({
        ...common,
        owner: { handle },
        scope,
        oauthClientId: client.clientId,
      });
      return { ...created, handle };
    }
    const returnTo = safeReturnTo(body.return_to);
    this.csrf.assertValid(http.req, body.csrf_token, 'Identity wallet');
    const created = await this.signIn.create({
      ...common,
      owner: { browser: this.presession(http) },
      scope: scopeOf(returnTo),
      returnTo,
    });
    return withQrCode(created);
  }

  /**
   * The account page's "Link your identity wallet": a request bound to this browser that links
   * the credential to `sub` (whose recent login the caller has checked) and signs nobody in. It
   * asks for what names the person (OID4VP_SUBJECT_CLAIMS) and the `identity` scope's claims:
   * the link's confirmation page shows the name, so that a person sent there with someone else's
   * credential sees whose it is.
   */
  async createLink(
    sub: string,
    http: LoginExchange,
  ): Promise<CreatedRequest & { qr_code: string }> {
    const created = await this.signIn.create({
      owner: { browser: this.presession(http) },
      scope: IDENTITY_SCOPE,
      returnTo: ACCOUNT_PAGE,
      linkTo: sub,
      responseMode: 'direct_post',
    });
    return withQrCode(created);
  }

  /** The account page's request, its wallet's redirect opened: what it would link. */
  linkToConfirm(responseCode: string, mayLink: (linkTo: string) => Promise<void>) {
    return this.signIn.linkToConfirm(responseCode, mayLink);
  }

  /**
   * The account page's request, its link confirmed: links the credential if `mayLink` (the
   * account page's check of this browser's session) lets it.
   */
  completeLink(
    responseCode: string,
    mayLink: (linkTo: string) => Promise<void>,
    callerAddress: string,
  ): Promise<void> {
    return this.signIn.completeLink(responseCode, mayLink, callerAddress);
  }

  /** GET /oid4vp/requests/{id}: by the browser's cookies, or a script's handle. */
  async poll(id: string, http: LoginExchange): Promise<PollAnswer> {
    const authorization = http.req.headers.authorization;
    if (authorization !== undefined) {
      const handle = BEARER.exec(String(authorization))?.[1];
      if (handle === undefined) throw new InvalidRequest('Authorization must be Bearer <handle>');
      const { status } = await this.signIn.status(id, { handle });
      if (status !== 'signed_in') return { status };
      const signedIn = await this.signIn.redeem(id, { handle }, true);
      // A script's request never links (only the account page's does).
      if (signedIn.kind !== 'signed_in') throw new NotFound(NO_SUCH_REQUEST);
      return { status, tokens: await this.tokens(signedIn) };
    }
    const browser = this.csrf.browserSession(http.req);
    // A browser without a pre-login session owns no request: as unknown as another's.
    if (browser === undefined) throw new NotFound(NO_SUCH_REQUEST);
    const { status } = await this.signIn.status(id, { browser });
    if (status !== 'signed_in' && status !== 'linked') return { status };
    const signedIn = await this.signIn.redeem(id, { browser }, true);
    if (signedIn.kind === 'linked') {
      return { status: 'linked', redirect: safeReturnTo(signedIn.returnTo) };
    }
    await this.sessions.start(http, signedIn.identity);
    this.logger.log(
      `Identity wallet login session (cross-device) started for ${signedIn.identity.sub}`,
    );
    return { status, redirect: safeReturnTo(signedIn.returnTo) };
  }

  /** GET /oid4vp/complete: the wallet's same-device redirect; where the browser goes next. */
  async complete(responseCode: string, http: LoginExchange): Promise<string> {
    // Without a pre-login session it is another browser's code: refused, and spent too.
    const browser = this.csrf.browserSession(http.req);
    const signedIn = await this.signIn.completeSameDevice(responseCode, browser);
    await this.sessions.start(http, signedIn.identity);
    this.logger.log(`Identity wallet login session started for ${signedIn.identity.sub}`);
    return safeReturnTo(signedIn.returnTo);
  }

  /** A script's token response, given once (the request is redeemed). */
  private async tokens(signedIn: RedeemedSignIn): Promise<TokenResponse> {
    const { identity, scope, authTime } = signedIn;
    const asked = credentialClaimsOf(scope);
    const profile =
      hasScope(scope, OPENID_SCOPE) && asked.length > 0
        ? pickProfileClaims(await this.profiles.claimsOf(identity.sub), asked)
        : undefined;
    return this.issuer.startGrant(
      {
        grantId: grantIdForChallenge(signedIn.keyHash),
        clientId: signedIn.oauthClientId!,
        sub: identity.sub,
        scope,
        authMethod: 'oid4vp',
        ...(identity.methodKey === undefined ? {} : { methodKey: identity.methodKey }),
        authTime: new Date(authTime * 1000),
      },
      hasScope(scope, OPENID_SCOPE)
        ? { authTime, ...(profile === undefined ? {} : { profile }) }
        : undefined,
    );
  }

  private presession(http: LoginExchange): string {
    const presession = this.csrf.browserSession(http.req);
    if (presession === undefined) throw new Error('No pre-login session after the CSRF check');
    return presession;
  }
}

/**
 * The scope of the authorization request the login page returns to (its `return_to`), so that the
 * DCQL query asks for what that request's scopes need and no more; none: a plain sign-in.
 */
function scopeOf(returnTo: string): string {
  try {
    return new URL(returnTo, 'http://localhost').searchParams.get('scope') ?? '';
  } catch {
    return '';
  }
}

/** A page's request with its QR code: the page shows a phone the same text (cross-device). */
async function withQrCode(created: CreatedRequest): Promise<CreatedRequest & { qr_code: string }> {
  return { ...created, qr_code: await qrCodeDataUrl(created.authorization_request) };
}
