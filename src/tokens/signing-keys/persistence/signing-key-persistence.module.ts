import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { SigningKeyRepository } from '../signing-key.repository';
import { MongoSigningKeyRepository } from './mongo-signing-key.repository';
import { SigningKeyRecord, SigningKeySchema } from './signing-key.schema';

/**
 * A module of its own so that its `onModuleInit` (index creation) completes before the importing
 * module's: Nest initialises imported modules first, but the providers of one module concurrently,
 * and SigningKeyService's first-start election relies on the unique slot index already existing.
 */
@Module({
  imports: [MongooseModule.forFeature([{ name: SigningKeyRecord.name, schema: SigningKeySchema }])],
  providers: [{ provide: SigningKeyRepository, useClass: MongoSigningKeyRepository }],
  exports: [SigningKeyRepository],
})
export class SigningKeyPersistenceModule {}
