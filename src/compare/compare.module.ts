import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ChallengeStoreModule } from '../challenges/challenge-store.module';
import { AnswerCache } from './answer-cache';
import { ChallengeFigures } from './challenge-figures.service';
import { ChallengeModelsController } from './challenge-models.controller';
import { ChallengeModelsService } from './challenge-models.service';
import { ChallengeSeries } from './challenge-series.service';
import { ChallengeFiguresRecorder } from './figures/challenge-figures.recorder';
import {
  ChallengeMinuteRecord,
  ChallengeMinuteSchema,
  ChallengeTotalsRecord,
  ChallengeTotalsSchema,
} from './figures/figures.schema';

/** GET /challenge-models: every model side by side, with figures fed by telemetry/. */
@Module({
  imports: [
    ChallengeStoreModule,
    MongooseModule.forFeature([
      { name: ChallengeTotalsRecord.name, schema: ChallengeTotalsSchema },
      { name: ChallengeMinuteRecord.name, schema: ChallengeMinuteSchema },
    ]),
  ],
  controllers: [ChallengeModelsController],
  providers: [
    AnswerCache,
    ChallengeFiguresRecorder,
    ChallengeFigures,
    ChallengeModelsService,
    ChallengeSeries,
  ],
  exports: [ChallengeFiguresRecorder, ChallengeModelsService],
})
export class CompareModule {}
