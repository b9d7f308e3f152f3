import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminConsoleConfig } from '../../config/sections/admin-console.config';
import { ServerConfig } from '../../config/sections/server.config';
import { NotFound } from '../../platform/errors/protocol-error';
import { ENGLISH_ONLY, escapeHtml, renderPage } from '../../platform/http/html';
import { ApiHtmlPage } from '../../platform/openapi/api-decorators';
import { SECURITY_EVENT_TYPES } from '../../telemetry/security-events/security-event.log';
import {
  ADMIN_CONSOLE_CLIENT_ID,
  adminApiAudience,
  adminConsoleRedirectUri,
} from '../../protocol-rules/admin-scopes';

/** The console's script: a client of the admin API, run in the operator's browser. */
export const ADMIN_CONSOLE_SCRIPT = '/static/admin-console.js';

/** What the page's script reads from it: the client it is, and what it asks for. */
function consolePage(issuer: string, maxAuthAgeSeconds: number): string {
  const data = {
    issuer,
    'client-id': ADMIN_CONSOLE_CLIENT_ID,
    'redirect-uri': adminConsoleRedirectUri(issuer),
    resource: adminApiAudience(issuer),
    'max-age': String(maxAuthAgeSeconds),
    // The security events page's filter: the types the admin API takes, from their one list.
    'security-event-types': SECURITY_EVENT_TYPES.join(' '),
  };
  const attributes = Object.entries(data)
    .map(([name, value]) => `data-${name}="${escapeHtml(value)}"`)
    .join(' ');
  return renderPage({
    title: 'Admin console',
    locale: ENGLISH_ONLY,
    wide: true,
    scripts: [ADMIN_CONSOLE_SCRIPT],
    body: `<div id="admin-console" ${attributes}>
<h1>Admin console</h1>
<p class="muted" id="console-status">Loading…</p>
<div id="console-signed-out" hidden>
<p>Operators sign in with a passkey: the console gets a short admin token, bound to a key of this
browser page, and keeps it in memory only.</p>
<p><button type="button" id="console-sign-in">Sign in with a passkey</button></p>
<p class="error" id="console-error" role="alert" hidden></p>
</div>
<div id="console-signed-in" hidden>
<nav class="console-tabs" aria-label="Console pages">
<a href="#overview" data-page="overview">Overview</a>
<a href="#users" data-page="users">Users and accounts</a>
<a href="#clients" data-page="clients">Clients</a>
<a href="#keys" data-page="keys">Keys</a>
<a href="#grants" data-page="grants">Grants and sessions</a>
<a href="#security" data-page="security">Security events</a>
<a href="#audit" data-page="audit">Audit</a>
</nav>
<p class="error" id="console-alert" role="alert" hidden></p>
<section id="console-page" aria-live="polite"></section>
</div>
</div>`,
  });
}

/**
 * `/admin`: the admin console (issue #77), a page of the service whose script is a client of the
 * admin API (proofgate-console: code + PKCE, DPoP, an operator's passkey). The page itself holds
 * nothing: every action is an admin API call the browser makes with the operator's token. Served
 * with every page's Content-Security-Policy and anti-framing headers; 404 with ADMIN_CONSOLE=false.
 */
@ApiTags('pages')
@Controller('admin')
export class ConsolePageController {
  constructor(
    private readonly console: AdminConsoleConfig,
    private readonly server: ServerConfig,
  ) {}

  // `/admin` and `/admin/` alike (the server ignores a trailing slash); the redirect URI is the latter.
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'The admin console: a client of the admin API, for operators' })
  @ApiHtmlPage()
  page(): string {
    if (!this.console.enabled) throw new NotFound('There is no admin console here');
    return consolePage(this.server.issuer, this.console.maxAuthAgeSeconds);
  }
}
