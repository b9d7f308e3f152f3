import { type DynamicModule, Module } from '@nestjs/common';
import type { GrantTypeRules } from '../../protocol-rules/grant-types';

/**
 * The grant types a client may register and what each commits it to (RFC 7591 §2.1): the table
 * the token endpoint's grant list derives from its grants (GRANT_TYPE_RULES in
 * oauth/token/token-grants.ts). clients/ may not import oauth/, so the table is handed down:
 * the module that has the grants provides it (`RegistrableGrantTypesModule.forRules`).
 */
export abstract class RegistrableGrantTypes {
  abstract readonly rules: GrantTypeRules;
}

/**
 * Provides RegistrableGrantTypes to every module of the application (registration, client ID
 * metadata documents, the configured clients' check at start), once, from the grants' table.
 */
@Module({})
export class RegistrableGrantTypesModule {
  static forRules(rules: GrantTypeRules): DynamicModule {
    const provided: RegistrableGrantTypes = { rules };
    return {
      module: RegistrableGrantTypesModule,
      global: true,
      providers: [{ provide: RegistrableGrantTypes, useValue: provided }],
      exports: [RegistrableGrantTypes],
    };
  }
}
