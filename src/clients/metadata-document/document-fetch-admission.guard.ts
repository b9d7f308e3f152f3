import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { parseBasicCredentials } from '../../platform/http/basic-credentials';
import { clientAddress } from '../../platform/http/client-address';
import type { HttpRequest, HttpResponse } from '../../platform/http/http-exchange';
import { assertedClientId } from '../assertion/client-assertion.verifier';
import type { Release } from './in-flight-limit';
import { ClientMetadataDocuments } from './client-metadata-documents.service';

/** Strings among a parameter's values (one value, or a repeated parameter's list). */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * The ids a request may make the registry look up, where it reads them: `client_id` in the
 * query or body, the Basic user name, the `sub` of a private_key_jwt `client_assertion` (the
 * client it names when no client_id is sent, RFC 7521 §4.2), and `resource` (RFC 8707), which a
 * self-registered client's request has looked up as a client id (it must never be one).
 */
function namedClientIds(request: HttpRequest): string[] {
  const query = request.query as Record<string, unknown> | undefined;
  const body: Record<string, unknown> =
    typeof request.body === 'object' && request.body !== null
      ? (request.body as Record<string, unknown>)
      : {};
  const ids = new Set<string>([
    ...strings(query?.client_id),
    ...strings(body.client_id),
    ...strings(query?.resource),
    ...strings(body.resource),
  ]);
  const authorization = request.headers.authorization;
  const basic = authorization ? parseBasicCredentials(authorization) : null;
  if (basic) ids.add(basic.username);
  if (typeof body.client_assertion === 'string') {
    const asserted = assertedClientId(body.client_assertion);
    if (asserted !== undefined) ids.add(asserted);
  }
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
    const request = context.switchToHttp().getRequest<HttpRequest>();
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
        .getResponse<HttpResponse>()
        .raw.once('close', () => releases.forEach((release) => release()));
    }
    return true;
  }
}
