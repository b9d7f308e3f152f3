import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type {
  AuthenticationExtensionsClientInputs,
  AuthenticatorSelectionCriteria,
} from '@simplewebauthn/server';
import { PASSKEY_EXAMPLE } from './passkeys.examples';

/**
 * POST /passkeys/registration/options: PublicKeyCredentialCreationOptionsJSON (WebAuthn Level 3
 * §5.4), to hand to `navigator.credentials.create()` (or @simplewebauthn/browser's
 * `startRegistration`).
 */
export class PasskeyCreationOptionsDto {
  @ApiProperty({ description: 'base64url, single use', example: PASSKEY_EXAMPLE.challenge })
  challenge!: string;

  @ApiProperty({ example: { id: 'localhost', name: 'Proofgate' } })
  rp!: { id?: string; name: string };

  @ApiProperty({
    description: 'The account: an opaque user handle (id) and its subject (name)',
    example: { id: PASSKEY_EXAMPLE.userHandle, name: 'user0', displayName: '' },
  })
  user!: { id: string; name: string; displayName: string };

  @ApiProperty({
    example: [
      { alg: -8, type: 'public-key' },
      { alg: -7, type: 'public-key' },
    ],
  })
  pubKeyCredParams!: { alg: number; type: 'public-key' }[];

  @ApiPropertyOptional({ example: 300000 })
  timeout?: number;

  @ApiPropertyOptional({
    description: 'The account’s passkeys: an authenticator holding one does not create another',
    example: [{ id: PASSKEY_EXAMPLE.credentialId, type: 'public-key', transports: ['internal'] }],
  })
  excludeCredentials?: { id: string; type: string; transports?: string[] }[];

  @ApiPropertyOptional({
    example: { residentKey: 'required', requireResidentKey: true, userVerification: 'preferred' },
  })
  authenticatorSelection?: AuthenticatorSelectionCriteria;

  @ApiPropertyOptional({ example: 'none' })
  attestation?: string;

  @ApiPropertyOptional({ example: { credProps: true } })
  extensions?: AuthenticationExtensionsClientInputs;
}

/**
 * POST /passkeys/authentication/options: PublicKeyCredentialRequestOptionsJSON (WebAuthn Level 3
 * §5.5), for `navigator.credentials.get()` (or `startAuthentication`). No allowCredentials: the
 * authenticator offers the passkeys it holds for this RP ID.
 */
export class PasskeyRequestOptionsDto {
  @ApiProperty({ description: 'base64url, single use', example: PASSKEY_EXAMPLE.challenge })
  challenge!: string;

  @ApiPropertyOptional({ example: 300000 })
  timeout?: number;

  @ApiPropertyOptional({ example: 'localhost' })
  rpId?: string;

  @ApiPropertyOptional({ example: 'preferred' })
  userVerification?: string;
}
