import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** OpenID Connect Core §5.3.2 UserInfo response. */
export class UserInfoResponseDto {
  @ApiProperty({
    description: 'User name, or CAIP-10 account eip155:<chainId>:<address>',
    example: 'user0',
  })
  sub!: string;

  @ApiPropertyOptional({
    description:
      'With the profile scope (or asked for by the claims parameter), for an account that has a username: the username',
    example: 'user0',
  })
  name?: string;

  @ApiPropertyOptional({
    description:
      'With the profile scope (or asked for by the claims parameter), for an account that has a username: the username',
    example: 'user0',
  })
  preferred_username?: string;

  @ApiPropertyOptional({
    description:
      'With the profile scope (or asked for by the claims parameter): when the account’s sign-in methods last changed (or its password user was created), seconds since the epoch',
    example: 1767225600,
  })
  updated_at?: number;

  @ApiPropertyOptional({
    description:
      'With the email scope, for an account that has an address (email sign-in): the first it verified',
    example: 'alice@example.com',
  })
  email?: string;

  @ApiPropertyOptional({
    description: 'With email: always true (an address is added only by the code sent to it)',
    example: true,
  })
  email_verified?: boolean;
}
