import { Module } from '@nestjs/common';
import { ChallengeStoreModule } from '../challenges/challenge-store.module';
import { ClientsModule } from '../clients/clients.module';
import { GrantsModule } from '../tokens/grants/grants.module';
import { ApiResourceServer } from './api-resource-server';
import { BearerAuthGuard } from './bearer-auth.guard';
import { MeController } from './me.controller';
import { ProtectedResourceMetadataController } from './protected-resource-metadata.controller';

@Module({
  imports: [GrantsModule, ChallengeStoreModule, ClientsModule],
  controllers: [MeController, ProtectedResourceMetadataController],
  providers: [ApiResourceServer, BearerAuthGuard],
})
export class ApiModule {}
