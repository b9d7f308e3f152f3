import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AUTH_METHODS, type AuthMethod } from '../../proofs/proof-vocabulary';

/** What signing out everywhere says, on the page and in JSON alike. */
export const SIGNED_OUT_EVERYWHERE =
  'Signed out everywhere: every login session of the account ended and every grant revoked, this one included; sign in again to go on';

/** One live login session of the account (a browser), as its owner sees it. */
export class AccountSessionDto {
  @ApiProperty({ enum: AUTH_METHODS, example: 'passkey' })
  auth_method!: AuthMethod;

  @ApiPropertyOptional({
    description:
      'The method key of the method that signed in; absent on sessions from before it was kept',
    example: 'passkey:q2xlYXJseS1ub3QtYS1yZWFsLWNyZWRlbnRpYWw',
  })
  method?: string;

  @ApiProperty({ example: '2026-01-01T00:00:00.000Z' })
  auth_time!: string;

  @ApiProperty({ example: '2026-01-01T08:00:00.000Z' })
  expires_at!: string;
}

/** One live grant of the account (an app holding its tokens), as its owner sees it. */
export class AccountGrantDto {
  @ApiProperty({ description: 'The app the grant is for', example: 'demo-client' })
  client_id!: string;

  @ApiProperty({ example: 'openid profile' })
  scope!: string;

  @ApiProperty({ enum: AUTH_METHODS, example: 'siwe' })
  auth_method!: AuthMethod;

  @ApiPropertyOptional({
    description:
      'The method key of the method whose login started it; absent on grants from before it was kept',
    example: 'eip155:1:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
  })
  method?: string;

  @ApiProperty({ example: '2026-01-01T00:00:00.000Z' })
  created_at!: string;

  @ApiProperty({ description: 'When its refresh tokens end at the latest' })
  expires_at!: string;
}

/** GET /account/sessions. */
export class AccountSessionsResponseDto {
  @ApiProperty({ example: 'user0' })
  sub!: string;

  @ApiProperty({ type: [AccountSessionDto], description: 'Live login sessions, newest first' })
  sessions!: AccountSessionDto[];

  @ApiProperty({ type: [AccountGrantDto], description: 'Live grants, newest first' })
  grants!: AccountGrantDto[];
}

/** DELETE /account/sessions: signed out everywhere. */
export class SignedOutEverywhereDto {
  @ApiProperty({ example: 2 })
  sessions_ended!: number;

  @ApiProperty({ example: 3 })
  grants_revoked!: number;

  @ApiProperty({ example: SIGNED_OUT_EVERYWHERE })
  message!: string;
}
