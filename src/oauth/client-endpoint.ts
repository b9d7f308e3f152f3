import {
  Controller,
  Header,
  HttpCode,
  Post,
  type Type,
  UseGuards,
  applyDecorators,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequireContentType } from '../platform/http/require-content-type.guard';
import { ApiClientAuthenticatedForm, FORM } from '../platform/openapi/api-decorators';
import { RateLimit } from '../platform/rate-limit/rate-limit';
import { CLIENT_ENDPOINT_LIMITS } from './oauth.rate-limits';

/**
 * The controller of an endpoint a client authenticates to (RFC 6749 §2.3) at `path`: /token and
 * the endpoints counted like it (/par, /device_authorization, /backchannel, /introspect,
 * /revoke), each charged per IP and per claimed client before the client is proven.
 */
export function ClientEndpoint(path: string): ClassDecorator {
  return applyDecorators(
    RateLimit('closed', ...CLIENT_ENDPOINT_LIMITS),
    ApiTags('oauth'),
    Controller(path),
  );
}

/** A client endpoint's one POST: its OpenAPI description and how it answers. */
export interface ClientFormPostOptions {
  readonly summary: string;
  readonly response: Type<unknown>;
  /** 200 unless the endpoint creates something (RFC 9126 §2.2: 201). */
  readonly status?: number;
  /**
   * The request's name (`The token request`): a body of another type than the form is refused
   * with 400 invalid_request before it is read. Every client endpoint's RFC names the form
   * alone (RFC 6749 §3.2, 7009 §2.1, 7662 §2.1, 8628 §3.1, 9126 §2.1, CIBA §7.1).
   */
  readonly formOnly: string;
}

/**
 * The POST of a client endpoint: form-encoded, documented with client authentication and the
 * error answers, and never cached (RFC 6749 §5.1: Cache-Control no-store).
 */
export function ClientFormPost(options: ClientFormPostOptions): MethodDecorator {
  const { summary, response, status = 200, formOnly } = options;
  return applyDecorators(
    Post(),
    ApiClientAuthenticatedForm(summary, response),
    UseGuards(
      new RequireContentType(FORM, `${formOnly} must be application/x-www-form-urlencoded`),
    ),
    HttpCode(status),
    Header('Cache-Control', 'no-store'),
  );
}
