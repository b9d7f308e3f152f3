import { Body, Controller, Get, Header, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type {
  HttpRequest as Request,
  HttpResponse as Response,
} from '../../platform/http/http-exchange';
import { InvalidRequest } from '../../platform/errors/protocol-error';
import { ApiBearerProtected, FORM } from '../../platform/openapi/api-decorators';
import { presentedTokenOf } from '../../tokens/grants/presented-token.decorator';
import { UserInfoFormDto } from './userinfo-form.dto';
import { UserInfoResponseDto } from './userinfo-response.dto';
import { UserInfoService } from './userinfo.service';

/**
 * OpenID Connect Core §5.3.2: JSON, or for a client that registered
 * `userinfo_signed_response_alg` a JWT (`application/jwt`) signed for it.
 */
function UserInfoAnswered() {
  return ApiOkResponse({
    description:
      'The claims as JSON; for a client that registered userinfo_signed_response_alg, the same claims with iss, aud and iat as a JWT signed with that alg (application/jwt)',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(UserInfoResponseDto) } },
      'application/jwt': {
        schema: {
          type: 'string',
          example: 'eyJhbGciOiJSUzI1NiIsImtpZCI6Ii4uLiJ9.eyJzdWIiOiJ1c2VyMCJ9.c2lnbmF0dXJl',
        },
      },
    },
  });
}

/**
 * OpenID Connect Core §5.3 UserInfo endpoint: GET and POST alike (§5.3.1). The bearer token is
 * read from the request rather than declared as a parameter: OpenAPI describes it as the
 * `bearer` security scheme, as for /api/me. A POST may carry it as the form parameter
 * `access_token` instead (RFC 6750 §2.2), never both ways at once (§2).
 */
@ApiTags('oauth')
@ApiExtraModels(UserInfoResponseDto)
@ApiBearerProtected({
  unauthorized:
    'No valid bearer token; with WWW-Authenticate: Bearer (RFC 6750 §3), or DPoP for a DPoP-bound token (RFC 9449 §7.1)',
  forbidden: 'The token lacks the openid scope: insufficient_scope (RFC 6750 §3.1)',
})
@Controller('userinfo')
export class UserInfoController {
  constructor(private readonly userInfo: UserInfoService) {}

  @Get()
  @ApiOperation({ summary: 'OpenID Connect UserInfo: sub and the claims the scopes allow' })
  @UserInfoAnswered()
  @Header('Cache-Control', 'no-store')
  get(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<UserInfoResponseDto | string> {
    return this.answer(request, response);
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'OpenID Connect UserInfo, by POST: the token in the header, or as the form parameter access_token (RFC 6750 §2.2)',
  })
  @ApiConsumes(FORM)
  @ApiBody({ type: UserInfoFormDto, required: false })
  @UserInfoAnswered()
  @Header('Cache-Control', 'no-store')
  post(
    @Body() form: UserInfoFormDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<UserInfoResponseDto | string> {
    const inBody = form?.access_token;
    if (inBody === undefined) return this.answer(request, response);
    // RFC 6750 §2: "Clients MUST NOT use more than one method to transmit the token".
    if (request.headers.authorization !== undefined) {
      throw new InvalidRequest(
        'The access token came both in the Authorization header and in the body: send one',
      );
    }
    return this.answer(request, response, `Bearer ${inBody}`);
  }

  /** Bearer or DPoP (RFC 9449 §7): the proof's `htm` and `htu` are this request's. */
  private async answer(
    request: Request,
    response: Response,
    authorization = request.headers.authorization,
  ): Promise<UserInfoResponseDto | string> {
    const answer = await this.userInfo.userInfo({
      ...presentedTokenOf(request, response),
      authorization,
    });
    if ('json' in answer) return answer.json;
    // Core §5.3.2: "the UserInfo Response ... MUST be ... application/jwt".
    response.header('Content-Type', 'application/jwt');
    return answer.jwt;
  }
}
