import * as oauth from 'oauth4webapi';
import type { AuthorizationKind, PendingAuthorization, StepUpRequest, TokenSet } from './sessions';

export interface OAuthClientSettings {
  /** Proofgate's issuer identifier; its metadata is discovered at RFC 8414's well-known URL. */
  authorizationServer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  scope: string;
  /** The protected resource called with the access token (default: Proofgate's /api/me). */
  api?: string;
  /** Replaces `fetch` for every request to Proofgate (tests record them with it). */
  fetch?: typeof fetch;
}

/** What every oauth4webapi request here takes; `fetch` fits each request's customFetch type. */
interface RequestOptions {
  [oauth.allowInsecureRequests]?: boolean;
  [oauth.customFetch]?: typeof fetch;
}

/** An authorization response the client refused before any token request. */
export class CallbackRefused extends Error {}

/** Proofgate answered the authorization request with an error (RFC 6749 §4.1.2.1). */
export class AuthorizationDenied extends Error {
  constructor(readonly parameters: URLSearchParams) {
    super('the authorization server returned an error');
  }
}

/** Proofgate's token endpoint answered with `{error, error_description}`. */
export class TokenEndpointError extends Error {
  constructor(
    readonly error: string,
    readonly errorDescription: string | undefined,
    readonly status: number,
  ) {
    super(`token endpoint: ${error}`);
  }
}

/** The protected resource's answer; `stepUp` when it asked for a stronger sign-in (RFC 9470). */
export interface ResourceAnswer {
  status: number;
  body: unknown;
  stepUp?: StepUpRequest;
}

export interface CodeRedemption {
  code: string;
  state?: string;
  iss?: string;
  tokens: TokenSet;
  me: ResourceAnswer;
}

/**
 * The OAuth side of the demo client, all through oauth4webapi: discovery, the authorization
 * request (with deliberately broken variants for the negative tests), the callback, refresh and
 * the call to the protected API.
 */
export class DemoOAuthClient {
  private metadata?: Promise<oauth.AuthorizationServer>;
  private readonly client: oauth.Client;
  private readonly clientAuth: oauth.ClientAuth;

  constructor(private readonly settings: OAuthClientSettings) {
    this.client = { client_id: settings.clientId };
    this.clientAuth = oauth.ClientSecretBasic(settings.clientSecret);
  }

  private get options(): RequestOptions {
    // Plain http is fine for a demo on localhost; oauth4webapi refuses it unless told.
    const options: RequestOptions = {
      [oauth.allowInsecureRequests]: this.settings.authorizationServer.startsWith('http://'),
    };
    if (this.settings.fetch) options[oauth.customFetch] = this.settings.fetch;
    return options;
  }

  /** RFC 8414 metadata, fetched once; a failed fetch is retried on the next call. */
  discover(): Promise<oauth.AuthorizationServer> {
    this.metadata ??= (async () => {
      const issuer = new URL(this.settings.authorizationServer);
      const response = await oauth.discoveryRequest(issuer, {
        ...this.options,
        algorithm: 'oauth2',
      });
      return oauth.processDiscoveryResponse(issuer, response);
    })().catch((error: unknown) => {
      this.metadata = undefined;
      throw error;
    });
    return this.metadata;
  }

  /** Builds the authorization request and what must be kept server-side to check its answer. */
  async startAuthorization(
    kind: AuthorizationKind,
    stepUp?: StepUpRequest,
  ): Promise<{ url: URL; pending: PendingAuthorization }> {
    const as = await this.discover();
    if (!as.authorization_endpoint) throw new Error('metadata has no authorization_endpoint');
    const pending: PendingAuthorization = { kind, startedAt: Date.now() };
    if (stepUp) pending.stepUp = stepUp;
    if (kind !== 'missing_state') pending.state = oauth.generateRandomState();
    // Without PKCE too: with it, Proofgate needs no state (PKCE protects against CSRF, RFC 9700 §4.7.1).
    if (kind !== 'missing_pkce' && kind !== 'missing_state') {
      pending.codeVerifier = oauth.generateRandomCodeVerifier();
      // RFC 7636 §4.2: "plain" sends the verifier itself, which is why Proofgate refuses it.
      pending.codeChallengeMethod = kind === 'plain_method' ? 'plain' : 'S256';
      pending.codeChallenge =
        kind === 'plain_method'
          ? pending.codeVerifier
          : await oauth.calculatePKCECodeChallenge(pending.codeVerifier);
    }
    const url = new URL(as.authorization_endpoint);
    const params: Record<string, string | undefined> = {
      response_type: 'code',
      client_id: this.settings.clientId,
      redirect_uri: this.settings.redirectUri,
      scope: this.settings.scope,
      state: pending.state,
      code_challenge: pending.codeChallenge,
      code_challenge_method: pending.codeChallengeMethod,
      acr_values: stepUp?.acr_values,
      max_age: stepUp?.max_age,
    };
    for (const [name, value] of Object.entries(params)) {
      if (value !== undefined) url.searchParams.set(name, value);
    }
    return { url, pending };
  }

