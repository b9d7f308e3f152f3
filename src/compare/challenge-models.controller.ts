import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Controller, Get, Header, Param } from '@nestjs/common';
import { constantTimeEqual } from '../platform/crypto/hashing';
import { InvalidToken, NotFound } from '../platform/errors/protocol-error';
import { AuthorizationHeader } from '../platform/http/authorization-header';
import { ErrorResponseDto } from '../platform/openapi/error-response.dto';
import { AppConfig } from '../config/app-config';
import type { ChallengeModel } from './challenge-model';
import { WINDOW_SECONDS } from './challenge-figures.service';
import {
  ChallengeModelsResponseDto,
  ChallengeModelViewDto,
  LiveChallengesResponseDto,
} from './challenge-models.dto';
import { ChallengeModelsService, MODEL_IDS } from './challenge-models.service';

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
  @ApiOkResponse({ type: ChallengeModelsResponseDto })
  @Header('Cache-Control', 'no-store')
  async all(): Promise<ChallengeModelsResponseDto> {
    const models = await Promise.all(MODEL_IDS.map((id) => this.models.describe(id)));
    return { generated_at: new Date().toISOString(), window_seconds: WINDOW_SECONDS, models };
  }

  /** Outside production for anyone; in production only with the admin token. */
  @Get('live')
  @ApiOperation({
    summary: 'Challenges alive now, secrets as hash prefixes (admin token in production)',
  })
  @ApiBearerAuth('bearer')
  @ApiOkResponse({ type: LiveChallengesResponseDto })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto })
  @Header('Cache-Control', 'no-store')
  async live(
    @AuthorizationHeader() authorization: string | undefined,
  ): Promise<LiveChallengesResponseDto> {
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
  // The example inside the schema: next to `enum`, @nestjs/swagger drops a parameter's example.
  @ApiParam({ name: 'id', schema: { type: 'string', enum: [...MODEL_IDS], example: 'pkce' } })
  @ApiOkResponse({ type: ChallengeModelViewDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @Header('Cache-Control', 'no-store')
  one(@Param('id') id: string): Promise<ChallengeModelViewDto> {
    if (!(MODEL_IDS as readonly string[]).includes(id)) {
      throw new NotFound(`Unknown challenge model; use one of ${MODEL_IDS.join(', ')}`);
    }
    return this.models.describe(id as ChallengeModel);
  }
}
