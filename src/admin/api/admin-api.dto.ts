import type { Type } from '@nestjs/common';
import { ApiProperty, PickType } from '@nestjs/swagger';

/**
 * What the admin API answers, for the OpenAPI document: the JSON the CLI's `--json` prints, by
 * the same names (the answers themselves are built by the `*-json.ts` mappers the CLI uses).
 */
const NEXT = {
  description: 'The cursor of the next page (`?cursor=`); null: this was the last page',
  type: String,
  nullable: true,
  example: 'eyJrIjoiYmlsbGluZyJ9',
};

/** A list's page of `Item`s, as every list of the admin API answers (`{ items, next }`). */
export function pageDto<Item>(item: Type<Item>) {
  class Page {
    @ApiProperty({ type: [item] })
    items!: Item[];

    @ApiProperty(NEXT)
    next!: string | null;
  }
  return Page;
}

export class AdminClientDto {
  @ApiProperty({ example: 'nightly-sync' })
  client_id!: string;

  @ApiProperty({ example: 'Nightly sync' })
  client_name!: string;

  @ApiProperty({ enum: ['confidential', 'public'], example: 'confidential' })
  client_type!: string;

  @ApiProperty({ example: 'client_secret_basic' })
  token_endpoint_auth_method!: string;

  @ApiProperty({ type: [String], example: [] })
  redirect_uris!: string[];

  @ApiProperty({ type: [String], example: ['client_credentials'] })
  grant_types!: string[];

  @ApiProperty({ example: false })
  first_party!: boolean;

  @ApiProperty({ example: true })
  require_pkce!: boolean;

  @ApiProperty({ required: false, type: [String], example: ['admin:read'] })
  admin_scopes?: string[];

  @ApiProperty({ required: false, example: true })
  ssf_receiver?: boolean;

  @ApiProperty({
    required: false,
    description: 'RFC 7591 §2: the only scopes it may ask for (absent: any)',
    example: 'openid notes:read',
  })
  scope?: string;

  @ApiProperty({
    enum: [
      'OAUTH_CLIENTS',
      'removed from OAUTH_CLIENTS',
      'built-in',
      'database',
      'dynamic registration',
    ],
    example: 'database',
  })
  source!: string;

  @ApiProperty({
    required: false,
    description: 'A new confidential client without keys: its secret, answered this once',
    example: 'kq3Xn0u0lY8cS3c8mJm7yS2o3v1yqk8lQn2cVh1m5aE',
  })
  client_secret?: string;
}

export class AdminClientPageDto extends pageDto(AdminClientDto) {}

export class AdminClientRemovedDto {
  @ApiProperty({ example: 'nightly-sync' })
  client_id!: string;

  @ApiProperty({ example: true })
  removed!: boolean;

  @ApiProperty({ example: 3 })
  grants_revoked!: number;

  @ApiProperty({
    description: "A Shared Signals receiver's streams, deleted with their waiting SETs",
    example: 0,
  })
  streams_removed!: number;
}

/** One of a client's secrets: never its value. */
export class AdminSecretDto {
  @ApiProperty({ example: 'Vq3bK0x9TgS1' })
  id!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '2026-11-28T09:00:00.000Z',
    description: 'null for the one secret an earlier release stored',
  })
  created_at!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '2026-11-29T09:00:00.000Z',
    description: 'null: works until the next rotation',
  })
  expires_at!: string | null;

  @ApiProperty({ example: false })
  expired!: boolean;
}

export class AdminSecretListDto extends pageDto(AdminSecretDto) {}

/** A new secret: its value, this once. */
export class AdminAddedSecretDto {
  @ApiProperty({ example: 'Wd8mZ2pL4rQe' })
  id!: string;

  @ApiProperty({
    example: 'dGhpcyBpcyBvbmx5IGFuIGV4YW1wbGUgc2VjcmV0',
    description: 'Shown once, never again',
  })
  secret!: string;

  @ApiProperty({ example: '2026-11-28T09:00:00.000Z' })
  created_at!: string;

  @ApiProperty({ type: [AdminSecretDto], description: "The client's secrets now, newest first" })
  secrets!: AdminSecretDto[];
}

export class AdminPruneResultDto {
  @ApiProperty({ example: false })
  dry_run!: boolean;

  @ApiProperty({ type: [String], example: ['c7d1f0a2-registered'] })
  clients!: string[];

  @ApiProperty({ example: 0 })
  grants_revoked!: number;
}

export class AdminUserDto {
  @ApiProperty({ example: 'alice' })
  username!: string;

  @ApiProperty({ example: 'alice' })
  sub!: string;

  @ApiProperty({ enum: ['active', 'disabled'], example: 'active' })
  status!: string;

