import { Module } from '@nestjs/common';
import { PasswordHasher } from '../../platform/crypto/password-hasher';
import { DemoUserSeeder } from './demo-user.seeder';
import { UserPersistenceModule } from './persistence/user-persistence.module';
import { UserAccountService } from './user-account.service';
import { UserService } from './user.service';

@Module({
  imports: [UserPersistenceModule],
  providers: [PasswordHasher, UserService, UserAccountService, DemoUserSeeder],
  exports: [UserService, UserAccountService],
})
export class UsersModule {}
