import { Body, Controller, Get, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { AdminUserChangeDto, AdminUserDto, AdminUserPageDto } from '../api/admin-api.dto';
import { type AdminExchange, Exchange } from '../api/admin-exchange';
import { USERNAME } from '../api/admin-openapi';
import { PageQueryDto, readPage } from '../api/admin-pages';
import { endedJson } from '../io/ended-json';
import { AdminChange, AdminCreate, AdminRead } from '../api/admin-route';
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
  @AdminCreate(
    'users.create',
    'Create a password user (409 when the username exists in any letter case)',
    AdminUserDto,
  )
  async create(@Body() body: NewUserDto, @Exchange() admin: AdminExchange) {
    const user = await this.users.add(body.username, body.password, admin.call);
    admin.locate('users', user.username);
    return admin.tagged(userJson(user), user.revision);
  }

  @Get()
  @AdminRead(
    'users.list',
    'Password users by username, a page at a time; q searches a prefix',
    AdminUserPageDto,
  )
  list(@Query() query: UserListQueryDto) {
    const { q } = query;
    return readPage(
      query,
      (page) => this.users.page({ ...page, ...(q === undefined ? {} : { prefix: q }) }),
      (user) => user.username,
      userJson,
    );
  }

  /** The user as answered, tagged: its ETag is of the representation and the user's revision. */
  private async tagged(username: string, admin: AdminExchange) {
    const user = await this.users.show(username);
    return admin.tagged(userJson(user), user.revision);
  }

  /**
   * The revision of the user whose tag If-Match names (the tag carries it: a new password shows
   * nowhere in the representation): the change that follows is made only on that revision, so of
   * two callers holding the same ETag one changes the user and the other gets 412.
   */
  private async revisionMatching(username: string, admin: AdminExchange): Promise<number> {
    const user = await this.users.show(username);
    admin.ifMatch(userJson(user), user.revision);
    return user.revision;
  }

  @Get(':username')
  @AdminRead(
    'users.show',
    'One password user with its status; ETag for a change',
    AdminUserDto,
    USERNAME,
  )
  show(@Param('username') username: string, @Exchange() admin: AdminExchange) {
    return this.tagged(username, admin);
  }

  @Patch(':username')
  @AdminChange(
    'users.update',
    "Disable or enable the user's account (If-Match required): exactly `users disable` / `users enable`",
    AdminUserChangeDto,
    USERNAME,
  )
  async update(
    @Param('username') username: string,
    @Body() body: UserStatusDto,
    @Exchange() admin: AdminExchange,
  ) {
    const revision = await this.revisionMatching(username, admin);
    let effect: Record<string, unknown>;
    if (body.status === 'disabled') {
      const disabled = await this.users.disable(username, admin.call, revision);
      effect = { changed: disabled.changed, ...endedJson(disabled) };
    } else {
      const enabled = await this.users.enable(username, admin.call, revision);
      effect = { changed: enabled.changed };
    }
    return { ...(await this.tagged(username, admin)), ...effect };
  }

  @Put(':username/password')
  @AdminChange(
    'users.set_password',
    'Replace the password (If-Match required); sessions and tokens live on',
    AdminUserDto,
    USERNAME,
  )
  async setPassword(
    @Param('username') username: string,
    @Body() body: NewPasswordDto,
    @Exchange() admin: AdminExchange,
  ) {
    const revision = await this.revisionMatching(username, admin);
    await this.users.setPassword(username, body.password, admin.call, revision);
    return this.tagged(username, admin);
  }
}
