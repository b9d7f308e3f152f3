import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { PublicClientIdField } from '../clients/public-client-id.field';
import { PASSKEY_EXAMPLE } from './passkeys.examples';
import type {
  AuthenticationResponseJSON,
  AuthenticatorAssertionResponseJSON,
  AuthenticatorAttestationResponseJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';

/** WebAuthn Level 3 §6.1: credential ids are at most 1023 bytes; base64url of that, rounded up. */
const CREDENTIAL_ID_MAX = 1366;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The fields both ceremonies' `PublicKeyCredential.toJSON()` share (WebAuthn Level 3 §5.1). */
abstract class CredentialResponseDto {
  @ApiProperty({ description: 'Credential id, base64url', example: PASSKEY_EXAMPLE.credentialId })
  @IsString()
  @MaxLength(CREDENTIAL_ID_MAX)
  @Matches(BASE64URL, { message: 'id must be base64url' })
  id!: string;

  @ApiProperty({
    description: 'The same credential id, base64url',
    example: PASSKEY_EXAMPLE.credentialId,
  })
  @IsString()
  @MaxLength(CREDENTIAL_ID_MAX)
  @Matches(BASE64URL, { message: 'rawId must be base64url' })
  rawId!: string;

  @ApiProperty({ enum: ['public-key'], example: 'public-key' })
  @IsIn(['public-key'])
  type!: 'public-key';

  @ApiProperty({ type: Object, example: {} })
  @IsObject()
  clientExtensionResults!: Record<string, unknown>;

  @ApiPropertyOptional({ enum: ['platform', 'cross-platform'], example: 'platform' })
  @IsOptional()
  @IsIn(['platform', 'cross-platform'])
  authenticatorAttachment?: 'platform' | 'cross-platform';
}

/** POST /passkeys/registration/verify: the browser's RegistrationResponseJSON, as the whole body. */
export class RegistrationResponseDto
  extends CredentialResponseDto
  implements RegistrationResponseJSON
{
  @ApiProperty({
    type: Object,
    description: 'clientDataJSON, attestationObject (base64url) and transports',
    example: PASSKEY_EXAMPLE.attestationResponse,
  })
  @IsObject()
  response!: AuthenticatorAttestationResponseJSON;
}

export class AuthenticationResponseDto
  extends CredentialResponseDto
  implements AuthenticationResponseJSON
{
  @ApiProperty({
    type: Object,
    description: 'clientDataJSON, authenticatorData, signature and userHandle (base64url)',
    example: PASSKEY_EXAMPLE.assertionResponse,
  })
  @IsObject()
  response!: AuthenticatorAssertionResponseJSON;
}

/**
 * A body's `response`: the browser's AuthenticationResponseJSON, from navigator.credentials.get()
 * (POST /passkeys/authentication/verify, POST /login/passkey).
 */
export function AuthenticationResponseField(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      // An object with its example: a $ref here would lose the example "Try it out" sends.
      type: Object,
      description:
        'The browser’s AuthenticationResponseJSON, from navigator.credentials.get(): id, rawId, type, response (clientDataJSON, authenticatorData, signature, userHandle), clientExtensionResults, authenticatorAttachment',
      example: {
        id: PASSKEY_EXAMPLE.credentialId,
        rawId: PASSKEY_EXAMPLE.credentialId,
        type: 'public-key',
        response: PASSKEY_EXAMPLE.assertionResponse,
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      },
    }),
    IsObject(),
    ValidateNested(),
    Type(() => AuthenticationResponseDto),
  );
}

/** POST /passkeys/authentication/verify. */
export class PasskeyAuthenticationRequestDto {
  @AuthenticationResponseField()
  response!: AuthenticationResponseDto;

  @PublicClientIdField()
  client_id?: string;
}

/** POST /passkeys/registration/verify: 201. */
export class PasskeyRegisteredDto {
  @ApiProperty({
    description: 'The new passkey’s credential id, base64url',
    example: PASSKEY_EXAMPLE.credentialId,
  })
  credential_id!: string;

  @ApiProperty({ example: PASSKEY_EXAMPLE.createdAt })
  created_at!: string;
}
