import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { SessionPersistenceModule } from './persistence/session-persistence.module';
import { SessionService } from './session.service';

/**
 * The browser's login session, below every page and protocol that reads or starts one: the login
 * page's sign-ins, /authorize, the consent and device verification pages, logout.
 */
@Module({
  imports: [SessionPersistenceModule, AccountsModule],
  providers: [SessionService],
  exports: [SessionService, SessionPersistenceModule],
})
export class SessionsModule {}
