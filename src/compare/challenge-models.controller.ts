import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import {
  CHALLENGE_MODEL_SCHEMA,
  CHALLENGE_MODELS_SCHEMA,
  ERROR_SCHEMA,
  LIVE_CHALLENGES_SCHEMA,
} from '../platform/openapi/schemas';
import { Controller, Get, Header, Headers, Param } from '@nestjs/common';
import { constantTimeEqual } from '../platform/crypto/hashing';
import { InvalidToken, NotFound } from '../platform/errors/protocol-error';
import { AppConfig } from '../config/app-config';
import type { ChallengeModel } from './challenge-model';
import { WINDOW_SECONDS } from './challenge-figures.service';
import {
  ChallengeModelView,
  ChallengeModelsService,
  LiveChallengeView,
  MODEL_IDS,
} from './challenge-models.service';

@ApiTags('compare')
@Controller('challenge-models')
export class ChallengeModelsController {
  constructor(
    private readonly models: ChallengeModelsService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Both challenge models side by side: protocol, live policy, live figures',
  })
  @ApiOkResponse({ schema: CHALLENGE_MODELS_SCHEMA })
  @Header('Cache-Control', 'no-store')
  async all(): Promise<{
    generated_at: string;
    window_seconds: number;
    models: ChallengeModelView[];
  }> {
    const models = await Promise.all(MODEL_IDS.map((id) => this.models.describe(id)));
    return { generated_at: new Date().toISOString(), window_seconds: WINDOW_SECONDS, models };
  }

  /** Outside production for anyone; in production only with the admin token. */
  @Get('live')
  @ApiOperation({
    summary: 'Challenges alive now, secrets as hash prefixes (admin token in production)',
  })
  @ApiBearerAuth('bearer')
  @ApiOkResponse({ schema: LIVE_CHALLENGES_SCHEMA })
  @ApiUnauthorizedResponse({ schema: ERROR_SCHEMA })
  @Header('Cache-Control', 'no-store')
  async live(
    @Headers('authorization') authorization?: string,
  ): Promise<{ challenges: LiveChallengeView[] }> {
    if (this.config.isProduction) {
      const expected = this.config.adminToken;
      const presented = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
      if (!expected || !presented || !constantTimeEqual(presented, expected)) {
        throw new InvalidToken('An admin token is required for live challenges in production');
      }
    }
    return { challenges: await this.models.live() };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One challenge model' })
  @ApiParam({ name: 'id', enum: ['pkce', 'siwe'] })
  @ApiOkResponse({ schema: CHALLENGE_MODEL_SCHEMA })
  @ApiNotFoundResponse({ schema: ERROR_SCHEMA })
  @Header('Cache-Control', 'no-store')
  one(@Param('id') id: string): Promise<ChallengeModelView> {
    if (!(MODEL_IDS as readonly string[]).includes(id)) {
      throw new NotFound(`Unknown challenge model; use one of ${MODEL_IDS.join(', ')}`);
    }
    return this.models.describe(id as ChallengeModel);
  }
}
