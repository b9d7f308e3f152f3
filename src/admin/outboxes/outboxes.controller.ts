import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { HttpResponse } from '../../platform/http/http-exchange';
import { OUTBOX_STATES, type OutboxState } from '../../platform/outbox/outbox-rows';
import {
  AdminOutboxRetryAllDto,
  AdminOutboxRowDto,
  AdminOutboxRowPageDto,
} from '../api/admin-api.dto';
import { checkIfMatch, tagged } from '../api/admin-etag';
import { IF_MATCH, OUTBOX, OUTBOX_ROW_ID } from '../api/admin-openapi';
import { decodeCursor, pageOf, pageSize, PageQueryDto } from '../api/admin-pages';
import { type AdminApiRequest, AdminRead, AdminWrite } from '../api/admin-route';
import { OutboxAdministration, outboxCursorKey } from './outbox-administration.service';
import { outboxRowJson } from './outbox-json';

export class OutboxListQueryDto extends PageQueryDto {
  @ApiProperty({
    required: false,
    enum: OUTBOX_STATES,
    description: 'Only rows in this state (absent: pending, retrying and given up)',
    example: 'given_up',
  })
  @IsOptional()
  @IsIn(OUTBOX_STATES)
  state?: OutboxState;
}

export class OutboxRetryAllDto {
  @ApiProperty({
    enum: ['given_up'],
    description: 'The rows to retry: the given-up ones',
    example: 'given_up',
  })
  @IsIn(['given_up'])
  state!: 'given_up';
}

/**
 * `/admin/v1/outboxes/{logout|mail|ciba}`: `proofgate-admin outboxes …` over HTTP, on the same
 * service. An unknown outbox is `404 not_found` (the path names no resource).
 */
@ApiTags('admin')
@Controller('admin/v1/outboxes')
export class OutboxesAdminController {
  constructor(private readonly outboxes: OutboxAdministration) {}

  @Get(':outbox')
  @AdminRead('outboxes.list')
  @ApiOkResponse({ type: AdminOutboxRowPageDto })
  @ApiParam(OUTBOX)
  @ApiOperation({
    summary:
      "An outbox's unfinished rows, oldest first (keyset pages by creation time): never a token, a body or an address",
  })
  async list(@Param('outbox') outbox: string, @Query() query: OutboxListQueryDto) {
    const limit = pageSize(query);
    const after = decodeCursor(query.cursor);
    const rows = await this.outboxes.page(outbox, query.state, {
      ...(after === undefined ? {} : { after }),
      limit: limit + 1,
    });
    return pageOf(rows, limit, outboxCursorKey, outboxRowJson);
  }

  @Get(':outbox/:id')
  @AdminRead('outboxes.show')
  @ApiOkResponse({ type: AdminOutboxRowDto })
  @ApiParam(OUTBOX)
  @ApiParam(OUTBOX_ROW_ID)
  @ApiOperation({ summary: 'One row of an outbox; ETag for its retry' })
  async show(
    @Param('outbox') outbox: string,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: HttpResponse,
  ) {
    return tagged(response, outboxRowJson(await this.outboxes.show(outbox, id)));
  }

  @Post(':outbox/:id/retry')
  @HttpCode(200)
  @AdminWrite('outboxes.retry')
  @ApiOkResponse({ type: AdminOutboxRowDto })
  @ApiParam(OUTBOX)
  @ApiParam(OUTBOX_ROW_ID)
  @ApiHeader(IF_MATCH)
  @ApiOperation({
    summary:
      'Retry a given-up row (If-Match required): pending again, attempts from zero; 409 for a row not given up, or whose content expired',
  })
  async retry(
    @Param('outbox') outbox: string,
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() request: AdminApiRequest,
    @Res({ passthrough: true }) response: HttpResponse,
  ) {
    checkIfMatch(ifMatch, outboxRowJson(await this.outboxes.show(outbox, id)));
    const row = await this.outboxes.retry(outbox, id, request.adminCall);
    return tagged(response, outboxRowJson(row));
  }

  @Post(':outbox/retry')
  @HttpCode(200)
  @AdminWrite('outboxes.retry_all')
  @ApiOkResponse({ type: AdminOutboxRetryAllDto })
  @ApiParam(OUTBOX)
  @ApiOperation({
    summary:
      'Retry every given-up row that may be (an action on the collection: no If-Match); says how many were left',
  })
  async retryAll(
    @Param('outbox') outbox: string,
    @Body() _body: OutboxRetryAllDto,
    @Req() request: AdminApiRequest,
  ) {
    const { retried, notRetryable } = await this.outboxes.retryAllGivenUp(
      outbox,
      request.adminCall,
    );
    return { retried, not_retryable: notRetryable };
  }
}
