import { EmailAddressField, EmailCodeField } from '../email/email-login.dto';
import { UiLocalesField } from '../../platform/http/form-fields';
import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { NonceRequestDto } from '../../wallet/nonce-request.dto';
import { IsString, MaxLength } from 'class-validator';
import { METHOD_TYPES, type MethodType } from '../../proofs/proof-vocabulary';
import { WalletProofDto } from '../../wallet/wallet-proof.dto';
import { WALLET_EXAMPLE } from '../../wallet/wallet.examples';
import { USERNAME_MAX_LENGTH } from '../login.page';
import { PASSWORD_MAX_LENGTH } from '../../accounts/users/user-account.service';

const WALLET_KEY_EXAMPLE = `eip155:1:${WALLET_EXAMPLE.address}`;

/** One sign-in method of an account, as the account itself may see it. */
export class AccountMethodDto {
  @ApiProperty({
    description:
      'The method key: a CAIP-10 account id (wallet), passkey:<credential id>, password:<username>, upstream:<provider id>:<its sub>, credential:<hash> (an identity credential)',
    example: WALLET_KEY_EXAMPLE,
  })
  method!: string;

  @ApiProperty({ enum: METHOD_TYPES, example: 'wallet' })
  type!: MethodType;

  @ApiPropertyOptional({
    description: 'Absent for the method the account was created by, before it linked another',
    example: '2026-01-01T00:00:00.000Z',
  })
  added_at?: string;

  @ApiPropertyOptional({
    description:
      'An upstream method’s email address, kept only when the provider said it verified it (email_verified)',
    example: 'alice@example.com',
  })
  email?: string;

  @ApiPropertyOptional({
    description: 'An identity credential’s issuer (its iss), never its claims',
    example: 'https://pid-issuer.example',
  })
  issuer?: string;

  @ApiPropertyOptional({
    description: 'An identity credential’s type (SD-JWT VC vct)',
    example: 'urn:eudi:pid:1',
  })
  vct?: string;

  @ApiPropertyOptional({
    description:
      'A passkey’s: its attestation chained to the trust list at registration and it is not backup eligible, so its sign-ins achieve acr phrh (amr hwk); false for every other passkey, those registered before attestation was verified included',
    example: true,
  })
  hardware_bound?: boolean;

  @ApiPropertyOptional({
    description:
      'A passkey’s authenticator model, from the FIDO metadata (PASSKEY_MDS_BLOB) by its attested AAGUID, where known',
    example: 'YubiKey 5 Series',
  })
  authenticator_name?: string;
}

/** GET /account/methods. */
export class AccountMethodsResponseDto {
  @ApiProperty({ description: 'The account’s subject: `sub` of its tokens', example: 'user0' })
  sub!: string;

  @ApiProperty({ type: [AccountMethodDto] })
  methods!: AccountMethodDto[];
}

/**
 * POST /account/methods/wallet: a SIWE or SIWS link message of POST /account/methods/wallet/nonce,
 * signed by the wallet to link.
 */
export class LinkWalletDto extends WalletProofDto {}

/** POST /account/methods/wallet/nonce: the wallet to link, and its chain. */
export class LinkWalletNonceDto extends PickType(NonceRequestDto, ['address', 'chainId']) {}

/**
 * POST /account/methods/password: a password for an account without one (a wallet account), and
 * the username it signs in with at /login. The account keeps its subject.
 */
export class LinkPasswordDto {
  @ApiProperty({
    description:
      'The username to sign in with: 1-64 letters, digits and . _ @ + -, starting with a letter or digit; not taken',
    example: 'alice',
    maxLength: USERNAME_MAX_LENGTH,
  })
  @IsString()
  @MaxLength(USERNAME_MAX_LENGTH)
  username!: string;

  @ApiProperty({
    description: 'The new password: at least 8 characters, one line',
    example: 'correct horse battery staple',
    maxLength: PASSWORD_MAX_LENGTH,
  })
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password!: string;
}

/** POST /account/methods/email/code: the address to add to the bearer's account. */
export class LinkEmailCodeDto {
  @EmailAddressField()
  email!: string;

  /** The mail's language (OpenID Connect Core §3.1.2.1 ui_locales), else Accept-Language. */
  @UiLocalesField()
  ui_locales?: string;
}

/** POST /account/methods/email: the code mailed to that address. */
export class LinkEmailDto {
  @EmailCodeField()
  code!: string;
}
