import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { METHOD_TYPES, type MethodType } from '../../accounts/account';
import { WalletProofDto } from '../../wallet/verify/wallet-proof.dto';
import { WALLET_EXAMPLE } from '../../wallet/wallet.examples';

const WALLET_KEY_EXAMPLE = `eip155:1:${WALLET_EXAMPLE.address}`;

/** One sign-in method of an account, as the account itself may see it. */
export class AccountMethodDto {
  @ApiProperty({
    description:
      'The method key: a CAIP-10 account id (wallet), passkey:<credential id>, password:<username>',
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
}

/** GET /account/methods. */
export class AccountMethodsResponseDto {
  @ApiProperty({ description: 'The account’s subject: `sub` of its tokens', example: 'user0' })
  sub!: string;

  @ApiProperty({ type: [AccountMethodDto] })
  methods!: AccountMethodDto[];
}

/** POST /account/methods/wallet: a SIWE message over a fresh nonce, signed by the wallet to link. */
export class LinkWalletDto extends WalletProofDto {}
