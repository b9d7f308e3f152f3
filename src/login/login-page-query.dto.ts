import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { LOGIN_EXAMPLE, RETURN_TO_DESCRIPTION } from './login.examples';

export class LoginPageQueryDto {
  /** Checked by `safeReturnTo`: an unsafe value is replaced, not refused. */
  @ApiPropertyOptional({ description: RETURN_TO_DESCRIPTION, example: LOGIN_EXAMPLE.returnTo })
  @IsOptional()
  @IsString()
  return_to?: string;
}
