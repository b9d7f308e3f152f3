import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Validate,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { CsrfTokenField, UiLocalesField } from '../../platform/http/form-fields';
import { MAX_LISTED_APPROVALS } from './ciba-request';

/** POST /account/approvals/{id}/approve and /deny: the page's CSRF token (form or JSON). */
export class ApprovalAnswerDto {
  @CsrfTokenField()
  csrf_token?: string;

  /** The page's language (OpenID Connect Core §3.1.2.1 ui_locales): the page after it keeps it. */
  @UiLocalesField()
  ui_locales?: string;
}

/** GET /account/approvals: the page's language (the CIBA mail's link carries the mail's). */
export class ApprovalsPageQueryDto {
  @UiLocalesField()
  ui_locales?: string;
}

/** `passkey`, or a wallet chain's CAIP-2 namespace (its CAIP-10 account ids' first part). */
const APPROVAL_METHOD = /^(?:passkey|[-a-z0-9]{3,8})$/;

/** A chain id: an EIP-155 number, or a CAIP-2 / chain name text. */
@ValidatorConstraint({ name: 'chainId' })
class ChainIdRule implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return (
      (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) ||
      (typeof value === 'string' && /^[-_:a-zA-Z0-9]{1,80}$/.test(value))
    );
  }
  defaultMessage(): string {
    return 'chainId must be an EIP-155 chain id (a number) or a CAIP-2 chain id';
  }
}

/** POST /account/approvals/{id}/challenge: how the person will prove the approval. */
export class ApprovalChallengeRequestDto extends ApprovalAnswerDto {
  @ApiProperty({
    description:
      '`passkey`, or the wallet chain’s CAIP-2 namespace (the first part of its CAIP-10 account ids)',
    example: 'eip155',
  })
  @IsString()
  @Matches(APPROVAL_METHOD, { message: 'method must be passkey or a CAIP-2 namespace' })
  method!: string;

