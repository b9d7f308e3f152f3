import { ApiProperty } from '@nestjs/swagger';
import { WALLET_EXAMPLE } from './wallet.examples';

/**
 * POST /wallet/nonce: the nonce and the exact message for the wallet to sign: EIP-4361 for an
 * Ethereum chain, Sign In With Solana (CAIP-122) for a Solana cluster.
 */
export class WalletNonceResponseDto {
  @ApiProperty({ description: '96+ bits, alphanumeric', example: WALLET_EXAMPLE.nonce })
  nonce!: string;

  @ApiProperty({
    description: 'Ethereum: EIP-55 checksummed. Solana: the base58 public key as requested',
    example: WALLET_EXAMPLE.address,
  })
  address!: string;

  @ApiProperty({
    description:
      'The EIP-155 chain id (a number), or the Solana cluster as the message names it (`solana:mainnet`)',
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
    description: 'The exact text to sign: EIP-4361, or Sign In With Solana (CAIP-122)',
    example: WALLET_EXAMPLE.issuedMessage,
  })
  message!: string;
}
