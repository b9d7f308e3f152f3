import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AccountRepository } from '../account.repository';
import { AccountMethodRecord, AccountMethodSchema } from './account-method.schema';
import { AccountRecord, AccountSchema } from './account.schema';
import { MongoAccountRepository } from './mongo-account.repository';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: AccountRecord.name, schema: AccountSchema },
      { name: AccountMethodRecord.name, schema: AccountMethodSchema },
    ]),
  ],
  providers: [{ provide: AccountRepository, useClass: MongoAccountRepository }],
  exports: [AccountRepository],
})
export class AccountPersistenceModule {}
