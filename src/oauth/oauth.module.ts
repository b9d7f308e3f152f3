import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ChallengeStoreModule } from '../common/challenge-store/challenge-store.module';
import { PasswordHasher } from '../common/crypto/password-hasher';
import { GrantsModule } from '../tokens/grants/grants.module';
import { AuthorizationCodeService } from './authorize/authorization-code.service';
import { AuthorizationEndpoint } from './authorize/authorization.endpoint';
import { AuthorizeController } from './authorize/authorize.controller';
import { ClientAuthenticator } from './clients/client-authenticator';
import { ClientRegistry } from './clients/client-registry.service';
import { ClientRepository } from './clients/client.repository';
import { ClientRecord, ClientSchema } from './clients/persistence/client.schema';
import { MongoClientRepository } from './clients/persistence/mongo-client.repository';
import { IntrospectionController } from './introspection/introspection.controller';
import { LoginModule } from './login/login.module';
import { MetadataController } from './metadata/metadata.controller';
import { RevocationController } from './revocation/revocation.controller';
import { TokenLookup } from './revocation/token-lookup.service';
import { AuthorizationCodeGrant } from './token/grants/authorization-code.grant';
import { RefreshTokenGrant } from './token/grants/refresh-token.grant';
import { TokenController } from './token/token.controller';
import { TokenEndpoint } from './token/token.endpoint';

@Module({
  imports: [
    ChallengeStoreModule,
    GrantsModule,
    LoginModule,
    MongooseModule.forFeature([{ name: ClientRecord.name, schema: ClientSchema }]),
  ],
  controllers: [
    MetadataController,
    AuthorizeController,
    TokenController,
    RevocationController,
    IntrospectionController,
  ],
  providers: [
    { provide: ClientRepository, useClass: MongoClientRepository },
    PasswordHasher,
    ClientRegistry,
    ClientAuthenticator,
    AuthorizationCodeService,
    AuthorizationEndpoint,
    AuthorizationCodeGrant,
    RefreshTokenGrant,
    TokenEndpoint,
    TokenLookup,
  ],
  exports: [ClientRegistry, ClientAuthenticator, ClientRepository],
})
export class OAuthModule {}
