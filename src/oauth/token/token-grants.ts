import type { Provider, Type } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import type { GrantTypeRules } from '../../protocol-rules/grant-types';
import type { GrantEntry, GrantHandler, GrantProof } from './grant';
import { AUTHORIZATION_CODE_GRANT } from './grants/authorization-code.grant';
import { CIBA_GRANT } from './grants/ciba.grant';
import { CLIENT_CREDENTIALS_GRANT } from './grants/client-credentials.grant';
import { DEVICE_CODE_GRANT } from './grants/device-code.grant';
import { JWT_BEARER_GRANT } from './grants/jwt-bearer/jwt-bearer.grant';
import { REFRESH_TOKEN_GRANT } from './grants/refresh-token.grant';
import { TOKEN_EXCHANGE_GRANT } from './grants/token-exchange/token-exchange.grant';

/**
 * Every grant the token endpoint answers, one line each, in the order the metadata lists them.
 * Each is declared in its own file (`GrantEntry`); the endpoint's routes, the module's providers,
 * the request DTO's parameters (and so the OpenAPI document), `grant_types_supported` and the
 * rules of registering each (GRANT_TYPE_RULES) are derived from this list.
 */
export const GRANTS = [
  AUTHORIZATION_CODE_GRANT,
  REFRESH_TOKEN_GRANT,
  DEVICE_CODE_GRANT,
  CLIENT_CREDENTIALS_GRANT,
  TOKEN_EXCHANGE_GRANT,
  JWT_BEARER_GRANT,
  CIBA_GRANT,
] as const satisfies readonly GrantEntry[];

/** The grant types of `grants`, in their order. */
export function supportedGrantTypes(grants: readonly GrantEntry[]): string[] {
  return grants.map((grant) => grant.type);
}

/** RFC 8414 §2 `grant_types_supported`: the grant types of `grants` the metadata names. */
export function advertisedGrantTypes(grants: readonly GrantEntry[]): string[] {
  return grants.filter((grant) => grant.advertised).map((grant) => grant.type);
}

/** What registering each of `grants` commits a client to, by grant type, in their order. */
export function grantTypeRules(grants: readonly GrantEntry[]): GrantTypeRules {
  return Object.fromEntries(grants.map((grant) => [grant.type, grant.registration]));
}

/** The grant types the token endpoint has a handler for (its metrics' labels, the DTO's enum). */
export const SUPPORTED_GRANT_TYPES = supportedGrantTypes(GRANTS);

/**
 * The rules of registering each grant (RFC 7591 §2.1), for what checks a client's `grant_types`
 * below oauth/: POST /register and client ID metadata documents (clients/), the OAUTH_CLIENTS check
 * at start and the admin CLI. OAuthModule hands it to them (RegistrableGrantTypesModule).
 */
export const GRANT_TYPE_RULES = grantTypeRules(GRANTS);

/** Whose proof a redemption of each grant type is, for the grants that are a model's proof. */
export function grantProofs(grants: readonly GrantEntry[]): ReadonlyMap<string, GrantProof> {
  return new Map(
    grants.flatMap((grant) => (grant.proof === undefined ? [] : [[grant.type, grant.proof]])),
  );
}

/** The proofs of the token endpoint's grants (its traces, and ProofVerified at each answer). */
export const GRANT_PROOFS = grantProofs(GRANTS);

/** The metadata's `grant_types_supported`. */
export const ADVERTISED_GRANT_TYPES = advertisedGrantTypes(GRANTS);

/** The registered grants' handlers, looked up by the `grant_type` a request names. */
export class TokenGrants {
  constructor(private readonly handlers: ReadonlyMap<string, GrantHandler>) {}

  /** The handler of `grantType`; undefined for a grant type no grant has. */
  handlerFor(grantType: string): GrantHandler | undefined {
    return this.handlers.get(grantType);
  }
}

/** The Nest wiring of `grants`: each handler, and the lookup built from them. */
export function grantProviders(grants: readonly GrantEntry[]): Provider[] {
  const types = supportedGrantTypes(grants);
  const twice = types.find((type, index) => types.indexOf(type) !== index);
  if (twice !== undefined) throw new Error(`Two grants declare the grant type ${twice}`);
  return [
    ...grants.map((grant) => grant.handler),
    {
      provide: TokenGrants,
      inject: grants.map((grant) => grant.handler),
      useFactory: (...handlers: GrantHandler[]) =>
        new TokenGrants(new Map(types.map((type, index) => [type, handlers[index]]))),
    },
  ];
}

/** What OAuthModule provides for the token endpoint's grants. */
export const GRANT_PROVIDERS = grantProviders(GRANTS);

/**
 * Puts each grant's own parameters on the request DTO `dto`, as if declared there: their rules
 * for the validation pipe (which keeps only the parameters a DTO declares, RFC 6749 §3.2) and
 * their OpenAPI entries. A parameter two grants declare, or one the DTO has already, is refused:
 * one name, one rule and one description.
 */
export function withGrantParameters<Dto extends Type<unknown>>(
  dto: Dto,
  grants: readonly GrantEntry[],
): Dto {
  const prototype = dto.prototype as object;
  const declared = new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(dto, '', true, false)
      .map((rule) => rule.propertyName),
  );
  for (const grant of grants) {
    for (const [name, parameter] of Object.entries(grant.parameters)) {
      if (declared.has(name)) {
        throw new Error(`The token request parameter ${name} is declared twice (${grant.type})`);
      }
      declared.add(name);
      // What TypeScript records for a declared `name?: string` (OpenAPI reads the type from it).
      Reflect.defineMetadata('design:type', String, prototype, name);
      parameter.decorator(prototype, name);
    }
  }
  return dto;
}
