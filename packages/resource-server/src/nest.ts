import {
  HttpException,
  createParamDecorator,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import type { VerifiedClaims } from './claims';
import { ResourceServer, type Requirements, type ResourceServerOptions } from './resource-server';

/** Where the guard leaves the verified claims on the request. */
const CLAIMS = Symbol('proofgate.claims');

/** What the guard needs of a request and a response: Express's and Fastify's both have it. */
interface GuardedRequest {
  method?: string;
  url?: string;
  originalUrl?: string;
  headers: IncomingHttpHeaders;
  /** Express's request is Node's own; Fastify's has Node's as `raw`. */
  rawHeaders?: readonly string[];
  raw?: { rawHeaders?: readonly string[] };
  [CLAIMS]?: VerifiedClaims;
}
interface GuardedResponse {
  header(name: string, value: string): unknown;
}

/** The requirements declared on a controller class or a handler. */
const declared = new WeakMap<object, Requirements>();

type RouteDecorator = ClassDecorator & MethodDecorator;

function declare(add: Requirements): RouteDecorator {
  return ((
    target: object,
    _key?: string | symbol,
    descriptor?: TypedPropertyDescriptor<object>,
  ) => {
    const holder = descriptor?.value ?? target;
    const had = declared.get(holder) ?? {};
    declared.set(holder, {
      ...had,
      ...add,
      scopes: [...(had.scopes ?? []), ...(add.scopes ?? [])],
    });
  }) as RouteDecorator;
}

/** The token must carry every one of these scopes (on a controller: each of its routes). */
export const RequireScopes = (...scopes: string[]): RouteDecorator => declare({ scopes });

/**
 * The sign-in behind the token must reach this `acr` (RFC 9470), and, with `maxAge`, be at most
 * that many seconds old; a handler's overrides its controller's.
 */
export const RequireAcr = (acr: string, options: { maxAge?: number } = {}): RouteDecorator =>
  declare({ acr, ...(options.maxAge === undefined ? {} : { maxAge: options.maxAge }) });

/** The verified access token's claims, in a handler behind ResourceServerGuard. */
export const Claims = createParamDecorator(
  (_data: unknown, context: ExecutionContext): VerifiedClaims | undefined =>
    context.switchToHttp().getRequest<GuardedRequest>()[CLAIMS],
);

/**
 * The NestJS face: a guard over the same core as createResourceServer. A refusal is thrown as an
 * HttpException whose body is `{ error, error_description }`, its `WWW-Authenticate` (and
 * `DPoP-Nonce`) set on the response first. `@UseGuards(new ResourceServerGuard(options))` on a
 * controller or a handler, or `app.useGlobalGuards(...)`.
 */
export class ResourceServerGuard implements CanActivate {
  readonly core: ResourceServer;

  constructor(options: ResourceServerOptions | ResourceServer) {
    this.core = options instanceof ResourceServer ? options : new ResourceServer(options);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<GuardedRequest>();
    const verdict = await this.core.authenticate(
      {
        method: request.method,
        url: request.originalUrl ?? request.url,
        headers: request.headers,
        rawHeaders: request.rawHeaders ?? request.raw?.rawHeaders,
      },
      requirementsOf(context),
    );
    const response = http.getResponse<GuardedResponse>();
    for (const [name, value] of Object.entries(verdict.headers)) response.header(name, value);
    if (!verdict.ok) throw new HttpException(verdict.body, verdict.status);
    request[CLAIMS] = verdict.claims;
    return true;
  }
}

/** The controller's requirements, the handler's on top (its `acr` and `maxAge` win). */
function requirementsOf(context: ExecutionContext): Requirements {
  const onClass = declared.get(context.getClass()) ?? {};
  const onHandler = declared.get(context.getHandler()) ?? {};
  return {
    ...onClass,
    ...onHandler,
    scopes: [...(onClass.scopes ?? []), ...(onHandler.scopes ?? [])],
  };
}
