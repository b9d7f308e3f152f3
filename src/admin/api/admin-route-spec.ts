import type { ExecutionContext } from '@nestjs/common';
import type { HttpRequest } from '../../platform/http/http-exchange';
import { perMinute } from '../../platform/rate-limit/rate-limit';
import type { AdminScope } from '../../protocol-rules/admin-scopes';
import type { AdminCall } from '../audit/admin-audit';

/** What an admin API route is: its action's name (audit, metrics) and the scope it needs. */
export interface AdminRouteSpec {
  readonly action: string;
  readonly scope: AdminScope;
}

export const ADMIN_ROUTE = 'proofgate:admin-route';

/** Admin API calls per minute per IP, refused ones included. */
export const ADMIN_API_PER_IP = perMinute('admin-api-ip', (limits) => limits.adminApiPerIp);
/** Admin API calls per minute per admin client, counted once its token is checked. */
export const ADMIN_API_PER_CLIENT = perMinute(
  'admin-api-client',
  (limits) => limits.adminApiPerClient,
);

export function routeOf(context: ExecutionContext): AdminRouteSpec | undefined {
  return Reflect.getMetadata(ADMIN_ROUTE, context.getHandler()) as AdminRouteSpec | undefined;
}

/** A request the guard let through: who calls, for the services' audit records. */
export type AdminApiRequest = HttpRequest & { adminCall: AdminCall };
