import { ApiSchema, IntersectionType } from '@nestjs/swagger';
import { WalletProofDto } from '../wallet/wallet-proof.dto';
import { LoginPageFieldsDto } from './login-page-fields.dto';

/**
 * POST /login/siwe body, sent by /static/wallet-login.js: the signed message (checked as at
 * POST /wallet/verify) and the login page's fields. Any chain's message: the OpenAPI schema keeps
 * the name it was published under.
 */
@ApiSchema({ name: 'SiweSessionLoginDto' })
export class WalletSessionLoginDto extends IntersectionType(WalletProofDto, LoginPageFieldsDto) {}
