import { Module } from '@nestjs/common';
import { SiweVerificationModule } from '../../wallet/verify/siwe-verification.module';
import { LoginModule } from './login.module';
import { SiweSessionLoginController } from './siwe-session-login.controller';
import { SiweSessionLoginService } from './siwe-session-login.service';

/**
 * POST /login/siwe. A module of its own, not part of LoginModule: wallet verification depends on
 * OAuthModule (clients), which imports LoginModule, so LoginModule cannot import it back.
 */
@Module({
  imports: [LoginModule, SiweVerificationModule],
  controllers: [SiweSessionLoginController],
  providers: [SiweSessionLoginService],
})
export class SiweSessionLoginModule {}
