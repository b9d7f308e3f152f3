import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { parseBasicCredentials } from '../../platform/http/basic-credentials';
import { clientAddress } from '../../platform/http/client-address';
import type { Release } from './in-flight-limit';
import { ClientMetadataDocuments } from './client-metadata-documents.service';

/** The client_ids a request names where a client lookup reads them: query, body, Basic user. */
function namedClientIds(request: Request): string[] {
  const ids = new Set<string>();
  const query = request.query as Record<string, unknown> | undefined;
  const body = request.body as unknown;
  if (typeof query?.client_id === 'string') ids.add(query.client_id);
  if (typeof body === 'object' && body !== null) {
    const fromBody = (body as Record<string, unknown>).client_id;
    if (typeof fromBody === 'string') ids.add(fromBody);
  }
  const authorization = request.headers.authorization;
  const basic = authorization ? parseBasicCredentials(authorization) : null;
  if (basic) ids.add(basic.username);
  return [...ids];
}

/**
 * Counts a request that names a client metadata document not fetched yet against its client
 * address's few first-time fetches in flight (`ClientMetadataDocuments.admit`), until its
 * response is closed, and refuses it (429) past them, before any handler looks the client up.
 *
 * Why here and not inside the lookup: the lookup (`ClientRegistry.find`) is called from the
 * authorize, token, consent and wallet code with a client_id and no request, and the address is
 * the request's. Requests naming no document (nearly all) pass at the cost of three property
 * reads. A guard, not an interceptor: a global interceptor would put every request, /token
 * included, through an RxJS pipeline, which the token endpoint was measured without (a quarter
 * of its CPU time).
 */
@Injectable()
export class DocumentFetchAdmission implements CanActivate {
  constructor(private readonly documents: ClientMetadataDocuments) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request>();
    const releases: Release[] = [];
    try {
      for (const clientId of namedClientIds(request)) {
        const release = this.documents.admit(clientId, clientAddress(request));
        if (release) releases.push(release);
      }
    } catch (error) {
      for (const release of releases) release();
      throw error;
    }
    if (releases.length > 0) {
      // 'close' comes once the response is sent or the client has gone: the slot is held as
      // long as the request can still be fetching.
      context
        .switchToHttp()
        .getResponse<Response>()
        .once('close', () => releases.forEach((release) => release()));
    }
    return true;
  }
}
