import { Injectable } from '@nestjs/common';
import type { ValidateFunction } from 'ajv';
import { OAuthConfig } from '../../config/sections/oauth.config';
import type { OAuthClient } from '../../clients/oauth-client';
import {
  type AuthorizationDetail,
  isSubsetOfGranted,
  parseAuthorizationDetails,
  renderAuthorizationDetail,
} from '../../protocol-rules/authorization-details';
import { compileDetailSchema } from '../../config/authorization-details-types';
import { InvalidAuthorizationDetails } from './authorization-details.errors';

/** An authorization detail and its type's template filled in, for a person to read. */
export interface RenderedAuthorizationDetail {
  readonly detail: AuthorizationDetail;
  readonly text: string;
}

/**
 * RFC 9396 rich authorization requests: the `authorization_details` a client asks for, checked
 * against the operator's types (AUTHORIZATION_DETAILS_TYPES), each object by its type's JSON
 * Schema, and rendered by its template for the consent and approval pages.
 */
@Injectable()
export class AuthorizationDetailsCheck {
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly oauth: OAuthConfig) {
    for (const [type, { schema }] of Object.entries(oauth.authorizationDetailsTypes)) {
      this.validators.set(type, compileDetailSchema(schema));
    }
  }

  /** RFC 9396 §10 `authorization_details_types_supported`. */
  supportedTypes(): string[] {
    return [...this.validators.keys()];
  }

  /**
   * The request's `authorization_details` (JSON text, or a request object's array), checked for
   * `client`; undefined when the request has none. RFC 9396 §5: `invalid_authorization_details`
   * for an unknown type, an object its schema refuses, or a type the client did not register.
   */
  check(client: OAuthClient, value: unknown): AuthorizationDetail[] | undefined {
    if (value === undefined) return undefined;
    const parsed = parseAuthorizationDetails(value);
    if (!parsed.ok) throw new InvalidAuthorizationDetails(parsed.problem).because('malformed');
    for (const [index, detail] of parsed.details.entries()) {
      const validate = this.validators.get(detail.type);
      if (validate === undefined) {
        throw new InvalidAuthorizationDetails(
          `authorization_details[${index}] is of a type this server does not support`,
        ).because('unknown_type');
      }
      if (
        client.authorizationDetailsTypes !== undefined &&
        !client.authorizationDetailsTypes.includes(detail.type)
      ) {
        throw new InvalidAuthorizationDetails(
          `authorization_details[${index}] is of a type this client did not register`,
        ).because('unregistered_type');
      }
      const { type } = detail;
      if (!validate(detail)) {
        const [first] = validate.errors ?? [];
        const where = first?.instancePath ? ` at ${first.instancePath}` : '';
        throw new InvalidAuthorizationDetails(
          `authorization_details[${index}] is not a valid ${type}${where}: ${first?.message ?? 'invalid'}`,
        ).because('schema');
      }
    }
    return parsed.details;
  }

  /**
   * A narrowing of granted details (token exchange, issue #51): the objects asked for, each one
   * of those granted exactly; absent, all of them. Widening is refused.
   */
  narrow(
    client: OAuthClient,
    value: string | undefined,
    granted: readonly AuthorizationDetail[] | undefined,
  ): AuthorizationDetail[] | undefined {
    const requested = this.check(client, value);
    if (requested === undefined) return granted === undefined ? undefined : [...granted];
    if (granted === undefined || !isSubsetOfGranted(requested, granted)) {
      throw new InvalidAuthorizationDetails(
        'authorization_details may only narrow those granted: each object must be one granted',
      ).because('widened');
    }
    return requested;
  }

  /** Each detail with its type's template filled in (plain text: pages escape it). */
  render(details: readonly AuthorizationDetail[]): RenderedAuthorizationDetail[] {
    return details.map((detail) => {
      const type = this.oauth.authorizationDetailsTypes[detail.type];
      return {
        detail,
        text:
          type === undefined
            ? JSON.stringify(detail)
            : renderAuthorizationDetail(type.template, detail),
      };
    });
  }
}
