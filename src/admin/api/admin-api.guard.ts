import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ClientRegistry } from '../../clients/client-registry.service';
import { ServerConfig } from '../../config/sections/server.config';
import { AdminCallRefused } from '../../platform/events/admin.events';
import { DomainEvents } from '../../platform/events/domain-events';
import {
  InsufficientScope,
  InvalidToken,
  ProtocolError,
  TooManyRequests,
  namingResourceMetadata,
} from '../../platform/errors/protocol-error';
import type { HttpResponse } from '../../platform/http/http-exchange';
import { RateLimiter } from '../../platform/rate-limit/rate-limiter';
import {
  ADMIN_CONSOLE_CLIENT_ID,
  adminApiAudience,
  adminApiResourceMetadataUrl,
} from '../../protocol-rules/admin-scopes';
import type { AdminActor } from '../audit/admin-audit';
import { OperatorAdministration } from '../operators/operator-administration.service';
import { inTokenScheme } from '../../tokens/dpop/dpop.errors';
import { BearerTokenAuthenticator } from '../../tokens/grants/grant-bearer.authenticator';
import { presentedTokenOf } from '../../tokens/grants/presented-token.decorator';
import {
  ADMIN_API_PER_CLIENT,
  ADMIN_API_PER_IP,
  type AdminApiRequest,
  routeOf,
} from './admin-route-spec';
import { clientAddress } from '../../platform/http/client-address';

/** A caller's `X-Request-Id` kept as it is: short, and nothing that could garble a log line. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Who may call the admin API (issue #77): a live access token of Proofgate's own (RFC 9068,
 * verified as the protected API verifies its tokens, DPoP-bound ones with their proof), for the
 * admin API's audience, carrying the route's scope. No token or a bad one: `401` with
 * `WWW-Authenticate: Bearer` (or `DPoP`); a token without the scope: `403 insufficient_scope`
 * (RFC 6750 §3.1); either challenge names the API's metadata (`resource_metadata`, RFC 9728
 * §5.1). Then the rate limits of the caller's address and of the admin client, in one count (a
 * refused call counts against its address alone). Every refusal is counted
 * (`proofgate_admin_actions_total`), for the alert on a burst of them.
 */
@Injectable()
export class AdminApiGuard implements CanActivate {
  constructor(
    private readonly authenticator: BearerTokenAuthenticator,
    private readonly server: ServerConfig,
    private readonly limiter: RateLimiter,
    private readonly events: DomainEvents,
    private readonly operators: OperatorAdministration,
    private readonly clients: ClientRegistry,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const route = routeOf(context);
    if (route === undefined)
      throw new Error(
        'An admin API route without @AdminRead/@AdminCreate/@AdminChange/@AdminAction',
      );
    const http = context.switchToHttp();
    const request = http.getRequest<AdminApiRequest>();
    const response = http.getResponse<HttpResponse>();
    const presented = request.headers['x-request-id'];
    const requestId =
      typeof presented === 'string' && REQUEST_ID.test(presented) ? presented : randomUUID();
    response.header('X-Request-Id', requestId);

    const ipKey = `ip:${clientAddress(request)}`;
    let actor: AdminActor;
    let counted = false;
    try {
      const { claims } = await this.authenticator.authenticateWithScope(
        { ...presentedTokenOf(request, response), audience: adminApiAudience(this.server.issuer) },
        route.scope,
      );
      const clientId = claims.client_id;
      actor = { kind: 'client', clientId };
      if (clientId === ADMIN_CONSOLE_CLIENT_ID) {
        // Issue #77: a person's token, from the console. The role is read at each call, so one
        // taken away (operators remove) stops the token at once, not when it ends.
        if (!(await this.operators.isOperator(claims.sub))) {
          const refusal = new InvalidToken('The account of this token is no longer an operator');
          throw inTokenScheme(claims, refusal);
        }
        actor = { kind: 'operator', account: claims.sub, clientId };
      } else if (!(await this.mayStillHave(clientId, route.scope))) {
        // An admin scope taken from the client (OAUTH_CLIENTS, or PATCH admin_scopes) ends its
        // tokens' use of it at once, not when they expire.
        const refusal = new InsufficientScope(
          `This client may no longer have the scope ${route.scope}`,
          route.scope,
        );
        throw inTokenScheme(claims, refusal);
      }
      // Both limits in one count (one store round trip): the caller's address and the client.
      counted = true;
      await this.limiter.hit(
        [
          { rule: ADMIN_API_PER_IP, key: ipKey },
          { rule: ADMIN_API_PER_CLIENT, key: `admin-client:${clientId}` },
        ],
        'closed',
      );
    } catch (error) {
      throw await this.refused(route.action, error, counted ? undefined : ipKey);
    }
    request.adminCall = { actor, requestId };
    return true;
  }

  /** Whether the admin client still holds `scope` (from the registry's memory as a rule). */
  private async mayStillHave(clientId: string, scope: string): Promise<boolean> {
    const client = await this.clients.find(clientId);
    return client?.adminScopes?.some((held) => held === scope) === true;
  }

  /**
   * The error to answer a refused call with, counted for the alert. A call refused before its
   * limits were counted counts against its address (`uncountedIp`): what a caller without a
   * valid token can try is limited too (RATE_LIMIT_ADMIN_API_PER_IP), and past it the answer is
   * the limit's `429`. A challenge names the API's metadata, where a client that knows only the
   * URL it called learns the authorization server and the admin scopes.
   */
  private async refused(action: string, error: unknown, uncountedIp?: string): Promise<unknown> {
    let refusal = error;
    if (uncountedIp !== undefined && error instanceof ProtocolError) {
      try {
        await this.limiter.charge(ADMIN_API_PER_IP, uncountedIp, 'closed');
      } catch (limited) {
        refusal = limited;
      }
    }
    if (refusal instanceof ProtocolError) {
      namingResourceMetadata(refusal, adminApiResourceMetadataUrl(this.server.issuer));
      const outcome =
        refusal instanceof TooManyRequests
          ? 'rate_limited'
          : refusal.status === 401
            ? 'unauthorized'
            : 'forbidden';
      this.events.emit(new AdminCallRefused(action, outcome));
    }
    return refusal;
  }
}
