import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { FORM_FIELD_EXAMPLE } from '../platform/http/form-fields';

/**
 * POST /login/siwe and POST /login/passkey: where the login page goes next. The OpenAPI schema
 * keeps the name it was published under.
 */
@ApiSchema({ name: 'SiweSessionLoginResponseDto' })
export class PageSignInResponseDto {
  @ApiProperty({
    description: 'The pending authorization request (the checked return_to), else /',
    example: FORM_FIELD_EXAMPLE.returnTo,
  })
  redirect!: string;
}
