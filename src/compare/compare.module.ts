import { Module } from '@nestjs/common';
import { ChallengeStoreModule } from '../challenges/challenge-store.module';
import { ChallengeFigures } from './challenge-figures.service';
import { ChallengeModelsController } from './challenge-models.controller';
import { ChallengeModelsService } from './challenge-models.service';

@Module({
  imports: [ChallengeStoreModule],
  controllers: [ChallengeModelsController],
  providers: [ChallengeFigures, ChallengeModelsService],
})
export class CompareModule {}
