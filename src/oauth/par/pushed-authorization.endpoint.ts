import { Injectable } from '@nestjs/common';
import { ServerConfig } from '../../config/sections/server.config';
import { ClientAuthenticator } from '../../clients/client-authenticator';
import { DpopProofVerifier } from '../../tokens/dpop/dpop-proof.verifier';
import { presentedCredentials } from '../client-authentication.dto';
import { ClientBudget } from '../client-budget';
import type { PushedAuthorizationRequestDto } from './pushed-authorization-request.dto';
import { PushedAuthorizationRequests } from './pushed-authorization.service';
import { profileSigningAlgs } from '../../protocol-rules/client-profile';

/**
 * POST /par (RFC 9126 §2): the client authenticates as at /token (a public client names itself
 * with client_id), then its request is checked and stored. A confidential client's budget is
 * charged alongside, once its secret is checked. With a DPoP proof (RFC 9449 §10.1) the code
 * will be bound to its key; its `jti` is recorded before anything is checked or stored, so a
 * replayed proof stores nothing (one round trip in sequence). Its key is not remembered here:
 * a public client's push proves nothing about the caller, and a flow pushes once.
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
    // FAPI 2.0 §5.4.1-1: a client of the fapi2 profile signs its proofs with its algorithms.
    if (proof) this.dpop.requireAlgorithm(proof, profileSigningAlgs(client));
    const work = async () => {
      if (proof) await this.dpop.recordJti(proof);
      return this.pushed.push(client, request, proof?.jkt);
    };
    return client.type === 'confidential' ? this.budget.alongside(client.clientId, work) : work();
  }
}
