import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AdminOperatorPageDto } from '../api/admin-api.dto';
import { PageQueryDto, readPage } from '../api/admin-pages';
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
  @AdminRead(
    'operators.list',
    'The operators by subject, a page at a time (granted on the command line only)',
    AdminOperatorPageDto,
  )
  list(@Query() query: PageQueryDto) {
    return readPage(
      query,
      (page) => this.operators.page(page),
      (operator) => operator.sub,
      operatorJson,
    );
  }
}
