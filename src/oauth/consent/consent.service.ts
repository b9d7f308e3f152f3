import { Injectable } from '@nestjs/common';
import { Clock } from '../../platform/clock/clock';
import type { Consent } from './consent';
import { ConsentRepository } from './consent.repository';

const scopeValues = (scope: string): string[] => scope.split(' ').filter(Boolean);

/**
 * Remembered consents: what a user allowed a client that is not first-party. Allowing adds to
 * what was allowed before; a request for any scope value not allowed yet asks again.
 */
@Injectable()
export class ConsentService {
  constructor(
    private readonly consents: ConsentRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * True when the user has allowed the client every value of `scope` (normalised,
   * space-separated) and, when given, `resource`: a resource other than Proofgate's own API
   * (RFC 8707), which the user saw on the consent screen.
   */
  async covers(sub: string, clientId: string, scope: string, resource?: string): Promise<boolean> {
    const consent = await this.consents.find(sub, clientId);
    if (!consent) return false;
    if (resource !== undefined && !consent.resources.includes(resource)) return false;
    return scopeValues(scope).every((value) => consent.scopes.includes(value));
  }

  allow(sub: string, clientId: string, scope: string, resource?: string): Promise<void> {
    const resources = resource === undefined ? [] : [resource];
    return this.consents.allow(sub, clientId, scopeValues(scope), resources, this.clock.now());
  }

  list(sub: string): Promise<Consent[]> {
    return this.consents.listByUser(sub);
  }

  /** The user is asked again by the client (or by every client) at its next authorization request. */
  revoke(sub: string, clientId?: string): Promise<number> {
    return this.consents.revoke(sub, clientId);
  }
}
