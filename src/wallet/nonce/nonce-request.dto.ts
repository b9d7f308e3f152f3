import { IsInt, IsString, ValidateBy } from 'class-validator';
import { isAddress } from 'viem';

/**
 * EIP-55: all-lowercase is accepted (many wallets emit it); a mixed-case address must carry a
 * valid checksum; all-uppercase is refused, as the SIWE message parser does.
 */
function IsEthereumAddress(): PropertyDecorator {
  return ValidateBy({
    name: 'isEthereumAddress',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && /^0x[0-9a-fA-F]{40}$/.test(value) && isAddress(value),
      defaultMessage: () =>
        'address must be a 0x-prefixed 20-byte hex address (mixed case needs a valid EIP-55 checksum)',
    },
  });
}

/** POST /wallet/nonce body. */
export class NonceRequestDto {
  @IsString()
  @IsEthereumAddress()
  address!: string;

  @IsInt()
  chainId!: number;
}
