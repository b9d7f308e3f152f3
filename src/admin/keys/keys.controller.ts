import { ApiOkResponse } from '@nestjs/swagger';
import { AdminKeyPageDto, AdminKeyRotationDto } from '../api/admin-api.dto';
import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { type AdminApiRequest, AdminRead, AdminWrite } from '../api/admin-route';
import { KeyAdministration } from './key-administration.service';
import { keyJson, rotatedKeyJson, scheduledKeyJson } from './key-json';

export class RotateKeysDto {
  @ApiProperty({
    required: false,
    description:
      'true: sign with a new key at once (resource servers must re-fetch the JWKS); default: publish the next key, which signs later',
    example: false,
  })
  @IsOptional()
  @IsBoolean()
  now?: boolean;
}

/** `/admin/v1/keys`: `proofgate-admin keys …` over HTTP, on the same service. */
@ApiTags('admin')
@Controller('admin/v1/keys')
export class KeysAdminController {
  constructor(private readonly keys: KeyAdministration) {}

  @Get()
  @AdminRead('keys.list')
  @ApiOkResponse({ type: AdminKeyPageDto })
  @ApiOperation({ summary: 'Every signing key, of every alg: next, active, retired' })
  async list() {
    const { keys, now } = await this.keys.list();
    // A handful of keys: one page, always.
    return { items: keys.map((key) => keyJson(key, keys, now)), next: null };
  }

  @Post('rotate')
  @HttpCode(200)
  @AdminWrite('keys.rotate')
  @ApiOkResponse({ type: AdminKeyRotationDto })
  @ApiOperation({ summary: 'Rotate the signing keys (an action: no If-Match)' })
  async rotate(@Body() body: RotateKeysDto, @Req() request: AdminApiRequest) {
    if (body.now === true) {
      return { items: (await this.keys.rotateNow(request.adminCall)).map(rotatedKeyJson) };
    }
    return { items: (await this.keys.scheduleRotation(request.adminCall)).map(scheduledKeyJson) };
  }
}
