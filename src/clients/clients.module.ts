import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ChallengeStoreModule } from '../challenges/challenge-store.module';
import { PasswordHasher } from '../platform/crypto/password-hasher';
import { ClientAssertionVerifier } from './assertion/client-assertion.verifier';
import { ClientKeySets } from './assertion/client-key-sets';
import { ClientAuthenticator } from './client-authenticator';
import { ClientRegistry } from './client-registry.service';
import { ClientRepository } from './client.repository';
import { CrossOriginPolicy } from './cross-origin.policy';
import { ClientMetadataDocumentsModule } from './metadata-document/client-metadata-documents.module';
import { ClientRegistrationService } from './registration/client-registration.service';
import { ClientRecord, ClientSchema } from './persistence/client.schema';
import { ClientOriginRecord, ClientOriginSchema } from './persistence/client-origin.schema';
import { RegisteredClientSweeper } from './registration/registered-client-sweeper';
import { MongoClientRepository } from './persistence/mongo-client.repository';

/** Registered OAuth clients and client authentication, used by OAuth and wallet login alike. */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: ClientRecord.name, schema: ClientSchema },
      { name: ClientOriginRecord.name, schema: ClientOriginSchema },
    ]),
    ClientMetadataDocumentsModule,
    ChallengeStoreModule,
  ],
  providers: [
    { provide: ClientRepository, useClass: MongoClientRepository },
    PasswordHasher,
    ClientRegistry,
    ClientAuthenticator,
    ClientKeySets,
    ClientAssertionVerifier,
    ClientRegistrationService,
    RegisteredClientSweeper,
    CrossOriginPolicy,
  ],
  exports: [
    ClientRegistry,
    ClientAuthenticator,
    ClientRepository,
    ClientRegistrationService,
    RegisteredClientSweeper,
    // One cache and fetcher for every JWK Set: clients' and the JWT-bearer grant's issuers'.
    ClientKeySets,
  ],
})
export class ClientsModule {}
