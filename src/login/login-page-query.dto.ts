import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import {
  FORM_FIELD_EXAMPLE,
  RETURN_TO_DESCRIPTION,
  UiLocalesField,
} from '../platform/http/form-fields';

export class LoginPageQueryDto {
  /** Checked by `safeReturnTo`: an unsafe value is replaced, not refused. */
  @ApiPropertyOptional({ description: RETURN_TO_DESCRIPTION, example: FORM_FIELD_EXAMPLE.returnTo })
  @IsOptional()
  @IsString()
  return_to?: string;

  /**
   * Set by /authorize when the request needs a stronger sign-in than the session's (RFC 9470):
   * the page then offers only the methods that achieve it. Values not supported are ignored.
   */
  @ApiPropertyOptional({
    description:
      'The acr the sign-in must achieve (phr: a passkey); the page then offers only the methods that achieve it',
    example: 'phr',
  })
  @IsOptional()
  @IsString()
  acr_values?: string;

  /**
   * Set by /authorize when the client asked for a stronger sign-in as a voluntary claim
   * (`acr_values`, OpenID Connect Core §3.1.2.1): the page recommends what meets it and still
   * offers every other way to sign in.
   */
  @ApiPropertyOptional({
    description:
      'The acr the client would like (phr: a passkey); the page recommends what achieves it and offers the other methods too',
    example: 'phr',
  })
  @IsOptional()
  @IsString()
  acr_preferred?: string;

  /**
   * Set by a sign-in at an upstream provider that ended without one (GET
   * /login/upstream/{id}/callback): the page shows that reason's fixed text. Unknown values are
   * ignored.
   */
  @ApiPropertyOptional({
    description:
      'Why a sign-in at an upstream provider ended without one (e.g. cancelled, state_used, mix_up): the page shows its text in an element with role="alert"',
    example: 'cancelled',
  })
  @IsOptional()
  @IsString()
  upstream_error?: string;

  /**
   * Set by /authorize from the authorization request's own `ui_locales` (its query, a request
   * object's claims or a pushed request's), or by anyone linking to the page.
   */
  @UiLocalesField()
  ui_locales?: string;
}
