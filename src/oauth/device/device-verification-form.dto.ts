import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { CsrfTokenField, UiLocalesField } from '../../platform/http/form-fields';

export const DEVICE_ACTIONS = ['lookup', 'approve', 'deny'] as const;
export type DeviceAction = (typeof DEVICE_ACTIONS)[number];

/** GET /device: the user code of `verification_uri_complete`, to prefill the form. */
export class DeviceVerificationQueryDto {
  @ApiPropertyOptional({ description: 'RFC 8628 §3.3.1: prefills the form', example: 'WDJB-MJHT' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  user_code?: string;

  /** The page's language (OpenID Connect Core §3.1.2.1 ui_locales), posted on by its forms. */
  @UiLocalesField()
  ui_locales?: string;
}

/** POST /device: the code the user typed, and what they chose. */
export class DeviceVerificationFormDto {
  @ApiProperty({
    description: 'The user code, any case, with or without the dash',
    example: 'WDJB-MJHT',
  })
  @IsString()
  @MaxLength(32)
  user_code!: string;

  @ApiPropertyOptional({
    enum: DEVICE_ACTIONS,
    description: 'lookup (default): show what the code asks for; approve or deny: answer it',
    example: 'approve',
  })
  @IsOptional()
  @IsIn(DEVICE_ACTIONS)
  action?: DeviceAction;

  @CsrfTokenField()
  csrf_token?: string;

  /** The page's language (OpenID Connect Core §3.1.2.1 ui_locales), posted on by its forms. */
  @UiLocalesField()
  ui_locales?: string;
}
