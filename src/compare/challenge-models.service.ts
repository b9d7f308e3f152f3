import { AnswerCache } from './answer-cache';
import { Injectable } from '@nestjs/common';
import { ChallengeStore } from '../challenges/challenge-store';
import { CHALLENGE_COLLECTION } from '../challenges/persistence/challenge.schema';
import { Clock } from '../platform/clock/clock';
import { PasskeyConfig } from '../config/sections/passkeys.config';
import { ChallengeConfig } from '../config/sections/challenges.config';
import { ClientMetadataConfig } from '../config/sections/client-metadata.config';
import { DpopConfig } from '../config/sections/dpop.config';
import { ParConfig } from '../config/sections/par.config';
import { RegistrationConfig } from '../config/sections/registration.config';
import { WalletConfig } from '../config/sections/wallet.config';
import {
  LOGIN_MODEL_PROOFS,
  MODEL_OF_KIND,
  POSSESSION_MODEL_PROOFS,
  PROOFS,
  kindOfModel,
  variantsOf,
} from '../proof-registry';
import type { ModelVariant, ProofSettings } from '../proofs/proof-descriptor';
import { Oid4vpConfig } from '../config/sections/oid4vp.config';
import { UpstreamConfig } from '../config/sections/upstream.config';
import type { LoginModel, PossessionModel } from '../proofs/proof-vocabulary';
import { ChallengeFigures, WINDOW_SECONDS } from './challenge-figures.service';
import { clientUsesOf } from './client-uses';
import type {
  ChallengeModelsResponseDto,
  ChallengeModelViewDto,
  LiveChallengeDto,
  ModelVariantDto,
  PossessionModelViewDto,
} from './challenge-models.dto';

function storage(key: string) {
  return {
    collection: CHALLENGE_COLLECTION,
    key,
    ttl_index: { field: 'expiresAt', expire_after_seconds: 0 },
  };
}

/** What GET /challenge-models answers: every model, its live policy and figures. */
@Injectable()
export class ChallengeModelsService {
  constructor(
    private readonly figures: ChallengeFigures,
    private readonly store: ChallengeStore,
    private readonly clock: Clock,
    private readonly answers: AnswerCache,
    challenges: ChallengeConfig,
    passkeys: PasskeyConfig,
    wallet: WalletConfig,
    registration: RegistrationConfig,
    clientMetadata: ClientMetadataConfig,
    dpop: DpopConfig,
    par: ParConfig,
    upstream: UpstreamConfig,
    oid4vp: Oid4vpConfig,
  ) {
    this.settings = {
      challenges,
      passkeys,
      wallet,
      registration,
      clientMetadata,
      dpop,
      par,
      upstream,
      oid4vp,
    };
  }

  /** What the descriptors read: lifetimes, and the settings the comparison tells. */
  private readonly settings: ProofSettings;

  /** Every model with its figures, as computed at most ANSWER_MAX_AGE_MS ago. */
  overview(): Promise<ChallengeModelsResponseDto> {
    return this.answers.answer('overview', () => this.computeOverview());
  }

  /** One login model with its figures, as computed at most ANSWER_MAX_AGE_MS ago. */
  describe(id: LoginModel): Promise<ChallengeModelViewDto> {
    return this.answers.answer(`model:${id}`, () => this.computeModel(id));
  }

  /** One proof of possession with its figures, as computed at most ANSWER_MAX_AGE_MS ago. */
  describeProofOfPossession(id: PossessionModel): Promise<PossessionModelViewDto> {
    return this.answers.answer(`model:${id}`, () => this.describePossession(id));
  }

  private async computeOverview(): Promise<ChallengeModelsResponseDto> {
    const [models, proofOfPossession] = await Promise.all([
      Promise.all(LOGIN_MODEL_PROOFS.map(({ id }) => this.computeModel(id))),
      Promise.all(POSSESSION_MODEL_PROOFS.map(({ id }) => this.describePossession(id))),
    ]);
    return {
      generated_at: new Date().toISOString(),
      window_seconds: WINDOW_SECONDS,
      models,
      proof_of_possession: proofOfPossession,
    };
  }

  /** DPoP or PAR: its shape, what it keeps in the store and costs, and its live figures. */
  private async describePossession(id: PossessionModel): Promise<PossessionModelViewDto> {
    const { comparison } = PROOFS[id];
    return {
      id,
      protocol: comparison.protocol,
      threats: comparison.threats,
      store: {
        challenge_kind: kindOfModel(id),
        lifetime_seconds: comparison.lifetimeSeconds(this.settings),
        storage: storage(comparison.storageKey),
        cost_per_request: comparison.costPerRequest,
        settings: comparison.settings(this.settings),
      },
      figures: await this.figures.of(id),
    };
  }

  private async computeModel(id: LoginModel): Promise<ChallengeModelViewDto> {
    const { comparison } = PROOFS[id];
    const { protocol, threats } = comparison;
    return {
      id,
      protocol,
      policy: {
        challenge_kind: kindOfModel(id),
        lifetime_seconds: comparison.lifetimeSeconds(this.settings),
        storage: storage(comparison.storageKey),
        delete_on_use: true,
        expiry_checked_in_consume: true,
        bound_to: protocol.bound_to,
        threats,
        ...comparison.policy?.(this.settings),
      },
      used_by: clientUsesOf(comparison.usedBy, this.settings),
      figures: await this.figures.of(id),
      variants: variantsOf(id).map((variant) => this.describeVariant(id, variant)),
    };
  }

  /** A variant beside its model: the model's shape with its own fields, and what it shares. */
  private describeVariant(model: LoginModel, variant: ModelVariant): ModelVariantDto {
    const { comparison, challengeKinds } = PROOFS[model];
    return {
      id: variant.id,
      variant_of: model,
      label: variant.label,
      achieves: { acr: variant.achieves.acr, amr: [...variant.achieves.amr] },
      shares: `the challenges (${challengeKinds.join(', ')}), lifetime and figures of ${model}: counted once, under ${model}`,
      protocol: { ...comparison.protocol, ...variant.protocol },
      differs_in: Object.keys(variant.protocol),
      threats: variant.threats,
      used_by: clientUsesOf(variant.usedBy, this.settings),
      settings: variant.settings(this.settings),
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

/**
 * What an anonymous caller may see of a binding. The PKCE challenge and a wallet message's hash are
 * commitments: a prefix only. A wallet nonce's audience shows its kind and a client's id, never a
 * browser's session hash. A wallet nonce shows the address it is for (what the comparison is of),
 * but whom else a challenge is for (the account being linked to or asked, a wallet approving for
 * an account, a script's handle) is never shown.
 */
function redactBinding(binding: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(binding).map(([field, value]) => [field, redactField(field, value)]),
  );
}

function redactField(field: string, value: string): string {
  switch (field) {
    case 'code_challenge':
    case 'message':
      return `${value.slice(0, 8)}…`;
    case 'audience':
      return value.startsWith('client:') ? value : value.slice(0, value.indexOf(':'));
    // A sign-in marker's browser: the hash of a pre-login session, as a page audience's.
    case 'browser':
      return 'page';
    case 'request':
    case 'code':
    case 'link':
      return `${value.slice(0, 8)}…`;
    case 'account':
    case 'sub':
    case 'wallet':
    case 'asked':
    case 'handle':
      return 'hidden';
    default:
      return value;
  }
}
