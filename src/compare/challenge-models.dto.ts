import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LOGIN_MODEL_PROOFS, POSSESSION_MODEL_PROOFS, kindOfModel } from '../proof-registry';
import type { ProtocolShape, ThreatCard } from '../proofs/proof-descriptor';
import {
  MODEL_IDS,
  POSSESSION_MODEL_IDS,
  type ChallengeKind,
  type ChallengeModel,
  type PossessionModel,
} from '../proofs/proof-vocabulary';

/** The static shape of a challenge-response protocol, as its specs define it. */
export class ProtocolShapeDto implements ProtocolShape {
  @ApiProperty({ example: 'OAuth 2.1 authorization code with PKCE (S256)' })
  name!: string;

  @ApiProperty({ type: [String], example: ['RFC 7636', 'RFC 6749 §4.1', 'OAuth 2.1', 'RFC 9207'] })
  standard!: readonly string[];

  @ApiProperty({ example: 'code_verifier: 43-128 characters of high-entropy randomness' })
  client_generates!: string;

  @ApiProperty({ example: 'code_challenge = BASE64URL(SHA-256(code_verifier))' })
  sent_up_front!: string;

  @ApiProperty({ example: 'the SHA-256 of a 256-bit authorization code, with its binding' })
  server_stores!: string;

  @ApiProperty({ type: [String], example: ['client_id', 'redirect_uri', 'code_challenge'] })
  bound_to!: readonly string[];

  @ApiProperty({ example: 'code_verifier, sent with the code to the token endpoint' })
  client_proves_later!: string;

  @ApiProperty({ example: 'BASE64URL(SHA-256(code_verifier)) equals the stored code_challenge' })
  server_verifies!: string;

  @ApiProperty({ example: 'SHA-256 hash commitment (no keys, no signatures)' })
  cryptography!: string;

  @ApiProperty({ type: [String], example: ['GET /authorize', 'POST /token'] })
  endpoints!: readonly string[];
}

export class ThreatModelDto implements ThreatCard {
  @ApiProperty({
    type: [String],
    example: ['authorization code interception: a stolen code without the verifier is refused'],
  })
  stops!: readonly string[];

  @ApiProperty({
    type: [String],
    example: ['a compromised client that holds both the code and the verifier'],
  })
  does_not_stop!: readonly string[];
}

export class TtlIndexDto {
  @ApiProperty({ example: 'expiresAt' })
  field!: string;

  @ApiProperty({ example: 0 })
  expire_after_seconds!: number;
}

export class ChallengeStorageDto {
  @ApiProperty({ example: 'challenges' })
  collection!: string;

  @ApiProperty({ example: 'SHA-256 of the authorization code' })
  key!: string;

  @ApiProperty({ type: TtlIndexDto })
  ttl_index!: TtlIndexDto;
}

/** The policy this deployment applies, read from its live configuration. */
export class ChallengePolicyDto {
  @ApiProperty({
    enum: LOGIN_MODEL_PROOFS.map(({ id }) => kindOfModel(id)),
    example: 'authorization_code',
  })
  challenge_kind!: ChallengeKind;

  @ApiProperty({ example: 60 })
  lifetime_seconds!: number;

  @ApiProperty({ type: ChallengeStorageDto })
  storage!: ChallengeStorageDto;

  @ApiProperty({ example: true })
  delete_on_use!: true;

  @ApiProperty({ example: true })
  expiry_checked_in_consume!: true;

  @ApiProperty({ type: [String], example: ['client_id', 'redirect_uri', 'code_challenge'] })
  bound_to!: readonly string[];

  @ApiProperty({ type: ThreatModelDto })
  threats!: ThreatModelDto;

  @ApiPropertyOptional({
    description:
      'passkey only: how old the login behind adding a passkey may be (ACCOUNT_RECENT_LOGIN_SECONDS)',
    example: 600,
  })
  recent_login_seconds?: number;
}

export class RejectedFiguresDto {
  @ApiProperty({ example: 2 })
  total!: number;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { wrong_verifier: 1, replay: 1 },
  })
  by_reason!: Record<string, number>;
}

