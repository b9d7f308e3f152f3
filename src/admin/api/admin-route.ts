import {
  applyDecorators,
  Header,
  HttpCode,
  SetMetadata,
  type Type,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  type ApiParamOptions,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { ADMIN_READ, ADMIN_WRITE } from '../../protocol-rules/admin-scopes';
import { ApiBearerProtected } from '../../platform/openapi/api-decorators';
import { ErrorResponseDto } from '../../platform/openapi/error-response.dto';
import { AdminApiGuard } from './admin-api.guard';
import { ADMIN_CHALLENGE, IF_MATCH } from './admin-openapi';
import { ADMIN_ROUTE, type AdminRouteSpec } from './admin-route-spec';
import { AdminErrorsInterceptor } from './admin-errors.interceptor';

/** How a route answers: its status, and whether a change must name the version it read. */
interface AdminAnswer {
  readonly status: 200 | 201;
  /** RFC 9110 §13.1.1: the change of one resource needs If-Match (checkIfMatch). */
  readonly ifMatch: boolean;
}

function adminRoute(
  spec: AdminRouteSpec,
  answer: AdminAnswer,
  summary: string,
  type: Type<unknown>,
  params: readonly ApiParamOptions[],
) {
  return applyDecorators(
    SetMetadata(ADMIN_ROUTE, spec),
    HttpCode(answer.status),
    // What an admin answers is the service's state of the moment, for this caller only.
    Header('Cache-Control', 'no-store'),
    UseGuards(AdminApiGuard),
    UseInterceptors(AdminErrorsInterceptor),
    ApiOperation({ summary }),
    answer.status === 201 ? ApiCreatedResponse({ type }) : ApiOkResponse({ type }),
    ...params.map((param) => ApiParam(param)),
    ...(answer.ifMatch ? [ApiHeader(IF_MATCH)] : []),
    ApiBearerProtected({
      unauthorized:
        'No token, or one that is not a live admin API token (WWW-Authenticate: Bearer)',
      forbidden: `insufficient_scope: the call needs ${spec.scope}`,
      challenge: ADMIN_CHALLENGE,
    }),
    ApiTooManyRequestsResponse({ type: ErrorResponseDto }),
    ApiHeader({
      name: 'X-Request-Id',
      required: false,
      description:
        'Up to 128 characters of [A-Za-z0-9._:-]: recorded on the audit trail and answered back; ' +
        'one is made when absent',
      example: 'deploy-42-users',
    }),
  );
}

/** The decorator of an admin API route: its action's name, summary, answer and path parameters. */
type AdminRouteDecorator = (
  action: string,
  summary: string,
  type: Type<unknown>,
  ...params: ApiParamOptions[]
) => ReturnType<typeof applyDecorators>;

function routes(scope: AdminRouteSpec['scope'], answer: AdminAnswer): AdminRouteDecorator {
  return (action, summary, type, ...params) =>
    adminRoute({ action, scope }, answer, summary, type, params);
}

/** A read of the admin API: `admin:read`, `200`. */
export const AdminRead = routes(ADMIN_READ, { status: 200, ifMatch: false });
/**
 * The writes, `admin:write`, each recorded on the audit trail by its service: a new resource
 * (`201`), a change of one resource as read (If-Match required), and an action on a collection
 * (`200`, no If-Match: there is no one version to name).
 */
export const AdminCreate = routes(ADMIN_WRITE, { status: 201, ifMatch: false });
export const AdminChange = routes(ADMIN_WRITE, { status: 200, ifMatch: true });
export const AdminAction = routes(ADMIN_WRITE, { status: 200, ifMatch: false });
