import { SecretBox } from '../../../platform/crypto/secret-box';
import type { AnnouncedRequest, PingContent } from './ciba-notification';

/**
 * Seals what the CIBA outbox keeps at rest: a ping's auth_req_id and client_notification_token
 * (the client's bearer secrets), and an announcement (an account and what it is asked). In a
 * request's challenge, the ping is bound to the client; in the outbox, each row's content to the
 * row: a sealed value moved elsewhere does not open.
 */
export class CibaNotificationSeal {
  private readonly pings: SecretBox;
  private readonly rows: SecretBox;

  constructor(keyEncryptionSecret: string) {
    this.pings = new SecretBox(keyEncryptionSecret, 'ciba-ping');
    this.rows = new SecretBox(keyEncryptionSecret, 'ciba-outbox');
  }

  sealPing(ping: PingContent, clientId: string): string {
    return this.pings.seal(JSON.stringify(ping), clientId);
  }

  openPing(sealed: string, clientId: string): PingContent {
    return JSON.parse(this.pings.open(sealed, clientId)) as PingContent;
  }

  sealRow(content: PingContent | AnnouncedRequest, deliveryId: string): string {
    return this.rows.seal(JSON.stringify(content), deliveryId);
  }

  openRow<C extends PingContent | AnnouncedRequest>(sealed: string, deliveryId: string): C {
    return JSON.parse(this.rows.open(sealed, deliveryId)) as C;
  }
}
