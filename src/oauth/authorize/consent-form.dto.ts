import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { CsrfTokenField, ReturnToField, UiLocalesField } from '../../platform/http/form-fields';

export const CONSENT_DECISIONS = ['allow', 'deny'] as const;
export type ConsentDecision = (typeof CONSENT_DECISIONS)[number];

/** POST /consent body: the consent screen's answer. */
export class ConsentFormDto {
  @ApiProperty({ enum: CONSENT_DECISIONS, example: 'allow' })
  @IsIn(CONSENT_DECISIONS)
  decision!: ConsentDecision;

  @CsrfTokenField()
  csrf_token?: string;

  @ReturnToField('The pending authorization request (a relative /authorize? path), from the page')
  return_to?: string;

  /** The consent screen's language: the page after it keeps it. */
  @UiLocalesField()
  ui_locales?: string;
}
