import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** OpenID Connect Core §5.3.2 UserInfo response. */
export class UserInfoResponseDto {
  @ApiProperty({
    description: 'User name, or CAIP-10 account eip155:<chainId>:<address>',
    example: 'user0',
  })
  sub!: string;

  @ApiPropertyOptional({
    description: 'With the profile scope, for a password user: the login name',
    example: 'user0',
  })
  preferred_username?: string;
}
