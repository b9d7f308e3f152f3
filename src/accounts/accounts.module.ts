import { Module } from '@nestjs/common';
import { AccountService } from './account.service';
import { AccountPersistenceModule } from './persistence/account-persistence.module';

/** Accounts and their sign-in methods, below every proof (wallet/, passkeys/, login/). */
@Module({
  imports: [AccountPersistenceModule],
  providers: [AccountService],
  exports: [AccountService],
})
export class AccountsModule {}