  @ApiPropertyOptional({
    description: 'A wallet method: the wallet’s address, one linked to the signed-in account',
    example: '0x3f17f1962B36e491b30A40b2405849e597Ba5FB5',
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  address?: string;

  @ApiPropertyOptional({
    description:
      'A wallet method: its chain, as the wallet sign-in’s nonce request names it (`1` for Ethereum mainnet)',
    example: 1,
  })
  @IsOptional()
  @Validate(ChainIdRule)
  chainId?: number | string;
}

/**
 * POST /account/approvals/{id}/approve: the CSRF token alone (a session's approval, for requests
 * without authorization_details), or with a proof: `method` and the passkey's `response`, or the
 * wallet's `address`, `chainId` and `signature` of the challenge's statement.
 */
export class ApprovalDecisionDto extends ApprovalAnswerDto {
  @ApiPropertyOptional({ description: 'With a proof: as at /challenge', example: 'passkey' })
  @IsOptional()
  @IsString()
  @Matches(APPROVAL_METHOD, { message: 'method must be passkey or a CAIP-2 namespace' })
  method?: string;

  @ApiPropertyOptional({
    description: 'passkey: the assertion (`PublicKeyCredential.toJSON()`) of the challenge',
    type: Object,
    example: {
      id: 'q2xlYXJseS1ub3QtYS1yZWFsLWNyZWRlbnRpYWw',
      rawId: 'q2xlYXJseS1ub3QtYS1yZWFsLWNyZWRlbnRpYWw',
      type: 'public-key',
      response: {
        clientDataJSON: 'eyJ0eXBlIjoid2ViYXV0aG4uZ2V0In0',
        authenticatorData: 'SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MFAAAAAQ',
        signature: 'MEUCIQDnot-a-real-signature',
      },
      clientExtensionResults: {},
    },
  })
  @IsOptional()
  @IsObject()
  response?: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'A wallet method: as at /challenge',
    example: '0x9858EfFD232B4033E47d90003D41EC34EcaEda94',
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  address?: string;

  @ApiPropertyOptional({ description: 'A wallet method: as at /challenge', example: 1 })
  @IsOptional()
  @Validate(ChainIdRule)
  chainId?: number | string;

  @ApiPropertyOptional({
    description:
      'A wallet method: the signature of the typed data (0x-hex) or of the message, as the chain’s wallet sign-in takes it',
    example: `0x${'ab'.repeat(65)}`,
  })
  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  signature?: string;
}

/** The `{id}` of an approval: the request's opaque id (43 base64url characters). */
export class ApprovalIdDto {
  @ApiProperty({ example: 'q2xlYXJseS1ub3QtYS1yZWFsLXJlcXVlc3QtaGFzaDE' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'id is not an approval id' })
  id!: string;
}

/** One pending request (JSON of GET /account/approvals). */
export class PendingApprovalDto {
  @ApiProperty({
    description: 'Opaque id of the request (never its auth_req_id)',
    example: 'q2xlYXJseS1ub3QtYS1yZWFsLXJlcXVlc3QtaGFzaDE',
  })
  id!: string;

  @ApiProperty({ example: 'agent' })
  client_id!: string;

  @ApiProperty({ example: 'Payment agent' })
  client_name!: string;

  @ApiPropertyOptional({ example: 'Invoice 4711' })
  binding_message?: string;

  @ApiPropertyOptional({
    description: 'RFC 9396: what the request asks for, as the client sent it',
    type: 'array',
    items: { type: 'object' },
  })
  authorization_details?: Record<string, unknown>[];

  @ApiProperty({
    type: [String],
    description: 'Each authorization detail as its type’s template reads',
    example: ['Pay 12.00 EUR to X'],
  })
  rendered!: string[];

  @ApiProperty({ example: 'openid api' })
  scope!: string;

  @ApiPropertyOptional({
    description:
      'RFC 8707: the server the tokens would be for, when it is not Proofgate’s own API (a proof signs it too)',
    example: 'https://bank.example/api',
  })
  resource?: string;

  @ApiPropertyOptional({
    enum: ['phr'],
    description:
      'Present when the scope or resource needs a phishing-resistant sign-in (ACR_REQUIRED_BY_*): only a passkey approves the request',
    example: 'phr',
  })
  required_acr?: 'phr';

  @ApiProperty({ example: '2026-01-01T00:10:00.000Z' })
  expires_at!: string;
}

/** GET /account/approvals with Accept: application/json. */
export class PendingApprovalsDto {
  @ApiProperty({
    type: [PendingApprovalDto],
    description: `Pending requests, newest first: the newest ${MAX_LISTED_APPROVALS}`,
  })
  approvals!: PendingApprovalDto[];

  @ApiProperty({ description: 'For the approve and deny posts' })
  csrf_token!: string;

  @ApiProperty({
    example: 1,
    description: `How many requests are pending in all: more than approvals lists when past ${MAX_LISTED_APPROVALS} (answering the listed ones brings the rest in)`,
  })
  total!: number;
}

/** An answer taken (JSON). */
export class ApprovalAnsweredDto {
  @ApiProperty({ example: 'q2xlYXJseS1ub3QtYS1yZWFsLXJlcXVlc3QtaGFzaDE' })
  id!: string;

  @ApiProperty({ enum: ['approved', 'denied'], example: 'approved' })
  status!: 'approved' | 'denied';
}

/** POST /account/approvals/{id}/challenge, passkey: WebAuthn PublicKeyCredentialRequestOptionsJSON. */
export class PasskeyApprovalChallengeDto {
  @ApiProperty({
    description: 'base64url: the request’s canonical hash and a fresh nonce',
    example: 'q2xlYXJseS1ub3QtYS1yZWFsLWNoYWxsZW5nZS0x',
  })
  challenge!: string;

  @ApiPropertyOptional({ example: 'localhost' })
  rpId?: string;

  @ApiPropertyOptional({
    description: 'The account’s passkeys',
    example: [{ id: 'q2xlYXJseS1ub3QtYS1yZWFsLWNyZWRlbnRpYWw', type: 'public-key' }],
  })
  allowCredentials?: object[];

  @ApiProperty({ example: 'required' })
  userVerification!: string;

  @ApiPropertyOptional({ example: 300000 })
  timeout?: number;
}

/** POST /account/approvals/{id}/challenge, eip155: the EIP-712 typed data the wallet signs. */
export class TypedDataApprovalChallengeDto {
  @ApiProperty({
    description: 'EIP-712 typed data (eth_signTypedData_v4): domain, types, primaryType, message',
    type: Object,
  })
  typed_data!: Record<string, unknown>;
}

/** POST /account/approvals/{id}/challenge, solana and bip122: the text the wallet signs. */
export class MessageApprovalChallengeDto {
  @ApiProperty({ description: 'The approval statement, one field a line' })
  message!: string;
}
