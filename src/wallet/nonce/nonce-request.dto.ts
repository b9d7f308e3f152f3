import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, ValidateBy } from 'class-validator';
import { eip55 } from '../siwe/eip55';
import { WALLET_EXAMPLE } from '../wallet.examples';

/**
 * EIP-55: all-lowercase is accepted (many wallets emit it); a mixed-case address must carry a
 * valid checksum; all-uppercase is refused, as the SIWE message parser does.
 */
function IsEthereumAddress(): PropertyDecorator {
  return ValidateBy({
    name: 'isEthereumAddress',
    validator: {
      validate: (value: unknown) => eip55.isValid(value),
      defaultMessage: () =>
        'address must be a 0x-prefixed 20-byte hex address (mixed case needs a valid EIP-55 checksum)',
    },
  });
}

/** POST /wallet/nonce body. */
export class NonceRequestDto {
  @ApiProperty({
    description: '0x + 40 hex digits; mixed case must be a valid EIP-55 checksum',
    example: WALLET_EXAMPLE.address,
  })
  @IsString()
  @IsEthereumAddress()
  address!: string;

  @ApiProperty({
    description: 'EIP-155 chain id, one of SIWE_CHAIN_IDS',
    example: WALLET_EXAMPLE.chainId,
  })
  @IsInt()
  chainId!: number;
}
