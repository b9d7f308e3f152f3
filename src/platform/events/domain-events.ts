import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';

/** A fact the domain reports (a challenge redeemed, a grant revoked, a replay seen). */
export interface DomainEvent {
  /** The event's name, e.g. `challenge.redeemed`; subscribers listen with `@OnEvent(name)`. */
  readonly type: string;
}

/**
 * How protocol code tells the rest of the service what happened, without knowing who listens:
 * metrics and the comparison figures subscribe in one place (telemetry/), as node-oidc-provider's
 * instrumentation listens to `grant.success` instead of being threaded through its grants.
 */
@Injectable()
export class DomainEvents {
  constructor(private readonly emitter: EventEmitter2) {}

  /** Synchronous and in memory: subscribers must not do I/O on the request path. */
  emit(event: DomainEvent): void {
    this.emitter.emit(event.type, event);
  }

  /** For events whose subscribers persist something the caller relies on (the audit log). */
  async emitAndWait(event: DomainEvent): Promise<void> {
    await this.emitter.emitAsync(event.type, event);
  }
}

/** An attack the service stopped. Details are identifiers and hash prefixes, never secrets. */
export class SecurityEventDetected implements DomainEvent {
  static readonly type = 'security.event';
  readonly type = SecurityEventDetected.type;
  constructor(
    readonly name: string,
    readonly details: Readonly<Record<string, string>>,
  ) {}
}
