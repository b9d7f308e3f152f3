import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { FORM_FIELD_EXAMPLE, RETURN_TO_DESCRIPTION } from '../../platform/http/form-fields';

/** GET /login/upstream/{id}: where the login page goes once the provider signed the user in. */
export class UpstreamStartQueryDto {
  /** Checked by `safeReturnTo`: an unsafe value is replaced, not refused. */
  @ApiPropertyOptional({ description: RETURN_TO_DESCRIPTION, example: FORM_FIELD_EXAMPLE.returnTo })
  @IsOptional()
  @IsString()
  return_to?: string;
}
