import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { OUTBOX_STATES, type OutboxState } from '../../platform/outbox/outbox-rows';
import {
  AdminOutboxRetryAllDto,
  AdminOutboxRowDto,
  AdminOutboxRowPageDto,
} from '../api/admin-api.dto';
import { type AdminExchange, Exchange } from '../api/admin-exchange';
import { OUTBOX, OUTBOX_ROW_ID } from '../api/admin-openapi';
import { PageQueryDto, readPage } from '../api/admin-pages';
import { AdminAction, AdminChange, AdminRead } from '../api/admin-route';
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
  @AdminRead(
    'outboxes.list',
    "An outbox's unfinished rows, oldest first (keyset pages by creation time): never a token, a body or an address",
    AdminOutboxRowPageDto,
    OUTBOX,
  )
  list(@Param('outbox') outbox: string, @Query() query: OutboxListQueryDto) {
    return readPage(
      query,
      (page) => this.outboxes.page(outbox, query.state, page),
      outboxCursorKey,
      outboxRowJson,
    );
  }

  @Get(':outbox/:id')
  @AdminRead(
    'outboxes.show',
    'One row of an outbox; ETag for its retry',
    AdminOutboxRowDto,
    OUTBOX,
    OUTBOX_ROW_ID,
  )
  async show(
    @Param('outbox') outbox: string,
    @Param('id') id: string,
    @Exchange() admin: AdminExchange,
  ) {
    return admin.tagged(outboxRowJson(await this.outboxes.show(outbox, id)));
  }

  @Post(':outbox/:id/retry')
  @AdminChange(
    'outboxes.retry',
    'Retry a given-up row (If-Match required): pending again, attempts from zero; 409 for a row not given up, or whose content expired',
    AdminOutboxRowDto,
    OUTBOX,
    OUTBOX_ROW_ID,
  )
  async retry(
    @Param('outbox') outbox: string,
    @Param('id') id: string,
    @Exchange() admin: AdminExchange,
  ) {
    // The retry names the give-up read with the tag: a row retried by someone else since (or
    // delivered, or given up anew) is 412, whatever the interleaving.
    const read = await this.outboxes.show(outbox, id);
    admin.ifMatch(outboxRowJson(read));
    return admin.tagged(outboxRowJson(await this.outboxes.retry(outbox, id, admin.call, read)));
  }

  @Post(':outbox/retry')
  @AdminAction(
    'outboxes.retry_all',
    'Retry every given-up row that may be (an action on the collection: no If-Match); says how many were left',
    AdminOutboxRetryAllDto,
    OUTBOX,
  )
  async retryAll(
    @Param('outbox') outbox: string,
    @Body() _body: OutboxRetryAllDto,
    @Exchange() admin: AdminExchange,
  ) {
    const { retried, notRetryable } = await this.outboxes.retryAllGivenUp(outbox, admin.call);
    return { retried, not_retryable: notRetryable };
  }
}
