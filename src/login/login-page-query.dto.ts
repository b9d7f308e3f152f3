import { IsOptional, IsString } from 'class-validator';

export class LoginPageQueryDto {
  /** Checked by `safeReturnTo`: an unsafe value is replaced, not refused. */
  @IsOptional()
  @IsString()
  return_to?: string;
}
