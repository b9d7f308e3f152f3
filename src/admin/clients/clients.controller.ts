import { ApiHeader } from '@nestjs/swagger';
import {
  AdminClientDto,
  AdminClientPageDto,
  AdminClientRemovedDto,
  AdminPruneResultDto,
  AdminAddedSecretDto,
  AdminSecretListDto,
} from '../api/admin-api.dto';
import { CLIENT_ID, IF_MATCH } from '../api/admin-openapi';
import {
  Body,
  Controller,
  Delete,
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
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsObject, IsOptional, IsString, Max, Min } from 'class-validator';
import type { HttpResponse } from '../../platform/http/http-exchange';
import type { ClientJwks } from '../../clients/oauth-client';
import { InvalidRequest } from '../../platform/errors/protocol-error';
import { checkIfMatch, etagOf, sendEtag, tagged } from '../api/admin-etag';
import { decodeCursor, pageOf, pageSize, PageQueryDto } from '../api/admin-pages';
import { type AdminApiRequest, AdminRead, AdminWrite } from '../api/admin-route';
import { ClientAdministration, type NewKeys } from './client-administration.service';
import { clientJson, secretJson } from './client-json';
import { ClientChangesDto, clientChangesOf, NewClientDto, newClientOf } from './new-client.dto';

export class ClientListQueryDto extends PageQueryDto {
  @ApiProperty({
    required: false,
    description: 'true: only clients that registered themselves; false: only the others',
    example: false,
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean()
  registered?: boolean;
}

export class ClientKeysDto {
  @ApiProperty({
    required: false,
    description: 'The new public keys (a JWK Set)',
    example: {
      keys: [
        {
          kty: 'EC',
          crv: 'P-256',
          x: 'Mmyx6zj42ELI3st5I0XOOgwObeFwEo_Ba7v_MFnd3x4',
          y: 'oh-OW8TzCXvoSj25n27oeB-mzYEltYCSv40EG_f-MJM',
          kid: 'k1',
        },
      ],
    },
  })
  @IsOptional()
  @IsObject()
  jwks?: ClientJwks;

  @ApiProperty({
    required: false,
    description: 'Or the https URL where they are published',
    example: 'https://sync.example.com/jwks.json',
  })
  @IsOptional()
  @IsString()
  jwks_uri?: string;
}

export class NewSecretDto {
  @ApiProperty({
    required: false,
    description:
      'How long the previous secret keeps working, in seconds: 24 hours unless given, at most CLIENT_SECRET_OVERLAP_MAX_SECONDS; 0 stops it at once',
    example: 86400,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  previous_expires_in?: number;
}

export class PruneDto {
  @ApiProperty({ required: false, description: 'Also those unused this many days', example: 90 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(36500)
  unused_days?: number;

  @ApiProperty({ required: false, description: 'Only say which clients would go', example: true })
  @IsOptional()
  @IsBoolean()
  dry_run?: boolean;
}

/** `/admin/v1/clients`: `proofgate-admin clients …` over HTTP, on the same service. */
@ApiTags('admin')
@Controller('admin/v1/clients')
export class ClientsAdminController {
  constructor(private readonly clients: ClientAdministration) {}

  @Post()
  @HttpCode(201)
  @AdminWrite('clients.create')
  @ApiCreatedResponse({ type: AdminClientDto })
  @ApiOperation({
    summary:
      'Register a client (RFC 7591 metadata, caller-chosen client_id); a confidential one gets its secret here, once',
  })
  async create(
    @Body() body: NewClientDto,
    @Req() request: AdminApiRequest,
    @Res({ passthrough: true }) response: HttpResponse,
  ) {
    const { client, secret } = await this.clients.add(newClientOf(body), request.adminCall);
    const json = clientJson(client);
    response.header('Location', `/admin/v1/clients/${encodeURIComponent(client.clientId)}`);
    sendEtag(response, json);
    return { ...json, ...(secret === undefined ? {} : { client_secret: secret }) };
  }

  @Get()
  @AdminRead('clients.list')
  @ApiOkResponse({ type: AdminClientPageDto })
  @ApiOperation({ summary: 'Registered clients by client_id, a page at a time' })
  async list(@Query() query: ClientListQueryDto) {
    const limit = pageSize(query);
    const rows = await this.clients.page({
      ...optionalAfter(decodeCursor(query.cursor)),
      limit: limit + 1,
      ...(query.registered === undefined ? {} : { registered: query.registered }),
    });
    return pageOf(rows, limit, (client) => client.clientId, clientJson);
  }

  @Get(':clientId')
  @AdminRead('clients.show')
  @ApiOkResponse({ type: AdminClientDto })
  @ApiParam(CLIENT_ID)
  @ApiOperation({ summary: 'One client, never its secret; ETag for a change' })
  async show(
    @Param('clientId') clientId: string,
    @Res({ passthrough: true }) response: HttpResponse,
  ) {
    const json = clientJson(await this.clients.show(clientId));
    return tagged(response, json);
  }

  @Patch(':clientId')
  @AdminWrite('clients.update')
  @ApiOkResponse({ type: AdminClientDto })
  @ApiParam(CLIENT_ID)
  @ApiHeader(IF_MATCH)
  @ApiOperation({
    summary:
      "Change an operator-added client's metadata (RFC 7591 names; If-Match required); its id, type, secret and keys stay",
  })
  async update(
    @Param('clientId') clientId: string,
    @Body() body: ClientChangesDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() request: AdminApiRequest,
    @Res({ passthrough: true }) response: HttpResponse,
  ) {
    checkIfMatch(ifMatch, clientJson(await this.clients.show(clientId)));
    const updated = await this.clients.update(clientId, clientChangesOf(body), request.adminCall);
    return tagged(response, clientJson(updated));
  }

  @Delete(':clientId')
  @AdminWrite('clients.delete')
  @ApiOkResponse({ type: AdminClientRemovedDto })
  @ApiParam(CLIENT_ID)
  @ApiHeader(IF_MATCH)
  @ApiOperation({ summary: 'Remove a client and revoke its grants (If-Match required)' })
  async remove(
    @Param('clientId') clientId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() request: AdminApiRequest,
  ) {
    checkIfMatch(ifMatch, clientJson(await this.clients.show(clientId)));
    const { grantsRevoked } = await this.clients.remove(clientId, request.adminCall);
    return { client_id: clientId, removed: true, grants_revoked: grantsRevoked };
  }

  @Put(':clientId/jwks')
  @AdminWrite('clients.set_jwks')
  @ApiOkResponse({ type: AdminClientDto })
  @ApiParam(CLIENT_ID)
  @ApiHeader(IF_MATCH)
  @ApiOperation({ summary: "Replace a private_key_jwt client's keys (If-Match required)" })
  async setKeys(
    @Param('clientId') clientId: string,
    @Body() body: ClientKeysDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() request: AdminApiRequest,
    @Res({ passthrough: true }) response: HttpResponse,
  ) {
    if ((body.jwks === undefined) === (body.jwks_uri === undefined)) {
      throw new InvalidRequest('give exactly one of jwks and jwks_uri');
    }
    const keys: NewKeys =
      body.jwks !== undefined ? { jwks: body.jwks } : { jwksUri: body.jwks_uri as string };
    checkIfMatch(ifMatch, clientJson(await this.clients.show(clientId)));
    const json = clientJson(await this.clients.setKeys(clientId, keys, request.adminCall));
    response.header('ETag', etagOf(json));
    return json;
  }

  @Post(':clientId/secrets')
  @HttpCode(201)
  @AdminWrite('clients.add_secret')
  @ApiCreatedResponse({ type: AdminAddedSecretDto })
  @ApiParam(CLIENT_ID)
  @ApiHeader(IF_MATCH)
  @ApiOperation({
    summary:
      "A new secret for a confidential client, its value answered here once; the previous one keeps working previous_expires_in seconds (If-Match: the secrets list's ETag)",
  })
  async addSecret(
    @Param('clientId') clientId: string,
    @Body() body: NewSecretDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() request: AdminApiRequest,
    @Res({ passthrough: true }) response: HttpResponse,
  ) {
    // A retry after a lost answer finds the list changed (412), never makes a second secret
    // that would end the first one's overlap.
    checkIfMatch(ifMatch, await this.secretList(clientId));
    const added = await this.clients.addSecret(
      clientId,
      body.previous_expires_in === undefined ? {} : { previousExpiresIn: body.previous_expires_in },
      request.adminCall,
    );
    const list = added.secrets.map(secretJson);
    response.header('Location', `/admin/v1/clients/${encodeURIComponent(clientId)}/secrets`);
    sendEtag(response, list);
    return { id: added.id, secret: added.secret, created_at: added.createdAt, secrets: list };
  }

  @Get(':clientId/secrets')
  @AdminRead('clients.secrets')
  @ApiOkResponse({ type: AdminSecretListDto })
  @ApiParam(CLIENT_ID)
  @ApiOperation({
    summary:
      "A confidential client's secrets, newest first: id, created_at, expires_at and expired, never a value (ETag for a rotation)",
  })
  async secrets(
    @Param('clientId') clientId: string,
    @Res({ passthrough: true }) response: HttpResponse,
  ) {
    const list = await this.secretList(clientId);
    sendEtag(response, list);
    // At most two: one page.
    return { items: list, next: null };
  }

  private async secretList(clientId: string) {
    return (await this.clients.listSecrets(clientId)).map(secretJson);
  }

  @Post('prune')
  @HttpCode(200)
  @AdminWrite('clients.prune')
  @ApiOkResponse({ type: AdminPruneResultDto })
  @ApiOperation({
    summary:
      'Delete expired self-registered clients (and, with unused_days, those unused that long)',
  })
  async prune(@Body() body: PruneDto, @Req() request: AdminApiRequest) {
    const { clients, grantsRevoked } = await this.clients.prune(
      {
        dryRun: body.dry_run === true,
        ...(body.unused_days === undefined ? {} : { unusedDays: body.unused_days }),
      },
      request.adminCall,
    );
    return {
      dry_run: body.dry_run === true,
      clients: clients.map((client) => client.clientId),
      grants_revoked: grantsRevoked,
    };
  }
}

const optionalAfter = (after: string | undefined) => (after === undefined ? {} : { after });
