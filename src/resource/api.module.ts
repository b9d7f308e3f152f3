import { Module } from '@nestjs/common';
import { GrantsModule } from '../tokens/grants/grants.module';
import { BearerAuthGuard } from './bearer-auth.guard';
import { MeController } from './me.controller';

@Module({ imports: [GrantsModule], controllers: [MeController], providers: [BearerAuthGuard] })
export class ApiModule {}