  @ApiProperty({ example: '2026-11-28T09:00:00.000Z' })
  created_at!: string;

  @ApiProperty({ type: String, nullable: true, example: null })
  disabled_at!: string | null;
}

export class AdminUserChangeDto extends AdminUserDto {
  @ApiProperty({ description: 'False when it already had that status', example: true })
  changed!: boolean;

  @ApiProperty({ required: false, example: 1 })
  sessions_ended?: number;

  @ApiProperty({ required: false, example: 2 })
  grants_revoked?: number;
}

export class AdminUserPageDto extends pageDto(AdminUserDto) {}

export class AdminGrantDto {
  @ApiProperty({ example: 'q3Yc0n1oQm2n8bX4lKf0aA' })
  grant_id!: string;

  @ApiProperty({ example: 'alice' })
  sub!: string;

  @ApiProperty({ example: 'billing' })
  client_id!: string;

  @ApiProperty({ example: 'openid profile' })
  scope!: string;

  @ApiProperty({ enum: ['active', 'revoked', 'expired'], example: 'active' })
  status!: string;

  @ApiProperty({ example: '2026-11-28T09:00:00.000Z' })
  created_at!: string;

  @ApiProperty({ example: '2026-12-28T09:00:00.000Z' })
  expires_at!: string;

  @ApiProperty({ type: String, nullable: true, example: null })
  revoked_at!: string | null;
}

export class AdminGrantPageDto extends pageDto(AdminGrantDto) {}

export class AdminGrantRevocationDto extends PickType(AdminGrantDto, [
  'grant_id',
  'sub',
  'client_id',
] as const) {
  @ApiProperty({ description: 'False when it already was revoked', example: true })
  revoked!: boolean;

  @ApiProperty({ example: '2026-11-28T09:00:00.000Z' })
  revoked_at!: string;
}

export class AdminRevokedCountDto {
  @ApiProperty({ example: 4 })
  revoked!: number;
}

export class AdminKeyDto {
  @ApiProperty({ example: 'k-2026-11-28' })
  kid!: string;

  @ApiProperty({ example: 'ES256' })
  alg!: string;

  @ApiProperty({ enum: ['next', 'active', 'retired'], example: 'active' })
  state!: string;
}

export class AdminKeyPageDto extends pageDto(AdminKeyDto) {}

export class AdminKeyRotationDto {
  @ApiProperty({ type: [AdminKeyDto] })
  items!: AdminKeyDto[];
}

export class AdminConsentDto {
  @ApiProperty({ example: 'alice' })
  sub!: string;

  @ApiProperty({ example: 'partner-app' })
  client_id!: string;

  @ApiProperty({ example: 'openid profile' })
  scope!: string;
}

export class AdminConsentPageDto extends pageDto(AdminConsentDto) {}

export class AdminApprovalDto {
  @ApiProperty({ example: 'alice' })
  sub!: string;

  @ApiProperty({ example: 'demo-agent' })
  client_id!: string;

  @ApiProperty({ enum: ['approved', 'denied'], example: 'approved' })
  decision!: string;

  @ApiProperty({ example: '2026-11-28T09:00:00.000Z' })
  at!: string;
}

export class AdminApprovalPageDto extends pageDto(AdminApprovalDto) {}

export class AdminAuditRecordDto {
  @ApiProperty({ example: '001795856400000-Qk1x9mZ0aBc' })
  id!: string;

  @ApiProperty({ example: '2026-11-28T09:00:00.000Z' })
  at!: string;

  @ApiProperty({
    description:
      '{ "kind": "client", "client_id" }, { "kind": "operator", "account", "client_id" } (the console) or { "kind": "cli", "os_user" }',
    example: { kind: 'client', client_id: 'ops-robot' },
  })
  actor!: Record<string, string>;

  @ApiProperty({ example: 'users.disable' })
  action!: string;

  @ApiProperty({ description: 'Ids only', example: { account: 'alice' } })
  targets!: Record<string, string>;

  @ApiProperty({ example: 'deploy-42-users' })
  request_id!: string;

  @ApiProperty({ enum: ['done', 'refused', 'failed'], example: 'done' })
  outcome!: string;

  @ApiProperty({ required: false, description: "A refusal's message", example: 'no user bob' })
  reason?: string;
}

export class AdminAuditPageDto extends pageDto(AdminAuditRecordDto) {}

export class AdminMethodDto {
  @ApiProperty({ example: 'email:alice@example.com' })
  method!: string;

  @ApiProperty({ example: 'email' })
  type!: string;

  @ApiProperty({ example: '2026-11-28T09:00:00.000Z' })
  added_at!: string;
}

export class AdminAccountDto {
  @ApiProperty({ example: 'alice' })
  sub!: string;

