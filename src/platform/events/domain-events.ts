import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';

/** A fact the domain reports (a challenge redeemed, a grant revoked, a replay seen). */
export interface DomainEvent {
  /** The event's name, e.g. `challenge.redeemed`; subscribers listen with `@OnEvent(name)`. */
  readonly type: string;
}

/**
 * The base of the event class named `type`: `Event.type` to listen with (`@OnEvent(Event.type)`)
 * and each event's own `type`, the one name written once.
 */
export function domainEvent<T extends string>(type: T) {
  return class implements DomainEvent {
    static readonly type: T = type;
    readonly type: T = type;
  };
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
export class SecurityEventDetected extends domainEvent('security.event') {
  constructor(
    readonly name: string,
    readonly details: Readonly<Record<string, string>>,
  ) {
    super();
  }
}
