import { Injectable } from '@nestjs/common';
import {
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { reportRefusals } from '../../../../challenges/report-refusals';
import { ChallengeStore } from '../../../../challenges/challenge-store';
import {
  ClientKeySets,
  type KeySetSource,
  checkWithRotatedKeys,
} from '../../../../clients/assertion/client-key-sets';
import {
  type JwsKeyRefusalTexts,
  claimsSet,
  jwsRefusal,
} from '../../../../clients/assertion/assertion-jws';
import { clientLabel, type OAuthClient } from '../../../../clients/oauth-client';
import {
  JwtBearerConfig,
  type TrustedJwtIssuer,
} from '../../../../config/sections/jwt-bearer.config';
import { ServerConfig } from '../../../../config/sections/server.config';
import { Clock } from '../../../../platform/clock/clock';
import {
  InvalidGrant,
  InvalidRequest,
  InvalidTarget,
  ProtocolError,
} from '../../../../platform/errors/protocol-error';
import { DomainEvents } from '../../../../platform/events/domain-events';
import { DuplicateMemberName } from '../../../../platform/http/json-duplicate-names';
import { GrantTokenIssuer, TokenResponse } from '../../../../tokens/grants/grant-token.issuer';
import { CLIENT_SCOPES, checkScope, refuseOutsideClientScope } from '../../../../tokens/scopes';
import type { ClientCharge } from '../../../client-budget';
import { type GrantEntry, GrantHandler, type TokenRequest, grantParameter } from '../../grant';
import { ResourceScopes } from '../../../../tokens/resource-scopes';
import { MachineGrantTarget } from '../machine-grant-target';
import {
  ASSERTION_ALGS,
  ASSERTION_CLOCK_SKEW_SECONDS,
  JWT_BEARER_GRANT_TYPE,
  type CheckedAssertion,
  assertedSubject,
  assertionProfile,
  checkAssertionClaims,
  grantedScope,
  trustedIssuerOf,
} from './check-assertion';
import { MACHINE_GRANT_RULE } from '../../../../protocol-rules/grant-types';

/** Longest assertion read at all, and longest `jti` kept. */
const MAX_ASSERTION_LENGTH = 16 * 1024;
const MAX_JTI_LENGTH = 256;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * The scopes a user an issuer vouches for may bring: no `openid` (no ID token: the user signed in
 * at the issuer, not here) and no `account` (an assertion never manages a Proofgate account).
 */
const ASSERTED_USER_SCOPES: readonly string[] = ['profile', 'api'];

/** RFC 7523 §2.1: the grant's own parameter. */
const PARAMETERS = {
  assertion: grantParameter({
    description:
      'urn:ietf:params:oauth:grant-type:jwt-bearer (RFC 7523 §2.1): the assertion of an issuer in JWT_BEARER_ISSUERS, an ID-JAG (typ oauth-id-jag+jwt) or a workload JWT',
    example:
      'eyJhbGciOiJFUzI1NiIsInR5cCI6Im9hdXRoLWlkLWphZytqd3QifQ.eyJpc3MiOiJodHRwczovL2lkcC5leGFtcGxlIn0.c2lnbmF0dXJl',
  }),
};

/**
 * RFC 7523 §2.1, the JWT-bearer grant, for a confidential client registered for it: an assertion
 * signed by an issuer the operator trusts (JWT_BEARER_ISSUERS) for an access token, no refresh
 * token. Two kinds of assertion (told apart by `typ`, RFC 8725 §3.11):
 *
 * - an **ID-JAG** (`oauth-id-jag+jwt`, MCP enterprise-managed authorization): a user the
 *   enterprise IdP vouches for, issued to this client (`client_id`) for one `resource` and some
 *   `scope`; the token's `sub` is that user under the issuer (`jwt:…`, `federatedSubject`), its
 *   `aud` the resource, its scope what the client asked within what was asserted, its `acr` the
 *   one the IdP asserted (when Proofgate knows the value);
 * - a **workload JWT** (`typ` JWT or none, workload identity federation): the workload's identity
 *   from its platform, for the client its `client_id`/`azp` names (or one the issuer entry's
 *   `clients` lists); the token is a client-style one (client scopes only, no account, no `acr`),
 *   its `sub` the workload under the issuer (`wl:…`, `workloadSubject`), which no user's is.
 *
 * Checked in the order a refusal is cheapest: form and algorithm (never HS* or none), `typ`, the
 * issuer trusted, the signature by the issuer's keys (an unknown kid fetches its jwks_uri again,
 * at most every 30 s), the claims (check-assertion.ts), the scope and resource and the `acr`
 * their minimums ask (ACR_REQUIRED_BY_*: `invalid_target` / `invalid_scope`), and last the
 * `jti` recorded once in the challenge store until the assertion expires, so a replay is refused
 * on any instance. Every refusal of the assertion is `invalid_grant` (RFC 7523 §3.1).
 */
@Injectable()
export class JwtBearerGrant extends GrantHandler<typeof PARAMETERS> {
  constructor(
    private readonly issuer: GrantTokenIssuer,
    private readonly keySets: ClientKeySets,
    private readonly store: ChallengeStore,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
    private readonly config: JwtBearerConfig,
    private readonly server: ServerConfig,
    private readonly target: MachineGrantTarget,
    private readonly resourceScopes: ResourceScopes,
  ) {
    super();
  }

  async handle(
    client: OAuthClient,
    request: TokenRequest<typeof PARAMETERS>,
    _charge: ClientCharge,
    dpopJkt?: string,
  ): Promise<TokenResponse> {
    // The client authenticated: checkGrantType refuses public clients this grant before any handler.
    const assertion = request.assertion;
    if (assertion === undefined || assertion === '') {
      throw new InvalidRequest('assertion is required for the JWT-bearer grant');
    }
    // Only the refusals with a reason of this grant's vocabulary (a scope's or target's have none).
    const report = {
      kind: 'jwt_bearer_jti',
      client: clientLabel(client),
      counts: (error: ProtocolError) => error.reason !== undefined,
    } as const;
    return reportRefusals(this.events, report, async () => {
      const checked = await this.checked(client, assertion);
      const { trusted } = checked;
      const resource = this.resourceOf(client, checked, request.resource);
      // An API's own scopes (RESOURCE_SERVERS) with its resource, the one the token is for.
      const requested =
        request.scope === undefined
          ? undefined
          : checkScope(request.scope, { lookup: this.resourceScopes, resources: [resource] });
      if (requested !== undefined) refuseOutsideClientScope(requested, client.scope, true);
      const scope = grantedScope(requested, {
        ...(checked.scope === undefined ? {} : { asserted: checked.scope }),
        ...(trusted.scopes === undefined ? {} : { issuer: trusted.scopes }),
        client: checked.profile === 'id-jag' ? ASSERTED_USER_SCOPES : CLIENT_SCOPES,
        declared: this.resourceScopes.scopesAt(resource),
        ...(client.scope === undefined ? {} : { registered: client.scope.split(' ') }),
      });
      await this.target.check(client, {
        resource,
        scope,
        ...(checked.acr === undefined ? {} : { acr: checked.acr }),
      });
      await this.spend(trusted, checked);
      return await this.issuer.issueToClient(
        {
          clientId: client.clientId,
          sub: assertedSubject(checked.profile, trusted.issuer, checked.sub),
          scope,
          resource,
          ...(checked.acr === undefined ? {} : { acr: checked.acr }),
        },
        dpopJkt,
      );
    });
  }

  private async checked(
    client: OAuthClient,
    assertion: string,
  ): Promise<CheckedAssertion & { trusted: TrustedJwtIssuer }> {
    if (assertion.length > MAX_ASSERTION_LENGTH || !COMPACT_JWS.test(assertion)) {
      throw refused('assertion must be one compact JWS', 'malformed');
    }
    let header: ReturnType<typeof decodeProtectedHeader>;
    let unverified: JWTPayload;
    try {
      header = decodeProtectedHeader(assertion);
      // A claim named twice is refused here (claimsSet): jose's jwtVerify keeps the last one,
      // where the issuer's other relying parties may read the first.
      unverified = claimsSet(assertion.split('.')[1]);
    } catch (error) {
      const repeated = (error as { cause?: unknown }).cause;
      if (repeated instanceof DuplicateMemberName) {
        throw refused(`The assertion ${repeated.message}`, 'malformed');
      }
      throw refused('assertion must be one compact JWS', 'malformed');
    }
    if (!(ASSERTION_ALGS as readonly unknown[]).includes(header.alg)) {
      throw refused(
        `The assertion must be signed with ${ASSERTION_ALGS.join(', ')} (never HS* or none)`,
        'alg',
      );
    }
    const profile = assertionProfile(header.typ);
    const trusted = trustedIssuerOf(this.config.issuers, unverified.iss);
    const payload = await this.verified(assertion, trusted);
    if (typeof payload.jti === 'string' && payload.jti.length > MAX_JTI_LENGTH) {
      throw refused(`The assertion's jti must be at most ${MAX_JTI_LENGTH} characters`, 'claims');
    }
    const checked = checkAssertionClaims(payload, {
      profile,
      audience: trusted.audience ?? this.server.issuer,
      clientId: client.clientId,
      ...(trusted.clients === undefined ? {} : { issuerClients: trusted.clients }),
      now: this.clock.nowSeconds(),
    });
    return { ...checked, trusted };
  }

  /** The signature by one of the issuer's keys; `exp`, `nbf` and `iss` by jose on the way. */
  private async verified(assertion: string, trusted: TrustedJwtIssuer): Promise<JWTPayload> {
    const source: KeySetSource = {
      // The operator named this URL (JWT_BEARER_ISSUERS): an enterprise IdP may be internal.
      allowPrivate: true,
      unusable: () =>
        refused("The assertion's issuer keys could not be fetched", 'issuer_keys_unavailable'),
    };
    return checkWithRotatedKeys(
      await this.keySets.keysAt(trusted.jwksUri, source),
      () => this.keySets.refreshedAt(trusted.jwksUri, source),
      (keys) => this.check(assertion, trusted, keys),
      asRefusal,
    );
  }

  private async check(
    assertion: string,
    trusted: TrustedJwtIssuer,
    keys: JWTVerifyGetKey,
  ): Promise<JWTPayload> {
    const { payload } = await jwtVerify(assertion, keys, {
      algorithms: [...ASSERTION_ALGS],
      issuer: trusted.issuer,
      requiredClaims: ['exp'],
      clockTolerance: ASSERTION_CLOCK_SKEW_SECONDS,
      currentDate: this.clock.now(),
    });
    return payload;
  }

  /**
   * RFC 8707: an ID-JAG names its resource (the request's, if any, must be the same); a workload
   * JWT takes the request's. Either way one the client may use, as at /authorize.
   */
  private resourceOf(
    client: OAuthClient,
    checked: CheckedAssertion,
    requested: string | undefined,
  ): string {
    if (
      checked.resource !== undefined &&
      requested !== undefined &&
      requested !== checked.resource
    ) {
      throw new InvalidTarget('resource must be the one the assertion was issued for').because(
        'resource_mismatch',
      );
    }
    return this.target.resourceFor(client, checked.resource ?? requested);
  }

  /** RFC 7523 §3 item 7: the jti once per issuer, fleet-wide, until the assertion expires. */
  private async spend(trusted: TrustedJwtIssuer, checked: CheckedAssertion): Promise<void> {
    const remaining = checked.exp - this.clock.nowSeconds();
    const fresh = await this.store.recordOnce(
      'jwt_bearer_jti',
      `jwt_bearer:${trusted.issuer}\n${checked.jti}`,
      Math.max(1, remaining + ASSERTION_CLOCK_SKEW_SECONDS),
    );
    if (!fresh) throw refused('The assertion was already used (jti replay)', 'replay');
  }
}

export const JWT_BEARER_GRANT: GrantEntry<typeof JWT_BEARER_GRANT_TYPE, typeof PARAMETERS> = {
  type: JWT_BEARER_GRANT_TYPE,
  parameters: PARAMETERS,
  advertised: true,
  // RFC 7523 §2.1 (an ID-JAG, MCP enterprise-managed authorization; or a workload JWT): the
  // ID-JAG draft has the client authenticate when it presents the assertion, which names it.
  registration: MACHINE_GRANT_RULE,
  handler: JwtBearerGrant,
};

/** An issuer's assertion is verified with its issuer's keys, not the presenting client's. */
const ASSERTION_KEY_TEXTS: JwsKeyRefusalTexts = {
  signature: "The assertion's signature is invalid",
  severalKeys: 'Several issuer keys could have signed the assertion: it needs a kid',
  noKey: "The assertion is signed by none of its issuer's keys",
  unusableKey:
    'The assertion is signed with a key Proofgate cannot use (an RSA key needs 2048 bits or more)',
};

/** jose's verdict as the refusal a client reads; infrastructure failures pass through. */
const asRefusal = jwsRefusal({
  own: ProtocolError,
  keyTexts: ASSERTION_KEY_TEXTS,
  refused,
  otherwise: claimsRefusal,
});

function refused(description: string, reason: string): InvalidGrant {
  return new InvalidGrant(description).because(reason);
}

/** jose's verdict on the claims, the algorithm or the form. */
function claimsRefusal(error: errors.JOSEError): InvalidGrant {
  if (error instanceof errors.JWTExpired) return refused('The assertion expired', 'expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') {
      return refused(`The assertion must have the ${error.claim} claim`, 'claims');
    }
    if (error.claim === 'nbf' || error.claim === 'iat') {
      return refused('The assertion is not valid yet', 'not_yet_valid');
    }
    return refused(`The assertion's ${error.claim} is invalid`, 'claims');
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return refused(
      `The assertion must be signed with ${ASSERTION_ALGS.join(', ')} (never HS* or none)`,
      'alg',
    );
  }
  return refused('The assertion is invalid', 'malformed');
}
