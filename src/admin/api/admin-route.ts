import { applyDecorators, Header, SetMetadata, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiHeader, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { ADMIN_READ, ADMIN_WRITE } from '../../protocol-rules/admin-scopes';
import { ApiBearerProtected } from '../../platform/openapi/api-decorators';
import { ErrorResponseDto } from '../../platform/openapi/error-response.dto';
import { AdminApiGuard } from './admin-api.guard';
import { ADMIN_ROUTE, type AdminRouteSpec } from './admin-route-spec';
export type { AdminApiRequest } from './admin-route-spec';
import { AdminErrorsInterceptor } from './admin-errors.interceptor';

function adminRoute(spec: AdminRouteSpec) {
  return applyDecorators(
    SetMetadata(ADMIN_ROUTE, spec),
    // What an admin answers is the service's state of the moment, for this caller only.
    Header('Cache-Control', 'no-store'),
    UseGuards(AdminApiGuard),
    UseInterceptors(AdminErrorsInterceptor),
    ApiBearerProtected({
      unauthorized:
        'No token, or one that is not a live admin API token (WWW-Authenticate: Bearer)',
      forbidden: `insufficient_scope: the call needs ${spec.scope}`,
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

/** A read of the admin API: `admin:read`. */
export const AdminRead = (action: string) => adminRoute({ action, scope: ADMIN_READ });
/** A change through the admin API: `admin:write`, recorded on the audit trail by its service. */
export const AdminWrite = (action: string) => adminRoute({ action, scope: ADMIN_WRITE });
