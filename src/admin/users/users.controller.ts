import { ApiHeader } from '@nestjs/swagger';
import { AdminUserChangeDto, AdminUserDto, AdminUserPageDto } from '../api/admin-api.dto';
import { IF_MATCH, USERNAME } from '../api/admin-openapi';
import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import type { HttpResponse } from '../../platform/http/http-exchange';
import { checkIfMatch, sendEtag, tagged } from '../api/admin-etag';
import { decodeCursor, pageOf, pageSize, PageQueryDto } from '../api/admin-pages';
import { type AdminApiRequest, AdminRead, AdminWrite } from '../api/admin-route';
import { UserAdministration } from './user-administration.service';
import { userJson } from './user-json';

export class NewUserDto {
  @ApiProperty({ example: 'alice', description: '1-64 letters, digits and . _ @ + -' })
  @IsString()
  @MaxLength(64)
  username!: string;

  @ApiProperty({
    description: '8-1024 characters on one line; never answered or recorded',
    example: 'correct horse battery staple',
  })
  @IsString()
  @MaxLength(1024)
  password!: string;
}

export class UserListQueryDto extends PageQueryDto {
  @ApiProperty({
    required: false,
    description: 'Only usernames that start with this, any case',
    example: 'ali',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  q?: string;
}

export class UserStatusDto {
  @ApiProperty({
    enum: ['disabled', 'active'],
    description:
      'disabled: every sign-in method refused, sessions ended (back-channel logout sent), grants revoked; active: sign-in works again',
    example: 'disabled',
  })
  @IsIn(['disabled', 'active'])
  status!: 'disabled' | 'active';
}

export class NewPasswordDto {
  @ApiProperty({
    description: '8-1024 characters on one line; never answered or recorded',
    example: 'another long passphrase',
  })
  @IsString()
  @MaxLength(1024)
  password!: string;
}

/** `/admin/v1/users`: `proofgate-admin users …` over HTTP, on the same service. */
@ApiTags('admin')
@Controller('admin/v1/users')
export class UsersAdminController {
  constructor(private readonly users: UserAdministration) {}

  @Post()
  @HttpCode(201)
  @AdminWrite('users.create')
  @ApiCreatedResponse({ type: AdminUserDto })
  @ApiOperation({
    summary: 'Create a password user (409 when the username exists in any letter case)',
  })
  async create(
    @Body() body: NewUserDto,
    @Req() request: AdminApiRequest,
    @Res({ passthrough: true }) response: HttpResponse,
  ) {
    const user = await this.users.add(body.username, body.password, request.adminCall);
    const json = userJson(user);
    response.header('Location', `/admin/v1/users/${encodeURIComponent(user.username)}`);
    return tagged(response, json);
  }

  @Get()
  @AdminRead('users.list')
  @ApiOkResponse({ type: AdminUserPageDto })
  @ApiOperation({ summary: 'Password users by username, a page at a time; q searches a prefix' })
  async list(@Query() query: UserListQueryDto) {
    const limit = pageSize(query);
    const after = decodeCursor(query.cursor);
    const rows = await this.users.page({
      ...(after === undefined ? {} : { after }),
      limit: limit + 1,
      ...(query.q === undefined ? {} : { prefix: query.q }),
    });
    return pageOf(rows, limit, (user) => user.username, userJson);
  }

  @Get(':username')
  @AdminRead('users.show')
  @ApiOkResponse({ type: AdminUserDto })
  @ApiParam(USERNAME)
  @ApiOperation({ summary: 'One password user with its status; ETag for a change' })
  async show(
    @Param('username') username: string,
    @Res({ passthrough: true }) response: HttpResponse,
  ) {
    const json = userJson(await this.users.show(username));
    return tagged(response, json);
  }

  @Patch(':username')
  @AdminWrite('users.update')
  @ApiOkResponse({ type: AdminUserChangeDto })
  @ApiParam(USERNAME)
  @ApiHeader(IF_MATCH)
  @ApiOperation({
    summary:
      "Disable or enable the user's account (If-Match required): exactly `users disable` / `users enable`",
  })
  async update(
    @Param('username') username: string,
    @Body() body: UserStatusDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() request: AdminApiRequest,
    @Res({ passthrough: true }) response: HttpResponse,
  ) {
    checkIfMatch(ifMatch, userJson(await this.users.show(username)));
    let effect: Record<string, unknown>;
    if (body.status === 'disabled') {
      const disabled = await this.users.disable(username, request.adminCall);
      effect = {
        changed: disabled.changed,
        sessions_ended: disabled.sessionsEnded,
        grants_revoked: disabled.grantsRevoked,
      };
    } else {
      effect = { changed: (await this.users.enable(username, request.adminCall)).changed };
    }
    const json = userJson(await this.users.show(username));
    sendEtag(response, json);
    return { ...json, ...effect };
  }

  @Put(':username/password')
  @AdminWrite('users.set_password')
  @ApiOkResponse({ type: AdminUserDto })
  @ApiParam(USERNAME)
  @ApiHeader(IF_MATCH)
  @ApiOperation({
    summary: 'Replace the password (If-Match required); sessions and tokens live on',
  })
  async setPassword(
    @Param('username') username: string,
    @Body() body: NewPasswordDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() request: AdminApiRequest,
  ) {
    checkIfMatch(ifMatch, userJson(await this.users.show(username)));
    await this.users.setPassword(username, body.password, request.adminCall);
    return userJson(await this.users.show(username));
  }
}
