import { Body, Controller, Delete, Get, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiHeader, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsObject, IsOptional, IsString, Max, Min } from 'class-validator';
import type { ClientJwks } from '../../clients/oauth-client';
import { InvalidRequest } from '../../platform/errors/protocol-error';
import {
  AdminAddedSecretDto,
  AdminClientDto,
  AdminClientPageDto,
  AdminClientRemovedDto,
  AdminPruneResultDto,
  AdminSecretListDto,
} from '../api/admin-api.dto';
import { type AdminExchange, Exchange } from '../api/admin-exchange';
import { CLIENT_ID, IF_MATCH } from '../api/admin-openapi';
import { PageQueryDto, readPage } from '../api/admin-pages';
import { AdminAction, AdminChange, AdminCreate, AdminRead } from '../api/admin-route';
import { ClientAdministration, type NewKeys } from './client-administration.service';
import { clientJson, clientRemovedJson, secretJson } from './client-json';
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
  @AdminCreate(
    'clients.create',
    'Register a client (RFC 7591 metadata, caller-chosen client_id); a confidential one gets its secret here, once',
    AdminClientDto,
  )
  async create(@Body() body: NewClientDto, @Exchange() admin: AdminExchange) {
    const { client, secret } = await this.clients.add(newClientOf(body), admin.call);
    admin.locate('clients', client.clientId);
    const json = admin.tagged(clientJson(client));
    return { ...json, ...(secret === undefined ? {} : { client_secret: secret }) };
  }

  @Get()
  @AdminRead(
    'clients.list',
    'Registered clients by client_id, a page at a time',
    AdminClientPageDto,
  )
  list(@Query() query: ClientListQueryDto) {
    const { registered } = query;
    return readPage(
      query,
      (page) => this.clients.page({ ...page, ...(registered === undefined ? {} : { registered }) }),
      (client) => client.clientId,
      clientJson,
    );
  }

  /** The client as answered, and what its ETag is of. */
  private async current(clientId: string) {
    return clientJson(await this.clients.show(clientId));
  }

  /**
   * The revision of the client whose representation If-Match names: the change that follows is
   * made only on that revision (a compare-and-set), so of two callers holding the same ETag one
   * changes it and the other gets 412, whatever their interleaving.
   */
  private async revisionMatching(clientId: string, admin: AdminExchange): Promise<number> {
    const client = await this.clients.show(clientId);
    admin.ifMatch(clientJson(client));
    return client.revision;
  }

  @Get(':clientId')
  @AdminRead(
    'clients.show',
    'One client, never its secret; ETag for a change',
    AdminClientDto,
    CLIENT_ID,
  )
  async show(@Param('clientId') clientId: string, @Exchange() admin: AdminExchange) {
    return admin.tagged(await this.current(clientId));
  }

  @Patch(':clientId')
  @AdminChange(
    'clients.update',
    "Change an operator-added client's metadata (RFC 7591 names; null removes one; If-Match required); its id, type, secret and keys stay",
    AdminClientDto,
    CLIENT_ID,
  )
  async update(
    @Param('clientId') clientId: string,
    @Body() body: ClientChangesDto,
    @Exchange() admin: AdminExchange,
  ) {
    const revision = await this.revisionMatching(clientId, admin);
    const changes = clientChangesOf(body);
    const updated = await this.clients.update(clientId, changes, admin.call, revision);
    return admin.tagged(clientJson(updated));
  }

  @Delete(':clientId')
  @AdminChange(
    'clients.delete',
    'Remove a client, revoke its grants and delete its Shared Signals streams (If-Match required)',
    AdminClientRemovedDto,
    CLIENT_ID,
  )
  async remove(@Param('clientId') clientId: string, @Exchange() admin: AdminExchange) {
    const revision = await this.revisionMatching(clientId, admin);
    return clientRemovedJson(clientId, await this.clients.remove(clientId, admin.call, revision));
  }

  @Put(':clientId/jwks')
  @AdminChange(
    'clients.set_jwks',
    "Replace a private_key_jwt client's keys (If-Match required)",
    AdminClientDto,
    CLIENT_ID,
  )
  async setKeys(
    @Param('clientId') clientId: string,
    @Body() body: ClientKeysDto,
    @Exchange() admin: AdminExchange,
  ) {
    if ((body.jwks === undefined) === (body.jwks_uri === undefined)) {
      throw new InvalidRequest('give exactly one of jwks and jwks_uri');
    }
    const keys: NewKeys =
      body.jwks !== undefined ? { jwks: body.jwks } : { jwksUri: body.jwks_uri as string };
    const revision = await this.revisionMatching(clientId, admin);
    const changed = await this.clients.setKeys(clientId, keys, admin.call, revision);
    return admin.tagged(clientJson(changed));
  }

  @Post(':clientId/secrets')
  @AdminCreate(
    'clients.add_secret',
    "A new secret for a confidential client, its value answered here once; the previous one keeps working previous_expires_in seconds (If-Match: the secrets list's ETag)",
    AdminAddedSecretDto,
    CLIENT_ID,
  )
  @ApiHeader(IF_MATCH)
  async addSecret(
    @Param('clientId') clientId: string,
    @Body() body: NewSecretDto,
    @Exchange() admin: AdminExchange,
  ) {
    // A retry after a lost answer finds the list changed (412), never makes a second secret
    // that would end the first one's overlap. The rotation is made on the secrets as read with
    // the tag (a compare-and-set): of two made with one ETag, one adds its secret, the other 412.
    const { secrets: current, read } = await this.clients.secretsRead(clientId);
    admin.ifMatch(current.map(secretJson));
    const { previous_expires_in: previousExpiresIn } = body;
    const added = await this.clients.addSecret(
      clientId,
      previousExpiresIn === undefined ? {} : { previousExpiresIn },
      admin.call,
      read,
    );
    admin.locate('clients', clientId, 'secrets');
    const secrets = admin.tagged(added.secrets.map(secretJson));
    return { id: added.id, secret: added.secret, created_at: added.createdAt, secrets };
  }

  @Get(':clientId/secrets')
  @AdminRead(
    'clients.secrets',
    "A confidential client's secrets, newest first: id, created_at, expires_at and expired, never a value (ETag for a rotation)",
    AdminSecretListDto,
    CLIENT_ID,
  )
  async secrets(@Param('clientId') clientId: string, @Exchange() admin: AdminExchange) {
    // At most two: one page.
    return { items: admin.tagged(await this.secretList(clientId)), next: null };
  }

  private async secretList(clientId: string) {
    return (await this.clients.listSecrets(clientId)).map(secretJson);
  }

  @Post('prune')
  @AdminAction(
    'clients.prune',
    'Delete expired self-registered clients (and, with unused_days, those unused that long)',
    AdminPruneResultDto,
  )
  async prune(@Body() body: PruneDto, @Exchange() admin: AdminExchange) {
    const dryRun = body.dry_run === true;
    const { unused_days: unusedDays } = body;
    const { clients, grantsRevoked } = await this.clients.prune(
      { dryRun, ...(unusedDays === undefined ? {} : { unusedDays }) },
      admin.call,
    );
    return {
      dry_run: dryRun,
      clients: clients.map((client) => client.clientId),
      grants_revoked: grantsRevoked,
    };
  }
}
