import { Injectable } from '@nestjs/common';
import { ClientRegistry } from '../clients/client-registry.service';
import { checkScope } from '../tokens/scopes';
import { DEFAULT_RETURN_TO } from '../sessions/return-to';

/** Who is asking the user to sign in, and for what: shown on the login page. */
export interface PendingAuthorizationView {
  /** The registered client's name (from the registry, never from the query). */
  readonly clientName: string;
  readonly clientId: string;
  /** The requested scope values, when they are all supported (else none are shown). */
  readonly scopes: readonly string[];
}

/**
 * Reads the pending /authorize request a login will return to. The query is the client's (or
 * anyone's) text, so only its client_id is used, to look the client up; the scope values are
 * shown only once checked against the supported set (`checkScope`, the scope vocabulary of
 * tokens/, below both login/ and oauth/).
 */
@Injectable()
export class PendingAuthorization {
  constructor(private readonly clients: ClientRegistry) {}

  /** `returnTo` must already be checked by `safeReturnTo`. */
  async describe(returnTo: string): Promise<PendingAuthorizationView | undefined> {
    if (returnTo === DEFAULT_RETURN_TO) return undefined;
    const query = new URLSearchParams(returnTo.slice(returnTo.indexOf('?') + 1));
    const clientIds = query.getAll('client_id');
    if (clientIds.length !== 1) return undefined;
    const client = await this.clients.find(clientIds[0]);
    if (!client) return undefined;
    return { clientName: client.name, clientId: client.clientId, scopes: scopesOf(query) };
  }
}

/**
 * The scope the query asks for, as written there; none when it names none: a request kept on the
 * server (pushed to /par, or held by /authorize for a form post or a request object) comes back
 * with only its client and a reference, and its scope is shown on the consent screen instead.
 */
function scopesOf(query: URLSearchParams): string[] {
  const requested = query.getAll('scope');
  if (requested.length !== 1) return [];
  try {
    return checkScope(requested[0]).split(' ');
  } catch {
    return [];
  }
}
