import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { OAuthConfig } from '../../config/sections/oauth.config';
import { Clock } from '../../platform/clock/clock';
import { consentCovers } from '../request-rules/authorization-request.check';
import type { Consent } from './consent';
import { type ConsentFilter, type ConsentPageRead, ConsentRepository } from './consent.repository';

const scopeValues = (scope: string): string[] => scope.split(' ').filter(Boolean);
const DAY_MS = 86_400_000;

/**
 * Remembered consents: what a user allowed a client that is not first-party. Allowing adds to
 * what was allowed before; a request for any scope value not allowed yet asks again. A consent
 * lasts CONSENT_TTL_DAYS after the last Allow: any signed-in subject (a fresh wallet too) can
 * write one per client, so they are bounded by an expiry like every anonymous-writable record.
 */
@Injectable()
export class ConsentService implements OnModuleInit {
  private readonly logger = new Logger(ConsentService.name);
  private readonly ttlMs: number;

  constructor(
    private readonly consents: ConsentRepository,
    private readonly clock: Clock,
    oauth: OAuthConfig,
  ) {
    this.ttlMs = oauth.consentTtlDays * DAY_MS;
  }

  /** Consents remembered before they expired get a full lifetime from the upgrade on. */
  async onModuleInit(): Promise<void> {
    const dated = await this.consents.expireUndated(this.expiryFrom(this.clock.now()));
    if (dated > 0) this.logger.log(`Gave ${dated} remembered consents an expiry`);
  }

  /**
   * The values of `scope` the user has already allowed the client (at `resources`, those besides
   * Proofgate's own API, RFC 8707), and those they have not: on step-up (MCP authorization: the
   * client asks again with the union of what it holds and what a resource challenged it for) the
   * consent screen asks for the new ones only. A resource not allowed yet makes every value new:
   * the access is for another server. Each resource allowed is remembered on its own, so a
   * request for fewer of them than were allowed together is covered. A claim asked for by name is
   * covered by its own value or by the scope that releases it (`consentCovers`). A consent covers
   * a request when nothing is asked; an expired consent covers nothing.
   */
  async review(
    sub: string,
    clientId: string,
    scope: string,
    resources: readonly string[] = [],
  ): Promise<{ allowed: string[]; asked: string[] }> {
    const values = scopeValues(scope);
    const consent = await this.consents.find(sub, clientId);
    if (
      !consent ||
      !this.current(consent) ||
      resources.some((resource) => !consent.resources.includes(resource))
    ) {
      return { allowed: [], asked: values };
    }
    return {
      allowed: values.filter((value) => consentCovers(consent.scopes, value)),
      asked: values.filter((value) => !consentCovers(consent.scopes, value)),
    };
  }

  /** Remembers `scope` at every one of `resources` (those besides Proofgate's own API). */
  allow(
    sub: string,
    clientId: string,
    scope: string,
    resources: readonly string[] = [],
  ): Promise<void> {
    const now = this.clock.now();
    return this.consents.allow(
      { sub, clientId, scopes: scopeValues(scope), resources, expiresAt: this.expiryFrom(now) },
      now,
    );
  }

  /**
   * Spends one allowed value that covers a single request (the exact authorization details of
   * RFC 9396): true once, for the request that spent it; false when it was not allowed or is
   * spent already, and the user is asked again.
   */
  spend(sub: string, clientId: string, value: string): Promise<boolean> {
    return this.consents.spend(sub, clientId, value);
  }

  /** The user's consents that still hold. */
  async list(sub: string): Promise<Consent[]> {
    return (await this.consents.listByUser(sub)).filter((consent) => this.current(consent));
  }

  /** A page of the consents that still hold, of a user and/or a client, in key order (consentKey). */
  page(filter: ConsentFilter, page: ConsentPageRead): Promise<Consent[]> {
    return this.consents.page(filter, this.clock.now(), page);
  }

  /** The user is asked again by the client (or by every client) at its next authorization request. */
  revoke(sub: string, clientId?: string): Promise<number> {
    return this.consents.revoke(sub, clientId);
  }

  private current(consent: Consent): boolean {
    return consent.expiresAt.getTime() > this.clock.now().getTime();
  }

  private expiryFrom(now: Date): Date {
    return new Date(now.getTime() + this.ttlMs);
  }
}
