import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { RegistrationResponseDto } from '../../passkeys/passkey-request.dto';
import { PASSKEY_EXAMPLE } from '../../passkeys/passkeys.examples';
import { CsrfTokenField, UiLocalesField } from '../../platform/http/form-fields';
import { USERNAME_MAX_LENGTH } from '../login.page';
import { PASSWORD_MAX_LENGTH } from '../../accounts/users/user-account.service';
import { LinkWalletDto, LinkWalletNonceDto } from './account-method.dto';
import { EmailAddressField, EmailCodeField } from '../email/email-login.dto';

/** A request of the account page: its CSRF token (its absence is a failed check). */
export class AccountPageRequestDto {
  @CsrfTokenField({ required: true })
  csrf_token?: string;
}

/** GET /account: why a link of a provider account failed, and the page's language. */
export class AccountPageQueryDto {
  @ApiPropertyOptional({
    example: 'already_linked',
    description:
      'Why a link of an upstream provider account ended without one (e.g. already_linked): the page shows its text in an element with role="alert"; an unknown reason shows nothing',
  })
  @IsOptional()
  @IsString()
  upstream_error?: string;

  /** The page's language (OpenID Connect Core §3.1.2.1 ui_locales), posted on by its forms. */
  @UiLocalesField()
  ui_locales?: string;
}

/**
 * A form of the account page (HTML, no script): its CSRF token and the page's language, so that
 * the page shown after it (a refusal, the code form) stays in that language.
 */
export class AccountFormDto extends AccountPageRequestDto {
  /** The page's language (OpenID Connect Core §3.1.2.1 ui_locales), posted on by its forms. */
  @UiLocalesField()
  ui_locales?: string;
}

/** POST /account/passkeys: the browser's new passkey. */
export class AccountPasskeyDto extends AccountPageRequestDto {
  @ApiProperty({
    type: Object,
    description: 'The browser’s RegistrationResponseJSON, from navigator.credentials.create()',
    example: {
      id: PASSKEY_EXAMPLE.credentialId,
      rawId: PASSKEY_EXAMPLE.credentialId,
      type: 'public-key',
      response: PASSKEY_EXAMPLE.attestationResponse,
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    },
  })
  @IsObject()
  @ValidateNested()
  @Type(() => RegistrationResponseDto)
  response!: RegistrationResponseDto;
}

/** POST /account/methods/remove (form). */
export class RemoveMethodFormDto extends AccountFormDto {
  @ApiProperty({
    description: 'The method key',
    example: `passkey:${PASSKEY_EXAMPLE.credentialId}`,
  })
  @IsString()
  @MaxLength(1500)
  method!: string;
}

/**
 * POST /account/password (form). Fields optional here on purpose, as on the login form: a missing
 * one is a user's mistake answered on the page, not with the JSON envelope.
 */
export class SetPasswordFormDto extends AccountFormDto {
  @ApiPropertyOptional({ example: 'alice', maxLength: USERNAME_MAX_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(USERNAME_MAX_LENGTH)
  username?: string;

  @ApiPropertyOptional({ example: 'correct horse battery staple', maxLength: PASSWORD_MAX_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password?: string;
}

/**
 * POST /account/wallets: "Link a wallet" on the account page, the link message of POST
 * /account/wallets/nonce, signed by the wallet to link.
 */
export class AccountWalletDto extends IntersectionType(LinkWalletDto, AccountPageRequestDto) {}

/** POST /account/wallets/nonce: the wallet to link on the account page, with the page's CSRF token. */
export class AccountWalletNonceDto extends IntersectionType(
  LinkWalletNonceDto,
  AccountPageRequestDto,
) {}

/** POST /account/email/code (form): the address to add; a code is mailed to it. */
export class AddEmailFormDto extends AccountFormDto {
  @EmailAddressField()
  email!: string;
}

/** POST /account/email (form): the code mailed to the address being added. */
export class ConfirmEmailFormDto extends AccountFormDto {
  @EmailCodeField()
  code!: string;
}

/** POST /account/oid4vp/complete: the wallet's link, confirmed on its page. */
export class IdentityWalletLinkFormDto extends AccountPageRequestDto {
  @ApiProperty({
    description: 'The response_code of the wallet’s redirect (GET /account/oid4vp/complete)',
    example: 'f3Kq9mWb2xLz7pVn4tRy8cHd1gJs6aUe0oIw5kYb3qM',
  })
  @IsString()
  @MaxLength(64)
  response_code!: string;
}