  @ApiProperty({
    description:
      'Holds the operator role (proofgate-admin operators add): may use the console after a passkey sign-in',
    example: false,
  })
  operator!: boolean;

  @ApiProperty({ type: [AdminMethodDto] })
  methods!: AdminMethodDto[];
}

export class AdminOperatorDto {
  @ApiProperty({ example: 'alice' })
  sub!: string;

  @ApiProperty({ example: '2026-11-28T09:00:00.000Z' })
  granted_at!: string;

  @ApiProperty({ description: 'Who granted it: cli and the OS user', example: 'cli:root' })
  granted_by!: string;
}

export class AdminOperatorPageDto extends pageDto(AdminOperatorDto) {}

/** What an ending ended (endedJson): the sessions (each told to its clients), the grants. */
export class AdminSessionsEndedDto {
  @ApiProperty({ example: 2 })
  sessions_ended!: number;

  @ApiProperty({ example: 3 })
  grants_revoked!: number;
}

export class AdminMethodRemovedDto extends AdminSessionsEndedDto {
  @ApiProperty({ example: 'email:alice@example.com' })
  removed!: string;
}

/** A live login session: its `sid` (as in ID and logout tokens), never its cookie. */
export class AdminSessionDto {
  @ApiProperty({ example: 'Xz3k9VbQm2n8bX4lKf0aAw' })
  sid!: string;

  @ApiProperty({ example: 'alice' })
  sub!: string;

  @ApiProperty({ example: 'passkey' })
  auth_method!: string;

  @ApiProperty({ type: [String], example: ['pop', 'user'] })
  amr!: string[];

  @ApiProperty({ type: String, nullable: true, example: 'phr' })
  acr!: string | null;

  @ApiProperty({ example: '2026-11-28T09:00:00.000Z' })
  auth_time!: string;

  @ApiProperty({ example: '2026-11-29T09:00:00.000Z' })
  expires_at!: string;
}

export class AdminSessionPageDto extends pageDto(AdminSessionDto) {}

/** Where an outbox row goes: by outbox, never a token, a body or a full address. */
export class AdminOutboxTargetDto {
  @ApiProperty({ required: false, description: 'logout, ciba: the client', example: 'billing' })
  client_id?: string;

  @ApiProperty({ required: false, description: "logout: the ended session's sid" })
  sid?: string;

  @ApiProperty({ required: false, enum: ['email_code', 'ciba_request'], description: 'mail' })
  purpose?: string;

  @ApiProperty({
    required: false,
    type: String,
    nullable: true,
    description: 'mail: the recipient masked (null on rows queued before it was kept)',
    example: 'a***@example.com',
  })
  recipient?: string | null;

  @ApiProperty({ required: false, enum: ['ping', 'announce', 'notify'], description: 'ciba' })
  kind?: string;
}

export class AdminOutboxRowDto {
  @ApiProperty({ example: 'pX2m0nQ8bX4lKf0aAwZ3kA' })
  id!: string;

  @ApiProperty({ enum: ['logout', 'mail', 'ciba'], example: 'logout' })
  outbox!: string;

  @ApiProperty({
    enum: ['pending', 'retrying', 'given_up', 'done'],
    description:
      'pending: no attempt failed yet; retrying: one failed, the next is due at next_attempt_at; ' +
      'given_up: its dead letter, attempted no more unless retried; done: delivered or sent',
    example: 'given_up',
  })
  state!: string;

  @ApiProperty({
    description: "The outbox's own status (logout: failed or dropped when given up)",
    example: 'failed',
  })
  status!: string;

  @ApiProperty({ type: AdminOutboxTargetDto })
  target!: AdminOutboxTargetDto;

  @ApiProperty({ description: 'Attempts since it was queued or last retried', example: 7 })
  attempts!: number;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why the latest attempt failed (a status, a code; never a secret)',
    example: 'HTTP status 500',
  })
  last_error!: string | null;

  @ApiProperty({ example: '2026-11-28T09:00:00.000Z' })
  created_at!: string;

  @ApiProperty({ type: String, nullable: true, example: null })
  next_attempt_at!: string | null;

  @ApiProperty({
    description: 'Until when failures are retried (mail, ciba: when what it carries expires)',
    example: '2026-11-28T10:00:00.000Z',
  })
  give_up_at!: string;

  @ApiProperty({ type: String, nullable: true, example: '2026-11-28T10:00:00.000Z' })
  given_up_at!: string | null;
}

export class AdminOutboxRowPageDto extends pageDto(AdminOutboxRowDto) {}

export class AdminOutboxRetryAllDto {
  @ApiProperty({ example: 3 })
  retried!: number;

  @ApiProperty({
    description: "Given-up rows left: what they carry expired (a mail's code, a CIBA request)",
    example: 0,
  })
  not_retryable!: number;
}
