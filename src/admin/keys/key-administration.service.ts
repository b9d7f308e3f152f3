import { Injectable } from '@nestjs/common';
import { Clock } from '../../platform/clock/clock';
import {
  SigningKeyService,
  type SigningKeyStatus,
} from '../../tokens/signing-keys/signing-key.service';
import type { AdminCall } from '../audit/admin-audit';
import { AdminAuditTrail } from '../audit/admin-audit.service';

/** `keys rotate`'s answer: each alg's next key, and the active key it will replace. */
export interface ScheduledKey {
  readonly kid: string;
  readonly alg: string;
  readonly activatesAt: Date;
  /** False when a rotation was already pending (its next key is answered). */
  readonly created: boolean;
  readonly replaces: string | null;
}

/** `keys rotate --now`'s answer: each alg's new active key, and the key it replaced. */
export interface RotatedKey {
  readonly kid: string;
  readonly alg: string;
  readonly replaces: string | null;
  readonly replacedPublishedUntil: Date | null;
}

/** `proofgate-admin keys …` and `/admin/v1/keys`: the token signing keys, and rotating them. */
@Injectable()
export class KeyAdministration {
  constructor(
    private readonly keys: SigningKeyService,
    private readonly clock: Clock,
    private readonly audit: AdminAuditTrail,
  ) {}

  async list(): Promise<{ keys: SigningKeyStatus[]; now: Date }> {
    return { keys: await this.keys.describeKeys(), now: this.clock.now() };
  }

  /** Publishes each alg's next key now; it signs once resource servers had time to fetch it. */
  scheduleRotation(call: AdminCall): Promise<ScheduledKey[]> {
    return this.audit.around(call, 'keys.rotate', {}, async () => {
      const before = await this.keys.describeKeys();
      const activeOf = (alg: string) =>
        before.find((key) => key.state === 'active' && key.alg === alg)?.kid ?? null;
      return (await this.keys.scheduleRotation()).map((next) => ({
        kid: next.kid,
        alg: next.alg,
        activatesAt: next.activatesAt,
        created: next.created,
        replaces: activeOf(next.alg),
      }));
    });
  }

  /** Signs with a new key of each alg at once; the replaced keys verify until their tokens expire. */
  rotateNow(call: AdminCall): Promise<RotatedKey[]> {
    return this.audit.around(call, 'keys.rotate_now', {}, async () => {
      const before = await this.keys.describeKeys();
      const rotated = await this.keys.rotate();
      const after = await this.keys.describeKeys();
      return rotated.map((key) => {
        const kid = before.find((old) => old.state === 'active' && old.alg === key.alg)?.kid;
        const replaced = after.find((old) => old.kid === kid);
        return {
          kid: key.kid,
          alg: key.alg,
          replaces: replaced?.kid ?? null,
          replacedPublishedUntil: replaced?.publishedUntil ?? null,
        };
      });
    });
  }
}
