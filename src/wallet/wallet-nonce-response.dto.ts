import { ApiProperty } from '@nestjs/swagger';
import { anyChain, perChain } from './wallet-chains';
import { WALLET_EXAMPLE } from './wallet.examples';

/** POST /wallet/nonce: the nonce and the exact message for the wallet to sign, in its chain's format. */
export class WalletNonceResponseDto {
  @ApiProperty({ description: '96+ bits, alphanumeric', example: WALLET_EXAMPLE.nonce })
  nonce!: string;

  @ApiProperty({
    description: perChain((chain) => chain.issuedAddress),
    example: WALLET_EXAMPLE.address,
  })
  address!: string;

  @ApiProperty({
    description: perChain((chain) => chain.issuedChainId),
    oneOf: [{ type: 'integer' }, { type: 'string' }],
    example: WALLET_EXAMPLE.chainId,
  })
  chainId!: number | string;

  @ApiProperty({ description: 'The pinned SIWE domain', example: 'localhost:25000' })
  domain!: string;

  @ApiProperty({ example: 'http://localhost:25000' })
  uri!: string;

  @ApiProperty({ example: WALLET_EXAMPLE.issuedAt })
  issuedAt!: string;

  @ApiProperty({
    description: 'When the nonce, and so the message, expires',
    example: WALLET_EXAMPLE.expirationTime,
  })
  expirationTime!: string;

  @ApiProperty({
    description: `The exact text to sign: ${anyChain((chain) => chain.message)}`,
    example: WALLET_EXAMPLE.issuedMessage,
  })
  message!: string;
}
