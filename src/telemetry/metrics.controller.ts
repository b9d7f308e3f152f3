import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Controller, Get, Headers, Res } from '@nestjs/common';
import type { HttpResponse } from '../platform/http/http-exchange';
import { OperatorConfig } from '../config/sections/operator.config';
import { assertOperatorAccess } from '../platform/http/operator-access';
import { ErrorResponseDto } from '../platform/openapi/error-response.dto';
import { TemporarilyUnavailable } from '../platform/errors/protocol-error';
import { MetricsService } from './metrics.service';

@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly operator: OperatorConfig,
  ) {}

  /** Prometheus text exposition format. */
  @Get()
  @ApiOperation({
    summary: 'Prometheus metrics of this instance (every worker of it summed)',
    description:
      'Open when METRICS_ENABLED (the default outside production); otherwise only with the admin token.',
  })
  @ApiBearerAuth('bearer')
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format', schema: { type: 'string' } })
  @ApiUnauthorizedResponse({ description: 'The admin token is required', type: ErrorResponseDto })
  @ApiNotFoundResponse({ description: 'Not served (no ADMIN_TOKEN set)', type: ErrorResponseDto })
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res() response: HttpResponse,
  ): Promise<void> {
    assertOperatorAccess(this.operator, this.operator.metricsEnabled, authorization);
    const text = await this.metrics.exposition().catch((error: Error) => {
      // A worker whose primary did not gather the instance's series: scrape again.
      throw new TemporarilyUnavailable(
        `The instance's metrics could not be gathered: ${error.message}`,
      );
    });
    void response
      .code(200)
      .header('Content-Type', this.metrics.registry.contentType)
      .header('Cache-Control', 'no-store')
      .send(text);
  }
}
