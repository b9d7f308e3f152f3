import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { TokensModule } from '../tokens.module';
import { GrantRepository, RefreshTokenRepository } from './grant.repository';
import { BearerTokenAuthenticator } from './grant-bearer.authenticator';
import { GrantTokenIssuer } from './grant-token.issuer';
import {
  GrantRecord,
  GrantSchema,
  RefreshTokenDocument,
  RefreshTokenSchema,
} from './persistence/grant.schema';
import {
  MongoGrantRepository,
  MongoRefreshTokenRepository,
} from './persistence/mongo-grant.repository';
import { RefreshTokenRotation } from './refresh-token.rotation';

/** Grants, refresh-token rotation and bearer authentication, shared by OAuth and wallet login. */
@Module({
  imports: [
    TokensModule,
    MongooseModule.forFeature([
      { name: GrantRecord.name, schema: GrantSchema },
      { name: RefreshTokenDocument.name, schema: RefreshTokenSchema },
    ]),
  ],
  providers: [
    { provide: GrantRepository, useClass: MongoGrantRepository },
    { provide: RefreshTokenRepository, useClass: MongoRefreshTokenRepository },
    RefreshTokenRotation,
    GrantTokenIssuer,
    BearerTokenAuthenticator,
  ],
  exports: [
    GrantTokenIssuer,
    BearerTokenAuthenticator,
    GrantRepository,
    RefreshTokenRepository,
    TokensModule,
  ],
})
export class GrantsModule {}
