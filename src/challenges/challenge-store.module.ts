import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ChallengeStore } from './challenge-store';
import { ChallengeRecord, ChallengeSchema } from './persistence/challenge.schema';
import { MongoChallengeStore } from './persistence/mongo-challenge.store';

@Module({
  imports: [MongooseModule.forFeature([{ name: ChallengeRecord.name, schema: ChallengeSchema }])],
  providers: [{ provide: ChallengeStore, useClass: MongoChallengeStore }],
  exports: [ChallengeStore],
})
export class ChallengeStoreModule {}
