import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { PasskeysModule } from '../passkeys/passkeys.module';
import { PasskeySessionLoginController } from './passkey/passkey-session-login.controller';
import { PasskeySessionLoginService } from './passkey/passkey-session-login.service';
import { WebAuthnBrowserController } from './passkey/webauthn-browser.controller';
import { ClientsModule } from '../clients/clients.module';
import { GrantsModule } from '../tokens/grants/grants.module';
import { AccountMethodsController } from './account/account-methods.controller';
import { AccountMethodsService } from './account/account-methods.service';
import { AccountActivityService } from './account/account-activity.service';
import { AccountSessionsController } from './account/account-sessions.controller';
import { AccountSessionsService } from './account/account-sessions.service';
import { MethodRemoval } from '../sessions/logout/method-removal.service';
import { AccountPageController } from './account/account-page.controller';
import { AccountPageService } from './account/account-page.service';
import { PasswordLinkService } from './account/password-link.service';
import { WalletLinkService } from './account/wallet-link.service';
import { CsrfModule } from '../platform/csrf/csrf.module';
import { PageSessions } from './page-session';
import { PendingAuthorization } from './pending-authorization';
import { WalletModule } from '../wallet/wallet.module';
import { UsersModule } from '../accounts/users/users.module';
import { LoginCsrf } from './login-csrf';
import { LoginController } from './login.controller';
import { PageSignIn } from './page-sign-in';
import { PasswordLoginService } from './password-login.service';
import { SessionsModule } from '../sessions/sessions.module';
import { WalletSessionLoginController } from './wallet-session-login.controller';
import { WalletSessionLoginService } from './wallet-session-login.service';
import { LoginThrottleModule } from './throttle/login-throttle.module';
import { SessionLogoutModule } from '../sessions/logout/session-logout.module';
import { EmailModule } from '../email/email.module';
import { EmailLoginController } from './email/email-login.controller';
import { EmailSessionLogin } from './email/email-session-login.service';
import { UpstreamModule } from '../upstream/upstream.module';
import {
  UpstreamLinkController,
  UpstreamLoginController,
} from './upstream/upstream-login.controller';
import { UpstreamSessionLogin } from './upstream/upstream-session-login.service';
import { Oid4vpModule } from '../oid4vp/oid4vp.module';
import { Oid4vpLoginController } from './oid4vp/oid4vp-login.controller';
import { Oid4vpSessionLogin } from './oid4vp/oid4vp-session-login.service';

/**
 * The login page: password login (GET/POST /login), wallet, passkey and email sign-in (POST
 * /login/siwe, POST /login/passkey, POST /login/email/*), sign-in at an upstream provider
 * (/login/upstream/{id}), and the account page (/account).
 */
import { ApprovalAuditPersistenceModule } from '../accounts/approval-audit/persistence/approval-audit-persistence.module';
@Module({
  imports: [
    UsersModule,
    SessionsModule,
    LoginThrottleModule,
    WalletModule,
    CsrfModule,
    ClientsModule,
    AccountsModule,
    GrantsModule,
    PasskeysModule,
    SessionLogoutModule,
    EmailModule,
    UpstreamModule,
    Oid4vpModule,
    ApprovalAuditPersistenceModule,
  ],
  controllers: [
    LoginController,
    WalletSessionLoginController,
    AccountMethodsController,
    AccountSessionsController,
    AccountPageController,
    PasskeySessionLoginController,
    WebAuthnBrowserController,
    EmailLoginController,
    UpstreamLoginController,
    UpstreamLinkController,
    Oid4vpLoginController,
  ],
  providers: [
    LoginCsrf,
    Oid4vpSessionLogin,
    PasswordLoginService,
    WalletSessionLoginService,
    PendingAuthorization,
    PageSessions,
    AccountMethodsService,
    AccountSessionsService,
    AccountActivityService,
    MethodRemoval,
    PasskeySessionLoginService,
    PageSignIn,
    AccountPageService,
    PasswordLinkService,
    WalletLinkService,
    EmailSessionLogin,
    UpstreamSessionLogin,
  ],
  exports: [PageSessions],
})
export class LoginModule {}
