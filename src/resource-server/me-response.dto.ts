import { ApiProperty } from '@nestjs/swagger';
import { AUTH_METHODS, type AuthMethod } from '../proofs/proof-vocabulary';

/** GET /api/me: who the bearer access token is for, whichever login model issued it. */
export class MeResponseDto {
  @ApiProperty({
    description: 'User name, or CAIP-10 account eip155:<chainId>:<address>',
    example: 'eip155:1:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
  })
  sub!: string;

  @ApiProperty({ enum: AUTH_METHODS, example: 'siwe' })
  auth_method!: AuthMethod;

  @ApiProperty({ example: 'wallet' })
  client_id!: string;

  @ApiProperty({ example: 'profile' })
  scope!: string;

  @ApiProperty({ example: 'http://localhost:25000' })
  iss!: string;

  @ApiProperty({ description: 'Expiry, seconds since the epoch', example: 1767226500 })
  exp!: number;
}
