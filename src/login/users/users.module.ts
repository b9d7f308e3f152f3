import { Module } from '@nestjs/common';
import { PasswordHasher } from '../../platform/crypto/password-hasher';
import { DemoUserSeeder } from './demo-user.seeder';
import { UserPersistenceModule } from './persistence/user-persistence.module';
import { UserService } from './user.service';

@Module({
  imports: [UserPersistenceModule],
  providers: [PasswordHasher, UserService, DemoUserSeeder],
  exports: [UserService],
})
export class UsersModule {}
