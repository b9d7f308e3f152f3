import { Injectable } from '@nestjs/common';
import { ServerConfig } from '../../config/sections/server.config';
import { ClientAuthenticator } from '../../clients/client-authenticator';
import { DpopProofVerifier } from '../../tokens/dpop/dpop-proof.verifier';
import { presentedCredentials } from '../client-authentication.dto';
import { ClientBudget } from '../client-budget';
import type { PushedAuthorizationRequestDto } from './pushed-authorization-request.dto';
import { PushedAuthorizationRequests } from './pushed-authorization.service';

/**
 * POST /par (RFC 9126 §2): the client authenticates as at /token (a public client names itself
 * with client_id), then its request is checked and stored. A confidential client's budget is
 * charged alongside, once its secret is checked. With a DPoP proof (RFC 9449 §10.1) the code
 * will be bound to its key; its `jti` is recorded like any proof's.
 */
@Injectable()
export class PushedAuthorizationEndpoint {
  private readonly parUrl: string;

  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly budget: ClientBudget,
    private readonly pushed: PushedAuthorizationRequests,
    private readonly dpop: DpopProofVerifier,
    server: ServerConfig,
  ) {
    this.parUrl = new URL(`${server.issuer}/par`).href;
  }

  async handle(
    request: PushedAuthorizationRequestDto,
    authorization: string | undefined,
    callerAddress: string,
    dpopHeader: string | undefined,
  ): Promise<{ request_uri: string; expires_in: number }> {
    const client = await this.clients.authenticate(
      presentedCredentials(authorization, request, callerAddress),
    );
    const proof =
      dpopHeader === undefined
        ? undefined
        : await this.dpop.verify(dpopHeader, { method: 'POST', url: this.parUrl });
    // The proof's jti insert runs alongside the request's own; a replay wins over its answer
    // (the request it stored is then never referenced, and expires).
    const work = async () => {
      const [pushed] = await Promise.all([
        this.pushed.push(client, request, proof?.jkt),
        proof && this.dpop.recordJti(proof),
      ]);
      return pushed;
    };
    return client.type === 'confidential' ? this.budget.alongside(client.clientId, work) : work();
  }
}
