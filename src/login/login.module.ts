import { Module } from '@nestjs/common';
import { WalletModule } from '../wallet/wallet.module';
import { UsersModule } from './users/users.module';
import { LoginCsrf } from './login-csrf';
import { LoginController } from './login.controller';
import { PasswordLoginService } from './password-login.service';
import { SessionPersistenceModule } from './persistence/session-persistence.module';
import { SessionService } from './session.service';
import { SiweSessionLoginController } from './siwe-session-login.controller';
import { SiweSessionLoginService } from './siwe-session-login.service';
import { LoginThrottleModule } from './throttle/login-throttle.module';

/** Login sessions: password login (GET/POST /login) and Sign in with Ethereum (POST /login/siwe). */
@Module({
  imports: [UsersModule, SessionPersistenceModule, LoginThrottleModule, WalletModule],
  controllers: [LoginController, SiweSessionLoginController],
  providers: [SessionService, LoginCsrf, PasswordLoginService, SiweSessionLoginService],
  exports: [SessionService, LoginCsrf, UsersModule],
})
export class LoginModule {}
