import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { UserRepository } from '../user.repository';
import { MongoUserRepository } from './mongo-user.repository';
import { UserRecord, UserSchema } from './user.schema';

/**
 * A module of its own so that the `users` collection exists (created by the repository's
 * `onModuleInit`) before UsersModule's seeder writes to it: Nest initialises imported modules
 * first, but the providers of one module concurrently.
 */
@Module({
  imports: [MongooseModule.forFeature([{ name: UserRecord.name, schema: UserSchema }])],
  providers: [{ provide: UserRepository, useClass: MongoUserRepository }],
  exports: [UserRepository],
})
export class UserPersistenceModule {}
