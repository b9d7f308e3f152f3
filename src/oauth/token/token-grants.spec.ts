import { Body, Controller, Injectable, Post } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { ClientAuthenticator } from '../../clients/client-authenticator';
import { ClientRegistry } from '../../clients/client-registry.service';
import type { OAuthClient } from '../../clients/oauth-client';
import { ServerConfig } from '../../config/sections/server.config';
import { InvalidRequest } from '../../platform/errors/protocol-error';
import { createOpenApiDocument } from '../../platform/openapi/openapi';
import { RequestValidationPipe } from '../../platform/validation/validation.pipe';
import { parseClientMetadata } from '../../clients/registration/client-metadata';
import { RegistrableGrantTypes } from '../../clients/registration/registrable-grant-types';
import { configuredClientGrantProblems } from '../../clients/configured-client-grants';
import { InvalidClientMetadata } from '../../platform/errors/protocol-error';
import { DpopProofVerifier } from '../../tokens/dpop/dpop-proof.verifier';
import type { TokenResponse } from '../../tokens/grants/grant-token.issuer';
import { ClientBudget, ClientCharge } from '../client-budget';
import { type GrantEntry, GrantHandler, type TokenRequest, grantParameter } from './grant';
import {
  ADVERTISED_GRANT_TYPES,
  GRANTS,
  GRANT_PROOFS,
  GRANT_TYPE_RULES,
  SUPPORTED_GRANT_TYPES,
  advertisedGrantTypes,
  grantProviders,
  grantTypeRules,
  supportedGrantTypes,
} from './token-grants';
import { tokenRequestDto } from './token-request.dto';
import { TokenEndpoint } from './token.endpoint';
import { MACHINE_GRANT_RULE } from '../../protocol-rules/grant-types';

/*
 * A grant declared the way a grant file declares one (its parameters, its handler, its entry),
 * added to the list and to nothing else: every piece the token endpoint derives from the list
 * must then take it in.
 */
const TINY_GRANT_TYPE = 'urn:example:params:oauth:grant-type:tiny';

const PARAMETERS = {
  tiny_code: grantParameter({ description: 'tiny: the code to redeem', example: 'tiny-123' }),
};

@Injectable()
class TinyGrant extends GrantHandler<typeof PARAMETERS> {
  handle(client: OAuthClient, request: TokenRequest<typeof PARAMETERS>): Promise<TokenResponse> {
    if (request.tiny_code === undefined) throw new InvalidRequest('tiny_code is required');
    return Promise.resolve({
      access_token: `${client.clientId}:${request.tiny_code}`,
      token_type: 'Bearer',
      expires_in: 60,
      scope: 'api',
    });
  }
}

const TINY_GRANT: GrantEntry<typeof TINY_GRANT_TYPE, typeof PARAMETERS> = {
  type: TINY_GRANT_TYPE,
  parameters: PARAMETERS,
  advertised: true,
  registration: MACHINE_GRANT_RULE,
  handler: TinyGrant,
};

const WITH_TINY = [...GRANTS, TINY_GRANT] as const;

/** The request DTO the list with the tiny grant gives, as the token controller takes its own. */
class TokenRequestWithTinyDto extends tokenRequestDto(WITH_TINY) {}

@Controller('token')
class TokenControllerWithTiny {
  @Post()
  token(@Body() request: TokenRequestWithTinyDto): TokenRequestWithTinyDto {
    return request;
  }
}

const client = (grantTypes: string[]): OAuthClient => ({
  clientId: 'tiny-client',
  type: 'confidential',
  name: 'Tiny client',
  redirectUris: [],
  grantTypes,
});

/** The token endpoint over `grants`, its collaborators answering for `authenticated`. */
async function tokenEndpoint(grants: readonly GrantEntry[], authenticated: OAuthClient) {
  const moduleRef = await Test.createTestingModule({
    providers: [
      TokenEndpoint,
      ...grantProviders(grants),
      { provide: ClientAuthenticator, useValue: { authenticate: () => authenticated } },
      {
        provide: ClientBudget,
        useValue: { chargeFor: () => new ClientCharge(() => Promise.resolve()) },
      },
      { provide: ClientRegistry, useValue: { recordUse: () => Promise.resolve() } },
      { provide: DpopProofVerifier, useValue: {} },
      { provide: ServerConfig, useValue: { issuer: 'https://as.example' } },
      { provide: RegistrableGrantTypes, useValue: { rules: grantTypeRules(grants) } },
    ],
  }).compile();
  return moduleRef.get(TokenEndpoint);
}

