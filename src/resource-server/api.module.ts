import { Module } from '@nestjs/common';
import { GrantsModule } from '../tokens/grants/grants.module';
import { BearerAuthGuard } from './bearer-auth.guard';
import { MeController } from './me.controller';
import { ProtectedResourceMetadataController } from './protected-resource-metadata.controller';

@Module({
  imports: [GrantsModule],
  controllers: [MeController, ProtectedResourceMetadataController],
  providers: [BearerAuthGuard],
})
export class ApiModule {}
