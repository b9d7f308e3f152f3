import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { CSRF_TOKEN_MAX_LENGTH } from '../../platform/csrf/csrf-protection';
import { CSRF_TOKEN_DESCRIPTION, LOGIN_EXAMPLE } from '../../login/login.examples';

export const CONSENT_DECISIONS = ['allow', 'deny'] as const;
export type ConsentDecision = (typeof CONSENT_DECISIONS)[number];

/** POST /consent body: the consent screen's answer. */
export class ConsentFormDto {
  @ApiProperty({ enum: CONSENT_DECISIONS, example: 'allow' })
  @IsIn(CONSENT_DECISIONS)
  decision!: ConsentDecision;

  @ApiPropertyOptional({ description: CSRF_TOKEN_DESCRIPTION, example: LOGIN_EXAMPLE.csrfToken })
  @IsOptional()
  @IsString()
  @MaxLength(CSRF_TOKEN_MAX_LENGTH)
  csrf_token?: string;

  @ApiPropertyOptional({
    description: 'The pending authorization request (a relative /authorize? path), from the page',
    example: LOGIN_EXAMPLE.returnTo,
  })
  @IsOptional()
  @IsString()
  return_to?: string;
}
