import { IntersectionType } from '@nestjs/swagger';
import { WalletProofDto } from '../wallet/wallet-proof.dto';
import { LoginPageFieldsDto } from './login-page-fields.dto';

/**
 * POST /login/siwe body, sent by /static/siwe-login.js: the signed message (checked as at
 * POST /wallet/verify) and the login page's fields.
 */
export class SiweSessionLoginDto extends IntersectionType(WalletProofDto, LoginPageFieldsDto) {}