export class LatencyFiguresDto {
  @ApiProperty({ type: Number, nullable: true, example: 25 })
  p50!: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 100 })
  p95!: number | null;
}

export class WindowFiguresDto {
  @ApiProperty({ example: 12 })
  issued!: number;

  @ApiProperty({ example: 10 })
  redeemed!: number;

  @ApiProperty({ example: 1 })
  expired_unredeemed!: number;

  @ApiProperty({ type: RejectedFiguresDto })
  rejected!: RejectedFiguresDto;

  @ApiProperty({ description: 'Issue to redemption, milliseconds', type: LatencyFiguresDto })
  redemption_latency_ms!: LatencyFiguresDto;
}

export class ModelFiguresDto {
  @ApiProperty({ description: 'Issued, unexpired and unredeemed right now', example: 1 })
  live!: number;

  @ApiProperty({
    description: 'When this deployment (the database) saw its first challenge of this model',
    type: String,
    nullable: true,
    example: '2026-01-01T00:00:00.000Z',
  })
  since!: string | null;

  @ApiProperty({ type: WindowFiguresDto })
  since_start!: WindowFiguresDto;

  @ApiProperty({ type: WindowFiguresDto })
  last_5_minutes!: WindowFiguresDto;
}

/** A kind of client that logs users in through a model, and what it uses to do so. */
export class ClientUseDto {
  @ApiProperty({ example: 'MCP clients' })
  clients!: string;

  @ApiProperty({
    description: "What the client uses, with this deployment's live settings where they matter",
    type: [String],
    example: [
      'protected resource metadata (RFC 9728) from the 401 of the resource',
      'dynamic client registration (RFC 7591, POST /register): open to public clients',
      'client ID metadata documents (https client_id): on',
      'resource (RFC 8707) at /authorize and /token: the token audience',
    ],
  })
  through!: string[];

  @ApiProperty({ type: [String], example: ['RFC 9728', 'RFC 7591', 'RFC 8707'] })
  standards!: string[];
}

/** What a variant's sign-ins say that its model's others do not. */
export class VariantAchievesDto {
  @ApiProperty({ description: 'The `acr` its sign-ins achieve', example: 'phrh' })
  acr!: string;

  @ApiProperty({
    description: 'RFC 8176 `amr` values its sign-ins say (and `user` when the user was verified)',
    type: [String],
    example: ['hwk'],
  })
  amr!: readonly string[];
}

/**
 * A variant of a login model, beside it: its ceremonies, challenges and figures are the model's
 * (counted once, under the model); what the server stores and verifies besides earns it a stronger
 * claim.
 */
export class ModelVariantDto {
  @ApiProperty({ example: 'passkey_hardware_bound' })
  id!: string;

  @ApiProperty({ enum: MODEL_IDS, example: 'passkey', description: 'The model it is a variant of' })
  variant_of!: ChallengeModel;

  @ApiProperty({ example: 'Hardware-bound passkeys (verified attestation)' })
  label!: string;

  @ApiProperty({ type: VariantAchievesDto })
  achieves!: VariantAchievesDto;

  @ApiProperty({
    description:
      "What it shares with its model: the challenge kinds, lifetime and figures, which are the model's",
    example:
      'the challenges (webauthn_authentication, webauthn_registration), lifetime and figures of passkey: counted once, under passkey',
  })
  shares!: string;

  @ApiProperty({ type: ProtocolShapeDto, description: "Its model's shape with its own fields" })
  protocol!: ProtocolShapeDto;

  @ApiProperty({
    description: "The fields of `protocol` that differ from its model's",
    type: [String],
    example: ['name', 'server_stores', 'server_verifies'],
  })
  differs_in!: string[];

  @ApiProperty({
    type: ThreatModelDto,
    description: "What it stops that its model's other sign-ins do not, and what it does not prove",
  })
  threats!: ThreatModelDto;

  @ApiProperty({ type: [ClientUseDto] })
  used_by!: ClientUseDto[];

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: "This deployment's settings of the variant",
    example: { registration: 'PASSKEY_REQUIRE_HARDWARE=false: any verified passkey registers' },
  })
  settings!: Record<string, string>;
}

