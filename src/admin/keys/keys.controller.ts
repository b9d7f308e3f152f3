import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { AdminKeyPageDto, AdminKeyRotationDto } from '../api/admin-api.dto';
import { type AdminExchange, Exchange } from '../api/admin-exchange';
import { PageQueryDto, readInstantPage } from '../api/admin-pages';
import { AdminAction, AdminRead } from '../api/admin-route';
import { KeyAdministration } from './key-administration.service';
import type { SigningKeyStatus } from '../../tokens/signing-keys/signing-key.service';
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
  async list(@Query() query: PageQueryDto) {
    const { keys, now } = await this.keys.list();
    // Oldest first, by creation then kid. Retired keys stay on record, one more per alg at each
    // rotation: the list is paged like every other, over one read of them all (a key's state
    // is told against the others', and a deployment rotates a few times a year, not thousands).
    const position = (key: SigningKeyStatus) => ({ at: key.createdAt, id: key.kid });
    const ordered = [...keys].sort(
      (a, b) =>
        a.createdAt.getTime() - b.createdAt.getTime() ||
        (a.kid < b.kid ? -1 : a.kid > b.kid ? 1 : 0),
    );
    return readInstantPage(
      query,
      ({ after: from, limit }) => {
        const rest =
          from === undefined
            ? ordered
            : ordered.filter(
                (key) =>
                  key.createdAt.getTime() > from.at.getTime() ||
                  (key.createdAt.getTime() === from.at.getTime() && key.kid > from.id),
              );
        return Promise.resolve(rest.slice(0, limit));
      },
      position,
      (key) => keyJson(key, keys, now),
    );
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
