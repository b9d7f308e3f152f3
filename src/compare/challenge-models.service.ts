import { AnswerCache } from './answer-cache';
import { Injectable } from '@nestjs/common';
import { ChallengeStore } from '../challenges/challenge-store';
import { CHALLENGE_COLLECTION } from '../challenges/persistence/challenge.schema';
import { Clock } from '../platform/clock/clock';
import {
  DPOP_PROOF_FUTURE_SECONDS,
  DPOP_PROOF_MAX_AGE_SECONDS,
} from '../tokens/dpop/dpop-proof.verifier';
import { PasskeyConfig } from '../config/sections/passkeys.config';
import { ChallengeConfig } from '../config/sections/challenges.config';
import { ClientMetadataConfig } from '../config/sections/client-metadata.config';
import { DpopConfig } from '../config/sections/dpop.config';
import { ParConfig } from '../config/sections/par.config';
import { RegistrationConfig } from '../config/sections/registration.config';
import { WalletConfig } from '../config/sections/wallet.config';
import {
  KIND_OF_MODEL,
  MODEL_IDS,
  MODEL_OF_KIND,
  POSSESSION_MODEL_IDS,
  type LoginModel,
  type PossessionModel,
} from './challenge-model';
import { ChallengeFigures, WINDOW_SECONDS } from './challenge-figures.service';
import { CHALLENGE_MODELS, POSSESSION_MODELS } from './challenge-models';
import { type ClientUseSettings, clientUsesOf } from './client-uses';
import type {
  ChallengeModelsResponseDto,
  ChallengeModelViewDto,
  LiveChallengeDto,
  PossessionModelViewDto,
} from './challenge-models.dto';

/** RFC 9449 §11.1: a jti is kept as long as its proof could be accepted (see DpopProofVerifier). */
const DPOP_JTI_LIFETIME_SECONDS = DPOP_PROOF_MAX_AGE_SECONDS + DPOP_PROOF_FUTURE_SECONDS;

function storage(key: string) {
  return {
    collection: CHALLENGE_COLLECTION,
    key,
    ttl_index: { field: 'expiresAt', expire_after_seconds: 0 },
  };
}

export { MODEL_IDS } from './challenge-model';

const STORAGE_KEY: Record<LoginModel, string> = {
  pkce: 'SHA-256 of the authorization code',
  siwe: 'SHA-256 of the nonce',
  passkey: 'SHA-256 of the WebAuthn challenge',
  siws: 'SHA-256 of the nonce',
};

/** What GET /challenge-models answers: every model, its live policy and figures. */
@Injectable()
export class ChallengeModelsService {
  constructor(
    private readonly figures: ChallengeFigures,
    private readonly store: ChallengeStore,
    private readonly challenges: ChallengeConfig,
    private readonly clock: Clock,
    private readonly dpop: DpopConfig,
    private readonly par: ParConfig,
    registration: RegistrationConfig,
    clientMetadata: ClientMetadataConfig,
    wallet: WalletConfig,
    private readonly passkeys: PasskeyConfig,
    private readonly answers: AnswerCache,
  ) {
    this.clientUseSettings = { registration, clientMetadata, wallet, passkeys };
  }

  private readonly clientUseSettings: ClientUseSettings;

  /** Every model with its figures, as computed at most ANSWER_MAX_AGE_MS ago. */
  overview(): Promise<ChallengeModelsResponseDto> {
    return this.answers.answer('overview', () => this.computeOverview());
  }

  /** One login model with its figures, as computed at most ANSWER_MAX_AGE_MS ago. */
  describe(id: LoginModel): Promise<ChallengeModelViewDto> {
    return this.answers.answer(`model:${id}`, () => this.computeModel(id));
  }

  private async computeOverview(): Promise<ChallengeModelsResponseDto> {
    const [models, proofOfPossession] = await Promise.all([
      Promise.all(MODEL_IDS.map((id) => this.computeModel(id))),
      Promise.all(POSSESSION_MODEL_IDS.map((id) => this.describePossession(id))),
    ]);
    return {
      generated_at: new Date().toISOString(),
      window_seconds: WINDOW_SECONDS,
      models,
      proof_of_possession: proofOfPossession,
    };
  }

  /** DPoP or PAR: its shape, what it keeps in the store and costs, and its live figures. */
  async describePossession(id: PossessionModel): Promise<PossessionModelViewDto> {
    const { protocol, threats } = POSSESSION_MODELS[id];
    const { dpop, par } = this;
    const store: PossessionModelViewDto['store'] =
      id === 'dpop'
        ? {
            challenge_kind: KIND_OF_MODEL.dpop,
            lifetime_seconds: DPOP_JTI_LIFETIME_SECONDS,
            storage: storage('SHA-256 of the key thumbprint and the proof jti'),
            cost_per_request:
              'one insert per proof (a duplicate key is a replay), alongside the grant or the resource check: no round trip in sequence; none without a DPoP header',
            settings: {
              nonce: `stateless HMAC over the minute; ${dpop.requireNonce ? 'required' : 'checked when sent, not required'} (DPOP_REQUIRE_NONCE=${dpop.requireNonce})`,
              api: `/api ${dpop.requiredAtApi ? 'takes DPoP-bound tokens only' : 'takes bearer and DPoP-bound tokens'} (API_DPOP_BOUND_ACCESS_TOKENS_REQUIRED=${dpop.requiredAtApi})`,
            },
          }
        : {
            challenge_kind: KIND_OF_MODEL.par,
            lifetime_seconds: par.requestUriTtlSeconds,
            storage: storage('SHA-256 of the request_uri'),
            cost_per_request:
              'one insert at POST /par; one read per /authorize visit and one atomic consume when the code is issued',
            settings: {
              required: `${par.required ? 'every client' : 'the clients registered with require_pushed_authorization_requests'} (REQUIRE_PUSHED_AUTHORIZATION_REQUESTS=${par.required})`,
            },
          };
    return { id, protocol, threats, store, figures: await this.figures.of(id) };
  }

  private async computeModel(id: LoginModel): Promise<ChallengeModelViewDto> {
    const { protocol, threats } = CHALLENGE_MODELS[id];
    const { authorizationCodeTtlSeconds, walletNonceTtlSeconds, webauthnChallengeTtlSeconds } =
      this.challenges;
    const lifetime: Record<LoginModel, number> = {
      pkce: authorizationCodeTtlSeconds,
      siwe: walletNonceTtlSeconds,
      passkey: webauthnChallengeTtlSeconds,
      siws: walletNonceTtlSeconds,
    };
    return {
      id,
      protocol,
      policy: {
        challenge_kind: KIND_OF_MODEL[id],
        lifetime_seconds: lifetime[id],
        storage: {
          collection: CHALLENGE_COLLECTION,
          key: STORAGE_KEY[id],
          ttl_index: { field: 'expiresAt', expire_after_seconds: 0 },
        },
        delete_on_use: true,
        expiry_checked_in_consume: true,
        bound_to: protocol.bound_to,
        threats,
        ...(id === 'passkey' ? { recent_login_seconds: this.passkeys.recentLoginSeconds } : {}),
      },
      used_by: clientUsesOf(id, this.clientUseSettings),
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

/**
 * What an anonymous caller may see of a binding. The PKCE challenge and a wallet message's hash are
 * commitments: a prefix only. A wallet nonce's audience shows its kind and a client's id, never a
 * browser's session hash or the account a wallet is being linked to.
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
    default:
      return value;
  }
}
