import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { AdminKeyPageDto, AdminKeyRotationDto } from '../api/admin-api.dto';
import { type AdminExchange, Exchange } from '../api/admin-exchange';
import { AdminAction, AdminRead } from '../api/admin-route';
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
  @AdminRead('keys.list', 'Every signing key, of every alg: next, active, retired', AdminKeyPageDto)
  async list() {
    const { keys, now } = await this.keys.list();
    // A handful of keys: one page, always.
    return { items: keys.map((key) => keyJson(key, keys, now)), next: null };
  }

  @Post('rotate')
  @AdminAction(
    'keys.rotate',
    'Rotate the signing keys (an action: no If-Match)',
    AdminKeyRotationDto,
  )
  async rotate(@Body() body: RotateKeysDto, @Exchange() admin: AdminExchange) {
    if (body.now === true) {
      return { items: (await this.keys.rotateNow(admin.call)).map(rotatedKeyJson) };
    }
    return { items: (await this.keys.scheduleRotation(admin.call)).map(scheduledKeyJson) };
  }
}
