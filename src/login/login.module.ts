import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ClientsModule } from '../clients/clients.module';
import { GrantsModule } from '../tokens/grants/grants.module';
import { AccountMethodsController } from './account/account-methods.controller';
import { AccountMethodsService } from './account/account-methods.service';
import { CsrfModule } from '../platform/csrf/csrf.module';
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
    AccountsModule,
    GrantsModule,
  ],
  controllers: [
    LoginController,
    SiweSessionLoginController,
    LogoutController,
    AccountMethodsController,
  ],
  providers: [
    SessionService,
    LoginCsrf,
    PasswordLoginService,
    SiweSessionLoginService,
    LogoutService,
    PendingAuthorization,
    AccountMethodsService,
  ],
  exports: [SessionService, LoginCsrf, UsersModule],
})
export class LoginModule {}
