import { Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ChallengeObserver } from '../../challenges/challenge-observer';
import {
  ChallengeCounterRecord,
  ChallengeCounterSchema,
  ChallengeLifecycleRecord,
  ChallengeLifecycleSchema,
  ChallengeRejectionRecord,
  ChallengeRejectionSchema,
} from './challenge-events.schema';
import { ChallengeEvents } from './challenge-events.service';

@Global()
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: ChallengeCounterRecord.name, schema: ChallengeCounterSchema },
      { name: ChallengeLifecycleRecord.name, schema: ChallengeLifecycleSchema },
      { name: ChallengeRejectionRecord.name, schema: ChallengeRejectionSchema },
    ]),
  ],
  providers: [ChallengeEvents, { provide: ChallengeObserver, useExisting: ChallengeEvents }],
  exports: [ChallengeEvents, ChallengeObserver],
})
export class ChallengeEventsModule {}
