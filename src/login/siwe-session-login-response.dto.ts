import { ApiProperty } from '@nestjs/swagger';
import { LOGIN_EXAMPLE } from './login.examples';

/** POST /login/siwe: where the login page goes next. */
export class SiweSessionLoginResponseDto {
  @ApiProperty({
    description: 'The pending authorization request (the checked return_to), else /',
    example: LOGIN_EXAMPLE.returnTo,
  })
  redirect!: string;
}
