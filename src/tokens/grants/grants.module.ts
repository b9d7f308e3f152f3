import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { DpopModule } from '../dpop/dpop.module';
import { AccountsModule } from '../../accounts/accounts.module';
import { ClientsModule } from '../../clients/clients.module';
import { TokensModule } from '../tokens.module';
import { AccountBearerAuthenticator } from './account-bearer.authenticator';
import { GrantRepository } from './grant.repository';
import { BearerTokenAuthenticator } from './grant-bearer.authenticator';
import { GrantTokenIssuer } from './grant-token.issuer';
import { GrantRecord, GrantSchema } from './persistence/grant.schema';
import { MongoGrantRepository } from './persistence/mongo-grant.repository';
import { RefreshTokenRotation } from './refresh-token.rotation';

/** Grants, refresh-token rotation and bearer authentication, shared by OAuth and wallet login. */
@Module({
  imports: [
    AccountsModule,
    ClientsModule,
    TokensModule,
    DpopModule,
    MongooseModule.forFeature([{ name: GrantRecord.name, schema: GrantSchema }]),
  ],
  providers: [
    { provide: GrantRepository, useClass: MongoGrantRepository },
    RefreshTokenRotation,
    GrantTokenIssuer,
    BearerTokenAuthenticator,
    AccountBearerAuthenticator,
  ],
  exports: [
    GrantTokenIssuer,
    BearerTokenAuthenticator,
    AccountBearerAuthenticator,
    GrantRepository,
    RefreshTokenRotation,
    TokensModule,
    DpopModule,
  ],
})
export class GrantsModule {}
