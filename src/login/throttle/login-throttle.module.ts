import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { LoginFailureStore } from './login-failure.store';
import { LoginThrottle } from './login-throttle';
import { LoginFailureRecord, LoginFailureSchema } from './persistence/login-failure.schema';
import { MongoLoginFailureStore } from './persistence/mongo-login-failure.store';

@Module({
  imports: [
    MongooseModule.forFeature([{ name: LoginFailureRecord.name, schema: LoginFailureSchema }]),
  ],
  providers: [{ provide: LoginFailureStore, useClass: MongoLoginFailureStore }, LoginThrottle],
  exports: [LoginThrottle],
})
export class LoginThrottleModule {}
