import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts.module';
import { PasswordHasher } from '../../platform/crypto/password-hasher';
import { DemoUserSeeder } from './demo-user.seeder';
import { UserPersistenceModule } from './persistence/user-persistence.module';
import { UserAccountService } from './user-account.service';
import { UserService } from './user.service';
import { UserProfiles } from './user-profile.service';

@Module({
  imports: [UserPersistenceModule, AccountsModule],
  providers: [PasswordHasher, UserService, UserAccountService, DemoUserSeeder, UserProfiles],
  exports: [UserService, UserAccountService, UserProfiles],
})
export class UsersModule {}
