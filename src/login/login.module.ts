import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { CsrfModule } from '../platform/csrf/csrf.module';
import { PageSessions } from './page-session';
import { PendingAuthorization } from './pending-authorization';
import { WalletModule } from '../wallet/wallet.module';
import { UsersModule } from './users/users.module';
import { LoginCsrf } from './login-csrf';
import { LoginController } from './login.controller';
import { LogoutController } from './logout.controller';
import { LogoutService } from './logout.service';
import { PasswordLoginService } from './password-login.service';
import { SessionPersistenceModule } from './persistence/session-persistence.module';
import { SessionService } from './session.service';
import { SiweSessionLoginController } from './siwe-session-login.controller';
import { SiweSessionLoginService } from './siwe-session-login.service';
import { LoginThrottleModule } from './throttle/login-throttle.module';

/**
 * Login sessions: password login (GET/POST /login), Sign in with Ethereum (POST /login/siwe) and
 * sign out (POST /logout).
 */
@Module({
  imports: [
    UsersModule,
    SessionPersistenceModule,
    LoginThrottleModule,
    WalletModule,
    CsrfModule,
    ClientsModule,
  ],
  controllers: [LoginController, SiweSessionLoginController, LogoutController],
  providers: [
    SessionService,
    LoginCsrf,
    PasswordLoginService,
    SiweSessionLoginService,
    LogoutService,
    PendingAuthorization,
    PageSessions,
  ],
  exports: [SessionService, LoginCsrf, UsersModule, PageSessions],
})
export class LoginModule {}
