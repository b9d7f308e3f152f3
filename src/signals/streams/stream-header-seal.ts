import { SecretBox, SecretBoxOpenError } from '../../platform/crypto/secret-box';

/**
 * Seals a push stream's `authorization_header` at rest: the receiver's bearer secret for its own
 * endpoint, kept as long as the stream. AES-256-GCM under a key of its own derived from
 * KEY_ENCRYPTION_SECRET, bound to the stream's id, so a sealed header copied to another stream
 * does not open there. The database alone does not give the header back.
 */
export class StreamHeaderSeal {
  private readonly box: SecretBox;

  constructor(keyEncryptionSecret: string) {
    this.box = new SecretBox(keyEncryptionSecret, 'ssf-authorization-header');
  }

  seal(header: string, streamId: string): string {
    return this.box.seal(header, streamId);
  }

  /** The header; undefined when it does not open (another secret, or altered or moved). */
  open(sealed: string, streamId: string): string | undefined {
    try {
      return this.box.open(sealed, streamId);
    } catch (error) {
      if (error instanceof SecretBoxOpenError) return undefined;
      throw error;
    }
  }
}
