import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { PageQueryDto, readInstantPage } from '../api/admin-pages';
import { AdminRead } from '../api/admin-route';
import { StreamAdministration } from './stream-administration.service';
import { streamJson } from './stream-json';
import { AdminStreamPageDto } from './streams.dto';

/** `/admin/v1/streams`: `proofgate-admin streams list` over HTTP, on the same service. */
@ApiTags('admin')
@Controller('admin/v1/streams')
export class StreamsAdminController {
  constructor(private readonly streams: StreamAdministration) {}

  @Get()
  @AdminRead(
    'streams.list',
    "The receivers' Shared Signals streams, oldest first, with their status and what waits for each: never a SET or an authorization header",
    AdminStreamPageDto,
  )
  list(@Query() query: PageQueryDto) {
    return readInstantPage(
      query,
      (page) => this.streams.page(page),
      (stream) => ({ at: stream.createdAt, id: stream.streamId }),
      streamJson,
    );
  }
}
