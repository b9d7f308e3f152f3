import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { RegisteredPasskey } from './registration/passkey-registration.service';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import {
  AUTHENTICATOR_TRANSPORTS,
  MAX_TRANSPORTS,
  type AuthenticatorTransport,
} from '../accounts/account';
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

/** Longest base64url field of an attestation response kept (a large RSA attestation fits). */
const ATTESTATION_FIELD_MAX = 8192;

/**
 * A registration's `response` (WebAuthn Level 3 §5.2.1.1 AuthenticatorAttestationResponseJSON).
 * Validated here, before anything is redeemed: `transports` is stored with the passkey, so a
 * malformed one is refused (400) without spending the registration challenge.
 */
export class AttestationResponseDto implements AuthenticatorAttestationResponseJSON {
  @IsString()
  @MaxLength(ATTESTATION_FIELD_MAX)
  @Matches(BASE64URL, { message: 'clientDataJSON must be base64url' })
  clientDataJSON!: string;

  @IsString()
  @MaxLength(ATTESTATION_FIELD_MAX)
  @Matches(BASE64URL, { message: 'attestationObject must be base64url' })
  attestationObject!: string;

  @IsOptional()
  @IsString()
  @MaxLength(ATTESTATION_FIELD_MAX)
  authenticatorData?: string;

  // Rules register bottom-up, and the first refusal is the one told: not an array, then too
  // many values, then an unknown one.
  @IsOptional()
  @IsIn(AUTHENTICATOR_TRANSPORTS, {
    each: true,
    message: `transports may hold only ${AUTHENTICATOR_TRANSPORTS.join(', ')}`,
  })
  @ArrayMaxSize(MAX_TRANSPORTS, {
    message: `transports holds at most ${MAX_TRANSPORTS} values`,
  })
  @IsArray({ message: 'transports must be an array' })
  transports?: AuthenticatorTransport[];

  @IsOptional()
  @IsInt()
  publicKeyAlgorithm?: number;

  @IsOptional()
  @IsString()
  @MaxLength(ATTESTATION_FIELD_MAX)
  publicKey?: string;
}

/** POST /passkeys/registration/verify: the browser's RegistrationResponseJSON, as the whole body. */
export class RegistrationResponseDto
  extends CredentialResponseDto
  implements RegistrationResponseJSON
{
  @ApiProperty({
    type: Object,
    description: `clientDataJSON, attestationObject (base64url), transports (at most ${MAX_TRANSPORTS} of ${AUTHENTICATOR_TRANSPORTS.join(', ')}; anything else is 400 invalid_request and spends no challenge), and optionally authenticatorData, publicKey, publicKeyAlgorithm`,
    example: PASSKEY_EXAMPLE.attestationResponse,
  })
  @IsObject()
  @ValidateNested()
  @Type(() => AttestationResponseDto)
  response!: AttestationResponseDto;
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

  @ApiProperty({
    description:
      'Its attestation chained to the trust list (PASSKEY_TRUSTED_ATTESTATION_ROOTS, PASSKEY_MDS_BLOB) and it is not backup eligible: its sign-ins achieve acr phrh and say amr hwk',
    example: false,
  })
  hardware_bound!: boolean;

  @ApiPropertyOptional({
    description:
      'The authenticator model’s name, from the FIDO metadata by its AAGUID, where known',
    example: 'YubiKey 5 Series',
  })
  authenticator_name?: string;
}

/** A registered passkey as both ways of adding one answer (the API, the account page). */
export function passkeyRegisteredJson(registered: RegisteredPasskey): PasskeyRegisteredDto {
  return {
    credential_id: registered.credentialId,
    created_at: registered.createdAt.toISOString(),
    hardware_bound: registered.hardwareBound,
    ...(registered.authenticatorName === undefined
      ? {}
      : { authenticator_name: registered.authenticatorName }),
  };
}
