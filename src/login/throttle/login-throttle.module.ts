import { Module } from '@nestjs/common';
import { LoginThrottle } from './login-throttle';
import { LoginFailurePersistenceModule } from './persistence/login-failure-persistence.module';

@Module({
  imports: [LoginFailurePersistenceModule],
  providers: [LoginThrottle],
  exports: [LoginThrottle],
})
export class LoginThrottleModule {}