  /**
   * RFC 6749 §10.12: the state must be the one this browser session sent, or nothing else
   * happens. Throws CallbackRefused before any request to Proofgate.
   */
  checkState(pending: PendingAuthorization | undefined, query: URLSearchParams): void {
    if (!pending) {
      throw new CallbackRefused('No authorization request is in progress in this browser session');
    }
    const state = query.get('state') ?? undefined;
    if (pending.state === undefined) {
      if (state !== undefined) throw new CallbackRefused('state was not sent but came back');
      return;
    }
    if (state === undefined) throw new CallbackRefused('state is missing from the callback');
    if (state !== pending.state) {
      throw new CallbackRefused('state does not match the one this session sent');
    }
  }

  /** Validates the response (iss, RFC 9207), redeems the code with the verifier, calls /api/me. */
  async redeem(pending: PendingAuthorization, query: URLSearchParams): Promise<CodeRedemption> {
    const as = await this.discover();
    let params: URLSearchParams;
    try {
      params = oauth.validateAuthResponse(
        as,
        this.client,
        query,
        pending.state ?? oauth.expectNoState,
      );
    } catch (error) {
      if (error instanceof oauth.AuthorizationResponseError) throw new AuthorizationDenied(query);
      if (error instanceof oauth.OperationProcessingError) throw new CallbackRefused(error.message);
      throw error;
    }
    if (!pending.codeVerifier) {
      throw new CallbackRefused('a code came back for a request without PKCE; not redeeming it');
    }
    const code = params.get('code') ?? '';
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      this.client,
      this.clientAuth,
      params,
      this.settings.redirectUri,
      pending.codeVerifier,
      this.options,
    );
    const tokens = await this.tokenSet(
      oauth.processAuthorizationCodeResponse(as, this.client, response),
    );
    return {
      code,
      state: query.get('state') ?? undefined,
      iss: query.get('iss') ?? undefined,
      tokens,
      me: await this.me(tokens.accessToken),
    };
  }

  /** RFC 6749 §6; Proofgate rotates the refresh token on every use. */
  async refresh(refreshToken: string): Promise<{ tokens: TokenSet; me: ResourceAnswer }> {
    const as = await this.discover();
    const response = await oauth.refreshTokenGrantRequest(
      as,
      this.client,
      this.clientAuth,
      refreshToken,
      this.options,
    );
    const tokens = await this.tokenSet(
      oauth.processRefreshTokenResponse(as, this.client, response),
    );
    return { tokens, me: await this.me(tokens.accessToken) };
  }

  private async me(accessToken: string): Promise<ResourceAnswer> {
    const as = await this.discover();
    let response: Response;
    let stepUp: StepUpRequest | undefined;
    try {
      response = await oauth.protectedResourceRequest(
        accessToken,
        'GET',
        new URL(this.settings.api ?? new URL('/api/me', as.issuer).href),
        undefined,
        undefined,
        this.options,
      );
    } catch (error) {
      // oauth4webapi throws on any WWW-Authenticate challenge; the answer is shown all the same.
      if (!(error instanceof oauth.WWWAuthenticateChallengeError)) throw error;
      response = error.response;
      stepUp = stepUpAsked(error.cause);
    }
    const body: unknown = await response.json().catch(() => null);
    return { status: response.status, body, ...(stepUp ? { stepUp } : {}) };
  }

  private async tokenSet(processing: Promise<oauth.TokenEndpointResponse>): Promise<TokenSet> {
    let response: oauth.TokenEndpointResponse;
    try {
      response = await processing;
    } catch (error) {
      if (error instanceof oauth.ResponseBodyError) {
        throw new TokenEndpointError(error.error, error.error_description, error.status);
      }
      throw error;
    }
    return {
      accessToken: response.access_token,
      refreshToken: response.refresh_token,
      expiresIn: response.expires_in,
      scope: response.scope,
      tokenType: response.token_type,
      receivedAt: Date.now(),
    };
  }
}

/**
 * RFC 9470 §3: what a Bearer `insufficient_user_authentication` challenge asks for (`acr_values`,
 * `max_age`), or undefined when the refusal is for another reason or names neither.
 */
export function stepUpAsked(
  challenges: readonly oauth.WWWAuthenticateChallenge[],
): StepUpRequest | undefined {
  const challenge = challenges.find(
    (c) => c.scheme === 'bearer' && c.parameters.error === 'insufficient_user_authentication',
  );
  if (!challenge) return undefined;
  const { acr_values: acrValues, max_age: maxAge } = challenge.parameters;
  if (acrValues === undefined && maxAge === undefined) return undefined;
  return {
    ...(acrValues !== undefined ? { acr_values: acrValues } : {}),
    ...(maxAge !== undefined ? { max_age: maxAge } : {}),
  };
}
