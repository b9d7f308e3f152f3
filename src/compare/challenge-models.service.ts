import { Injectable } from '@nestjs/common';
import { ChallengeStore } from '../challenges/challenge-store';
import { CHALLENGE_COLLECTION } from '../challenges/persistence/challenge.schema';
import { Clock } from '../platform/clock/clock';
import { AppConfig } from '../config/app-config';
import { KIND_OF_MODEL, MODEL_IDS, MODEL_OF_KIND, type LoginModel } from './challenge-model';
import { ChallengeFigures, WINDOW_SECONDS } from './challenge-figures.service';
import { CHALLENGE_MODELS } from './challenge-models';
import { clientUsesOf } from './client-uses';
import type {
  ChallengeModelsResponseDto,
  ChallengeModelViewDto,
  LiveChallengeDto,
} from './challenge-models.dto';

export { MODEL_IDS } from './challenge-model';

/** What GET /challenge-models answers: both models, their live policy and figures. */
@Injectable()
export class ChallengeModelsService {
  constructor(
    private readonly figures: ChallengeFigures,
    private readonly store: ChallengeStore,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async overview(): Promise<ChallengeModelsResponseDto> {
    const models = await Promise.all(MODEL_IDS.map((id) => this.describe(id)));
    return { generated_at: new Date().toISOString(), window_seconds: WINDOW_SECONDS, models };
  }

  async describe(id: LoginModel): Promise<ChallengeModelViewDto> {
    const { protocol, threats } = CHALLENGE_MODELS[id];
    const lifetime =
      id === 'pkce'
        ? this.config.challenges.authorizationCodeTtlSeconds
        : this.config.challenges.walletNonceTtlSeconds;
    return {
      id,
      protocol,
      policy: {
        challenge_kind: KIND_OF_MODEL[id],
        lifetime_seconds: lifetime,
        storage: {
          collection: CHALLENGE_COLLECTION,
          key: id === 'pkce' ? 'SHA-256 of the authorization code' : 'SHA-256 of the nonce',
          ttl_index: { field: 'expiresAt', expire_after_seconds: 0 },
        },
        delete_on_use: true,
        expiry_checked_in_consume: true,
        bound_to: protocol.bound_to,
        threats,
      },
      used_by: clientUsesOf(id, this.config),
      figures: await this.figures.of(id),
    };
  }

  /** The challenges alive now, secrets reduced to hash prefixes. */
  async live(): Promise<LiveChallengeDto[]> {
    const now = this.clock.now().getTime();
    const challenges = await this.store.listLive(undefined, 200);
    return challenges.map((c) => ({
      model: MODEL_OF_KIND[c.kind],
      key_hash_prefix: c.keyHash.slice(0, 8),
      created_at: c.createdAt.toISOString(),
      expires_at: c.expiresAt.toISOString(),
      expires_in_seconds: Math.max(0, Math.round((c.expiresAt.getTime() - now) / 1000)),
      binding: redactBinding(c.binding),
    }));
  }
}

/** The PKCE challenge is a commitment to a secret: show a prefix only. */
function redactBinding(binding: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(binding).map(([field, value]) =>
      field === 'code_challenge' ? [field, `${value.slice(0, 8)}…`] : [field, value],
    ),
  );
}