describe('the grant list: a grant declared in its own file and named in GRANTS', () => {
  it('is routed: the token endpoint hands its grant_type to its handler, for a client registered for it', async () => {
    const endpoint = await tokenEndpoint([TINY_GRANT], client([TINY_GRANT_TYPE]));
    const answer = await endpoint.handle(
      { grant_type: TINY_GRANT_TYPE, tiny_code: 'c0de' } as TokenRequestWithTinyDto,
      undefined,
      '192.0.2.1',
    );
    expect(answer.tokens).toEqual({
      access_token: 'tiny-client:c0de',
      token_type: 'Bearer',
      expires_in: 60,
      scope: 'api',
    });
  });

  it('is refused to a client not registered for it, and unknown without its line', async () => {
    const unregistered = await tokenEndpoint([TINY_GRANT], client(['client_credentials']));
    await expect(
      unregistered.handle({ grant_type: TINY_GRANT_TYPE }, undefined, '192.0.2.1'),
    ).rejects.toMatchObject({
      error: 'unauthorized_client',
      description: `The client is not registered for the ${TINY_GRANT_TYPE} grant type`,
    });
    const withoutIt = await tokenEndpoint([], client([TINY_GRANT_TYPE]));
    await expect(
      withoutIt.handle({ grant_type: TINY_GRANT_TYPE }, undefined, '192.0.2.1'),
    ).rejects.toMatchObject({
      error: 'unsupported_grant_type',
      description: `Unsupported grant_type: ${TINY_GRANT_TYPE.slice(0, 40)}`,
    });
  });

  it('is registrable by its own rules: POST /register and client ID metadata documents take it, the configured clients too', () => {
    const rules = grantTypeRules(WITH_TINY);
    const register = (body: object, method: 'none' | 'client_secret_basic') =>
      parseClientMetadata(body, method, {
        production: false,
        grantTypeRules: rules,
        declaredScopes: new Set(),
      });
    expect(register({ grant_types: [TINY_GRANT_TYPE] }, 'client_secret_basic')).toMatchObject({
      grantTypes: [TINY_GRANT_TYPE],
      redirectUris: [],
      responseTypes: [],
    });
    // Its rules: for a client that authenticates only, and with no redirect URI.
    expect(() => register({ grant_types: [TINY_GRANT_TYPE] }, 'none')).toThrow(
      new InvalidClientMetadata(
        `grant_types ${TINY_GRANT_TYPE} is for confidential clients only: a public client (token_endpoint_auth_method "none") cannot use it`,
      ),
    );
    const configured = (redirectUris: string[]) => ({
      clients: [
        {
          clientId: 'm',
          name: 'M',
          clientSecret: 'a-secret',
          redirectUris,
          grantTypes: [TINY_GRANT_TYPE],
        },
      ],
      demoClientIds: [],
    });
    expect(configuredClientGrantProblems(configured([]), rules)).toEqual([]);
    expect(configuredClientGrantProblems(configured(['https://m.example/cb']), rules)).toEqual([
      'OAUTH_CLIENTS[0].redirect_uris must be empty: none of the grant types uses the authorization endpoint',
    ]);
    // Without its line, no client may register it.
    expect(() =>
      parseClientMetadata({ grant_types: [TINY_GRANT_TYPE] }, 'client_secret_basic', {
        production: false,
        grantTypeRules: GRANT_TYPE_RULES,
        declaredScopes: new Set(),
      }),
    ).toThrow(/^grant_types may contain only /);
  });

  it('is advertised in grant_types_supported (RFC 8414 §2) unless it says otherwise', () => {
    expect(advertisedGrantTypes(WITH_TINY)).toEqual([...ADVERTISED_GRANT_TYPES, TINY_GRANT_TYPE]);
    expect(advertisedGrantTypes([...GRANTS, { ...TINY_GRANT, advertised: false }])).toEqual(
      ADVERTISED_GRANT_TYPES,
    );
    expect(supportedGrantTypes(WITH_TINY)).toEqual([...SUPPORTED_GRANT_TYPES, TINY_GRANT_TYPE]);
  });

  it('is documented in the OpenAPI document: its grant_type and its parameters, beside every other grant', async () => {
    // The document as the service builds it (createOpenApiDocument), from the controller's DTO.
    const moduleRef = await Test.createTestingModule({
      controllers: [TokenControllerWithTiny],
      providers: [{ provide: ServerConfig, useValue: { issuer: 'https://as.example' } }],
    }).compile();
    const nest = moduleRef.createNestApplication(new FastifyAdapter(), { logger: false });
    try {
      const document = createOpenApiDocument(nest);
      const schema = document.components!.schemas!.TokenRequestWithTinyDto as {
        properties: Record<string, { type?: string; enum?: string[]; description?: string }>;
        required: string[];
      };
      expect(schema.required).toEqual(['grant_type']);
      expect(schema.properties.grant_type.enum).toEqual([
        ...SUPPORTED_GRANT_TYPES,
        TINY_GRANT_TYPE,
      ]);
      expect(schema.properties.tiny_code).toEqual({
        type: 'string',
        description: 'tiny: the code to redeem',
        example: 'tiny-123',
      });
      for (const grant of GRANTS) {
        for (const name of Object.keys(grant.parameters)) {
          expect({ name, type: schema.properties[name]?.type }).toEqual({ name, type: 'string' });
        }
      }
    } finally {
      await nest.close();
    }
  });

  it.each([
    ['compiled', new RequestValidationPipe()],
    ['class-validator', new RequestValidationPipe({ compiled: false })],
  ])(
    'has its parameters read and validated by the one validation pipe (%s path)',
    async (_, pipe) => {
      const metadata = { type: 'body' as const, metatype: TokenRequestWithTinyDto };
      const read = (await pipe.transform(
        { grant_type: TINY_GRANT_TYPE, tiny_code: 'c0de', code: 'abc', unknown: 'dropped' },
        metadata,
      )) as Record<string, unknown>;
      expect(read).toBeInstanceOf(TokenRequestWithTinyDto);
      expect({ ...read }).toEqual({ grant_type: TINY_GRANT_TYPE, tiny_code: 'c0de', code: 'abc' });
      // RFC 6749 §3.1: a parameter sent without a value is omitted.
      const empty = (await pipe.transform(
        { grant_type: TINY_GRANT_TYPE, tiny_code: '' },
        metadata,
      )) as Record<string, unknown>;
      expect(empty.tiny_code).toBeUndefined();
      for (const value of [12345, { fuzz: 'fuzz' }]) {
        await expect(
          pipe.transform({ grant_type: TINY_GRANT_TYPE, tiny_code: value }, metadata),
        ).rejects.toThrow(new InvalidRequest('Parameter tiny_code is malformed'));
      }
      await expect(
        pipe.transform({ grant_type: TINY_GRANT_TYPE, tiny_code: ['a', 'b'] }, metadata),
      ).rejects.toThrow(new InvalidRequest('Parameter tiny_code must not be repeated'));
    },
  );

  it('refuses a parameter declared twice, and a grant type declared twice', () => {
    const twin = {
      ...TINY_GRANT,
      type: 'urn:example:twin',
      parameters: { code: PARAMETERS.tiny_code },
    };
    expect(() => tokenRequestDto([...GRANTS, twin])).toThrow(
      'The token request parameter code is declared twice (urn:example:twin)',
    );
    expect(() =>
      tokenRequestDto([{ ...TINY_GRANT, parameters: { scope: PARAMETERS.tiny_code } }]),
    ).toThrow('The token request parameter scope is declared twice');
    expect(() => grantProviders([TINY_GRANT, TINY_GRANT])).toThrow(
      `Two grants declare the grant type ${TINY_GRANT_TYPE}`,
    );
  });
});

describe('the grant list as the service has it', () => {
  it("gives the rules of registering each grant (GRANT_TYPE_RULES) from the grant's own entry, for each grant and no other", () => {
    expect(Object.keys(GRANT_TYPE_RULES)).toEqual(SUPPORTED_GRANT_TYPES);
    for (const grant of GRANTS) expect(GRANT_TYPE_RULES[grant.type]).toBe(grant.registration);
  });

  it("says whose proof a grant's redemption is in one place (its entry): the code exchange PKCE's, a device code's the device model's but for the polls told to wait, no other grant a model's", () => {
    expect([...GRANT_PROOFS]).toEqual([
      ['authorization_code', { model: 'pkce' }],
      [
        'urn:ietf:params:oauth:grant-type:device_code',
        { model: 'device', waits: ['authorization_pending', 'slow_down'] },
      ],
    ]);
  });
});
