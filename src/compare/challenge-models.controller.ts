import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiExtraModels,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { Controller, Get, Header, Param, Query, Req, Res } from '@nestjs/common';
import {
  type HttpRequest as Request,
  type HttpResponse as Response,
  acceptedType,
} from '../platform/http/http-exchange';
import { InvalidToken, NotFound } from '../platform/errors/protocol-error';
import { AuthorizationHeader } from '../platform/http/authorization-header';
import { presentsAdminToken } from '../platform/http/operator-access';
import { ErrorResponseDto } from '../platform/openapi/error-response.dto';
import { ServerConfig } from '../config/sections/server.config';
import {
  ALL_MODEL_IDS,
  MODEL_IDS,
  type LoginModel,
  type PossessionModel,
} from '../proofs/proof-vocabulary';
import {
  ChallengeModelsResponseDto,
  ChallengeModelViewDto,
  LiveChallengesResponseDto,
  PossessionModelViewDto,
} from './challenge-models.dto';
import { renderChallengeModelsPage } from './challenge-models.page';
import { ChallengeModelsService } from './challenge-models.service';
import { ChallengeSeriesQueryDto, ChallengeSeriesResponseDto } from './challenge-series.dto';
import { ChallengeSeries } from './challenge-series.service';
import { OperatorConfig } from '../config/sections/operator.config';

@ApiTags('compare')
@Controller('challenge-models')
export class ChallengeModelsController {
  constructor(
    private readonly models: ChallengeModelsService,
    private readonly series: ChallengeSeries,
    private readonly server: ServerConfig,
    private readonly operator: OperatorConfig,
  ) {}

  /**
   * JSON for API clients (and for Accept: any type); the same view as a page with tables and live charts
   * when the client prefers `text/html`, as a browser does.
   */
  @Get()
  @ApiOperation({
    summary: 'Both challenge models side by side: protocol, live policy, live figures',
    description:
      'JSON by default; a browser (Accept preferring text/html) gets a page with the comparison table and live per-minute charts. The answer is computed at most once per 5 s per instance (ANSWER_MAX_AGE_MS): figures are correct to within 5 s; generated_at says when.',
  })
  @ApiExtraModels(ChallengeModelsResponseDto)
  @ApiProduces('application/json', 'text/html')
  @ApiOkResponse({
    content: {
      'application/json': { schema: { $ref: getSchemaPath(ChallengeModelsResponseDto) } },
      'text/html': { schema: { type: 'string' } },
    },
  })
  @Header('Cache-Control', 'no-store')
  @Header('Vary', 'Accept')
  async all(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ChallengeModelsResponseDto | string> {
    const view = await this.models.overview();
    if (acceptedType(request, ['json', 'html']) !== 'html') return view;
    response.header('Content-Type', 'text/html; charset=utf-8');
    return renderChallengeModelsPage(view);
  }

  /** What the page's charts poll: a few indexed reads, however many minutes. */
  @Get('series')
  @ApiOperation({
    summary: 'Per-minute figures of every model (issued, redeemed, expired, rejected, latency)',
    description:
      'Computed at most once per 5 s per instance and `minutes` (ANSWER_MAX_AGE_MS): figures are correct to within 5 s; generated_at says when.',
  })
  @ApiOkResponse({ type: ChallengeSeriesResponseDto })
  @ApiBadRequestResponse({ description: 'invalid_request', type: ErrorResponseDto })
  @Header('Cache-Control', 'no-store')
  perMinute(@Query() query: ChallengeSeriesQueryDto): Promise<ChallengeSeriesResponseDto> {
    return this.series.last(query.minutes ?? 60);
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
    if (this.server.isProduction && !presentsAdminToken(this.operator, authorization)) {
      throw new InvalidToken('An admin token is required for live challenges in production');
    }
    return { challenges: await this.models.live() };
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One challenge model: a login model or a proof of possession',
    description:
      'A login model (as in `models` of GET /challenge-models) or a proof of possession (as in its `proof_of_possession`). Computed at most once per 5 s per instance (ANSWER_MAX_AGE_MS), as GET /challenge-models.',
  })
  // The example inside the schema: next to `enum`, @nestjs/swagger drops a parameter's example.
  @ApiParam({ name: 'id', schema: { type: 'string', enum: [...ALL_MODEL_IDS], example: 'pkce' } })
  @ApiExtraModels(ChallengeModelViewDto, PossessionModelViewDto)
  @ApiOkResponse({
    schema: {
      oneOf: [
        { $ref: getSchemaPath(ChallengeModelViewDto) },
        { $ref: getSchemaPath(PossessionModelViewDto) },
      ],
    },
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @Header('Cache-Control', 'no-store')
  one(@Param('id') id: string): Promise<ChallengeModelViewDto | PossessionModelViewDto> {
    if ((MODEL_IDS as readonly string[]).includes(id)) {
      return this.models.describe(id as LoginModel);
    }
    if ((ALL_MODEL_IDS as readonly string[]).includes(id)) {
      return this.models.describeProofOfPossession(id as PossessionModel);
    }
    throw new NotFound(`Unknown challenge model; use one of ${ALL_MODEL_IDS.join(', ')}`);
  }
}
