import { Injectable } from '@nestjs/common';
import { TokenConfig } from '../config/sections/tokens.config';
import { Clock } from '../platform/clock/clock';
import { randomToken } from '../platform/crypto/hashing';
import { SecretBox } from '../platform/crypto/secret-box';
import { DomainEvents } from '../platform/events/domain-events';
import type { MailPurpose, OutgoingMail } from './mail';
import { MailQueued } from './mail.events';
import { MailOutboxRepository } from './mail-outbox.repository';

/**
 * An address as an operator's listing of the outbox shows it: the first character of the local
 * part and the domain (`a***@example.com`), enough to tell mail apart, not to write to anyone.
 */
export function maskedAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${address[0]}***${address.slice(at)}`;
}

/** Seals and opens the mail a row keeps, bound to the row (a sealed mail moved to another does not open). */
export class MailSeal {
  private readonly box: SecretBox;

  constructor(keyEncryptionSecret: string) {
    this.box = new SecretBox(keyEncryptionSecret, 'mail-outbox');
  }

  seal(mail: OutgoingMail, deliveryId: string): string {
    return this.box.seal(JSON.stringify(mail), deliveryId);
  }

  open(sealed: string, deliveryId: string): OutgoingMail {
    return JSON.parse(this.box.open(sealed, deliveryId)) as OutgoingMail;
  }
}

/**
 * Where features hand their mail: one insert into the durable outbox, its recipient and bodies
 * sealed (they hold a code), and the instance's poller woken. The request that queued it never
 * waits for an SMTP server; a worker sends it (MailOutboxPoller).
 */
@Injectable()
export class MailOutbox {
  private readonly seal: MailSeal;

  constructor(
    private readonly outbox: MailOutboxRepository,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
    tokens: TokenConfig,
  ) {
    this.seal = new MailSeal(tokens.keyEncryptionSecret);
  }

  /** Queues `mail`, worth sending until `giveUpAt` (after it, dead-lettered unsent). */
  async queue(mail: OutgoingMail, purpose: MailPurpose, giveUpAt: Date): Promise<void> {
    const deliveryId = randomToken(16);
    await this.outbox.enqueue(
      {
        purpose,
        sealed: this.seal.seal(mail, deliveryId),
        maskedTo: maskedAddress(mail.to),
        giveUpAt,
      },
      deliveryId,
      this.clock.now(),
    );
    this.events.emit(new MailQueued(purpose));
  }
}
