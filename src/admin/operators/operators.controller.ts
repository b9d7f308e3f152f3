import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOperatorPageDto } from '../api/admin-api.dto';
import { decodeCursor, pageOf, pageSize, PageQueryDto } from '../api/admin-pages';
import { AdminRead } from '../api/admin-route';
import { OperatorAdministration, operatorJson } from './operator-administration.service';

/**
 * `/admin/v1/operators`: who holds the operator role, for reading only. The role is granted with
 * `proofgate-admin operators add` alone: no admin token can make an operator.
 */
@ApiTags('admin')
@Controller('admin/v1/operators')
export class OperatorsAdminController {
  constructor(private readonly operators: OperatorAdministration) {}

  @Get()
  @AdminRead('operators.list')
  @ApiOkResponse({ type: AdminOperatorPageDto })
  @ApiOperation({
    summary: 'The operators by subject, a page at a time (granted on the command line only)',
  })
  async list(@Query() query: PageQueryDto) {
    const limit = pageSize(query);
    const after = decodeCursor(query.cursor);
    const rows = await this.operators.page({
      ...(after === undefined ? {} : { after }),
      limit: limit + 1,
    });
    return pageOf(rows, limit, (operator) => operator.sub, operatorJson);
  }
}
