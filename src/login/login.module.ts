import { Module } from '@nestjs/common';
import { CsrfModule } from '../platform/csrf/csrf.module';
import { WalletModule } from '../wallet/wallet.module';
import { UsersModule } from './users/users.module';
import { LoginCsrf } from './login-csrf';
import { LoginController } from './login.controller';
import { PasswordLoginService } from './password-login.service';
import { SessionPersistenceModule } from './persistence/session-persistence.module';
import { SessionService } from './session.service';
import { SiweSessionLoginController } from './siwe-session-login.controller';
import { SiweSessionLoginService } from './siwe-session-login.service';

/** Login sessions: password login (GET/POST /login) and Sign in with Ethereum (POST /login/siwe). */
@Module({
  imports: [UsersModule, SessionPersistenceModule, WalletModule, CsrfModule],
  controllers: [LoginController, SiweSessionLoginController],
  providers: [SessionService, LoginCsrf, PasswordLoginService, SiweSessionLoginService],
  exports: [SessionService, LoginCsrf, UsersModule],
})
export class LoginModule {}
