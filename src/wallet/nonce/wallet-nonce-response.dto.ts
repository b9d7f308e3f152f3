import { ApiProperty } from '@nestjs/swagger';
import type { Address } from 'viem';
import { WALLET_EXAMPLE } from '../wallet.examples';

/** POST /wallet/nonce: the nonce and the exact EIP-4361 message for the wallet to sign. */
export class WalletNonceResponseDto {
  @ApiProperty({ description: '96+ bits, alphanumeric', example: WALLET_EXAMPLE.nonce })
  nonce!: string;

  @ApiProperty({ description: 'EIP-55 checksummed', example: WALLET_EXAMPLE.address })
  address!: Address;

  @ApiProperty({ example: WALLET_EXAMPLE.chainId })
  chainId!: number;

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
    description: 'The exact EIP-4361 text to sign',
    example: WALLET_EXAMPLE.issuedMessage,
  })
  message!: string;
}