/** One challenge model: protocol shape, live policy and live figures. */
export class ChallengeModelViewDto {
  @ApiProperty({ enum: MODEL_IDS, example: 'pkce' })
  id!: ChallengeModel;

  @ApiProperty({ type: ProtocolShapeDto })
  protocol!: ProtocolShapeDto;

  @ApiProperty({ type: ChallengePolicyDto })
  policy!: ChallengePolicyDto;

  @ApiProperty({
    description: 'The clients that use this model, and through what',
    type: [ClientUseDto],
  })
  used_by!: ClientUseDto[];

  @ApiProperty({ type: ModelFiguresDto })
  figures!: ModelFiguresDto;

  @ApiProperty({
    description:
      'Its variants (a hardware-bound passkey beside the passkey), each with what differs; none for most models',
    type: [ModelVariantDto],
  })
  variants!: ModelVariantDto[];
}

/** What a proof of possession keeps in the challenge store, and what that costs per request. */
export class PossessionStoreDto {
  @ApiProperty({
    enum: POSSESSION_MODEL_PROOFS.map(({ id }) => kindOfModel(id)),
    example: 'dpop_jti',
  })
  challenge_kind!: ChallengeKind;

  @ApiProperty({ description: 'How long one record lives', example: 65 })
  lifetime_seconds!: number;

  @ApiProperty({ type: ChallengeStorageDto })
  storage!: ChallengeStorageDto;

  @ApiProperty({
    description: 'Database round trips a request adds, and whether they overlap its own work',
    example: 'one insert per proof, alongside the grant or resource check',
  })
  cost_per_request!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: "This deployment's settings of the mechanism",
    example: { nonce: 'stateless HMAC over the minute, not required (DPOP_REQUIRE_NONCE=false)' },
  })
  settings!: Record<string, string>;
}

/**
 * A proof of possession beside the login models (RFC 9449 DPoP, RFC 9126 PAR): not a way to log
 * in, but what keeps the tokens and the request of a login to whoever started it.
 */
export class PossessionModelViewDto {
  @ApiProperty({ enum: POSSESSION_MODEL_IDS, example: 'dpop' })
  id!: PossessionModel;

  @ApiProperty({ type: ProtocolShapeDto })
  protocol!: ProtocolShapeDto;

  @ApiProperty({ type: ThreatModelDto })
  threats!: ThreatModelDto;

  @ApiProperty({ type: PossessionStoreDto })
  store!: PossessionStoreDto;

  @ApiProperty({ type: ModelFiguresDto })
  figures!: ModelFiguresDto;
}

export class ChallengeModelsResponseDto {
  @ApiProperty({ example: '2026-01-01T00:00:00.000Z' })
  generated_at!: string;

  @ApiProperty({ description: 'The window of `last_5_minutes`', example: 300 })
  window_seconds!: number;

  @ApiProperty({ type: [ChallengeModelViewDto] })
  models!: ChallengeModelViewDto[];

  @ApiProperty({
    description: 'The proofs of possession that guard what a login yields: DPoP and PAR',
    type: [PossessionModelViewDto],
  })
  proof_of_possession!: PossessionModelViewDto[];
}

/** A challenge alive now, its secret reduced to a hash prefix. */
export class LiveChallengeDto {
  @ApiProperty({ enum: MODEL_IDS, example: 'siwe' })
  model!: ChallengeModel;

  @ApiProperty({
    description: 'First 8 characters of the SHA-256 of the code or nonce',
    example: 'q3Zr8xWm',
  })
  key_hash_prefix!: string;

  @ApiProperty({ example: '2026-01-01T00:00:00.000Z' })
  created_at!: string;

  @ApiProperty({ example: '2026-01-01T00:05:00.000Z' })
  expires_at!: string;

  @ApiProperty({ example: 240 })
  expires_in_seconds!: number;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { address: '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266', chain_id: '1' },
  })
  binding!: Record<string, string>;
}

export class LiveChallengesResponseDto {
  @ApiProperty({ type: [LiveChallengeDto] })
  challenges!: LiveChallengeDto[];
}
