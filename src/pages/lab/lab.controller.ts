import { Controller, Header, Post, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ChallengeModelsService } from '../../compare/challenge-models.service';
import { PageSessions } from '../../login/page-session';
import { ChallengeConfig } from '../../config/sections/challenges.config';
import { LabConfig } from '../../config/sections/lab.config';
import { ServerConfig } from '../../config/sections/server.config';
import { CSRF_HEADER, CsrfProtection } from '../../platform/csrf/csrf-protection';
import { NotFound } from '../../platform/errors/protocol-error';
import {
  type HttpRequest,
  type HttpResponse,
  cookieWriter,
} from '../../platform/http/http-exchange';
import { assertOperatorAccess } from '../../platform/http/operator-access';
import { FORM_FIELD_EXAMPLE } from '../../platform/http/form-fields';
import { ErrorResponseDto } from '../../platform/openapi/error-response.dto';
import { LabRunService } from './lab-run.service';
import { renderLabPage } from './lab.page';
import type { LabRow, LabWait } from '../../lab-client/scenarios';
import { OperatorConfig } from '../../config/sections/operator.config';
import { ParConfig } from '../../config/sections/par.config';
import { PasskeyConfig } from '../../config/sections/passkeys.config';
import { HtmlPageGet } from '../../platform/http/html-page-get';

/** One line of the streamed run (NDJSON). */
type LabEvent =
  | { event: 'row'; row: LabRow }
  | ({ event: 'wait' } & LabWait)
  | { event: 'done'; passed: boolean }
  | { event: 'failed'; message: string };

/** The attack lab in the browser: the page, and a run streamed back as NDJSON. */
@ApiTags('pages')
@Controller('lab')
export class LabController {
  constructor(
    private readonly server: ServerConfig,
    private readonly lab: LabConfig,
    private readonly operator: OperatorConfig,
    private readonly challenges: ChallengeConfig,
    private readonly par: ParConfig,
    private readonly passkeys: PasskeyConfig,
    private readonly runs: LabRunService,
    private readonly csrf: CsrfProtection,
    private readonly models: ChallengeModelsService,
    private readonly sessions: PageSessions,
  ) {}

  @HtmlPageGet({ summary: 'The attack lab page (outside production)' })
  @Header('Content-Type', 'text/html; charset=utf-8')
  async page(
    @Req() request: HttpRequest,
    @Res({ passthrough: true }) response: HttpResponse,
  ): Promise<string> {
    this.assertEnabled();
    const cookies = cookieWriter(response);
    const { authorizationCodeTtlSeconds, walletNonceTtlSeconds } = this.challenges;
    const requestUriTtlSeconds = this.par.requestUriTtlSeconds;
    return renderLabPage(this.csrf.issue(request, cookies), {
      adminTokenRequired: this.server.isProduction,
      // The run waits out the longest of the lifetimes and the recent-login window (the passkey
      // row); the others are presented meanwhile.
      waitSeconds: Math.max(
        authorizationCodeTtlSeconds,
        walletNonceTtlSeconds,
        requestUriTtlSeconds,
        this.passkeys.recentLoginSeconds,
      ),
      figures: await this.models.overview(),
      session: await this.sessions.of(request, cookies, '/lab'),
    });
  }

  /**
   * Starts a run (a POST: it changes state and holds the instance's one run slot for as long as
   * the challenge lifetimes) and streams each row as it is decided. A client that goes away
   * stops its run.
   */
  @Post('run')
  @ApiOperation({
    summary: 'Run the attack lab, streamed as NDJSON (outside production)',
    description:
      'Needs the lab page’s CSRF token in X-CSRF-Token and its cookies, and in production `Authorization: Bearer <ADMIN_TOKEN>`. One run per instance at a time; closing the connection stops the run.',
  })
  @ApiHeader({
    name: 'X-CSRF-Token',
    description: 'The token the lab page carries',
    example: FORM_FIELD_EXAMPLE.csrfToken,
  })
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({
    description:
      'One JSON object per line: `{ "event": "row", "row": { model, scenario, expected, answered, passed } }` per scenario, `{ "event": "wait", "seconds", "challenge": "code" | "nonce" | "request_uri" | "login" }` before the run waits for its expiry challenges (`login`: an account login ages past ACCOUNT_RECENT_LOGIN_SECONDS), then `{ "event": "done", "passed" }` (or `{ "event": "failed", "message" }`)',
    content: { 'application/x-ndjson': { schema: { type: 'string' } } },
  })
  @ApiBadRequestResponse({
    description: 'invalid_request: CSRF check failed',
    type: ErrorResponseDto,
  })
  @ApiUnauthorizedResponse({
    description: 'invalid_token: in production, without the admin token',
    type: ErrorResponseDto,
  })
  @ApiConflictResponse({ description: 'conflict: a run is in progress', type: ErrorResponseDto })
  @ApiNotFoundResponse({ description: 'The lab is disabled', type: ErrorResponseDto })
  async run(@Req() request: HttpRequest, @Res() reply: HttpResponse): Promise<void> {
    this.assertEnabled();
    // In production a run is an operator action: it sends attack traffic from this instance and
    // holds its run slot, so a visitor who fetched the page's CSRF token must not start one.
    assertOperatorAccess(
      this.operator,
      !this.server.isProduction,
      request.headers.authorization,
      'a lab run in production',
    );
    this.csrf.assertValid(request, headerValue(request.headers[CSRF_HEADER]));

    // The run is streamed on Node's response itself: Fastify lets go of the reply once it starts
    // (`hijack`), before which a refusal (a run in progress) is the error filter's to answer.
    const response = reply.raw;
    const stop = new AbortController();
    // The response's 'close' before it finished means the client went away. (The request's own
    // 'close' is no such signal: Node emits it as soon as a POST's body has been read.)
    response.on('close', () => {
      if (!response.writableFinished) stop.abort();
    });
    const send = (event: LabEvent) => response.write(`${JSON.stringify(event)}\n`);
    try {
      const passed = await this.runs.run({
        signal: stop.signal,
        onStart: () => {
          reply.hijack();
          // What the request's pipeline put on the reply (security headers, CORS) goes out with
          // the stream: a hijacked reply writes none of its own headers.
          for (const [name, value] of Object.entries(reply.getHeaders())) {
            if (value !== undefined) response.setHeader(name, value);
          }
          response.statusCode = 200;
          response.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
          response.setHeader('Cache-Control', 'no-store');
          // Proxies such as nginx would otherwise hold the rows back until the run ends.
          response.setHeader('X-Accel-Buffering', 'no');
          response.flushHeaders();
        },
        onRow: (row) => send({ event: 'row', row }),
        onWait: (wait) => send({ event: 'wait', ...wait }),
      });
      send({ event: 'done', passed });
    } catch (error) {
      // Refused before streaming (a run is in progress): the error filter answers.
      if (!response.headersSent) throw error;
      if (!stop.signal.aborted) {
        send({
          event: 'failed',
          message: 'The lab could not reach this instance at its issuer URL',
        });
      }
    }
    response.end();
  }

  private assertEnabled(): void {
    if (!this.lab.enabled) throw new NotFound('The lab is disabled on this instance');
  }
}

/**
 * A request header's one value: Node joins a repeated header into one string (RFC 9110 §5.3; only
 * Set-Cookie stays a list), so a repeated token is one that matches nothing.
 */
function headerValue(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
