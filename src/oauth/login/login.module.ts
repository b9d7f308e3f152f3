import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { LoginCsrf } from './login-csrf';
import { LoginController } from './login.controller';
import { PasswordLoginService } from './password-login.service';
import { SessionPersistenceModule } from './persistence/session-persistence.module';
import { SessionService } from './session.service';

@Module({
  imports: [UsersModule, SessionPersistenceModule],
  controllers: [LoginController],
  providers: [SessionService, LoginCsrf, PasswordLoginService],
  exports: [SessionService, LoginCsrf, UsersModule],
})
export class LoginModule {}
