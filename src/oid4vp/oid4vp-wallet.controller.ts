import { Body, Controller, Get, Header, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { FORM } from '../platform/openapi/api-decorators';
import { clientAddress } from '../platform/http/client-address';
import type { HttpRequest, HttpResponse } from '../platform/http/http-exchange';
import { RateLimit, perIp } from '../platform/rate-limit/rate-limit';
import {
  OID4VP_REQUEST_ID,
  RequestObjectPostDto,
  WalletResponseAnswerDto,
  WalletResponseDto,
} from './oid4vp.dto';
import { OID4VP_PER_IP } from './oid4vp.rate-limits';
import { Oid4vpSignIn } from './oid4vp-sign-in.service';
import { REQUEST_OBJECT_TYP } from './verifier-identity';

const REQUEST_OBJECT_TYPE = `application/${REQUEST_OBJECT_TYP}`;

/** A request object's answer, for the OpenAPI document. */
function RequestObjectResponse(): MethodDecorator {
  return (target, key, descriptor) => {
    ApiProduces(REQUEST_OBJECT_TYPE)(target, key, descriptor);
    ApiParam(OID4VP_REQUEST_ID)(target, key, descriptor);
    ApiOkResponse({ description: 'The request object, a JWT', schema: { type: 'string' } })(
      target,
      key,
      descriptor,
    );
  };
}

/** The endpoints an identity wallet calls: the request URI (GET or POST) and the response URI. */
@ApiTags('oid4vp')
@Controller('oid4vp')
export class Oid4vpWalletController {
  constructor(private readonly signIn: Oid4vpSignIn) {}

  @Get('requests/:id/request')
  @RateLimit('closed', perIp(OID4VP_PER_IP))
  @ApiOperation({
    summary: 'The request object (OpenID4VP 1.0 §5.10): application/oauth-authz-req+jwt',
    description:
      'Unsigned (alg none) for the redirect_uri: prefix; signed ES256 with the verifier certificate in x5c for x509_hash:. 404 once the request is answered or expired.',
  })
  @RequestObjectResponse()
  @Header('Cache-Control', 'no-store')
  async get(@Param('id') id: string, @Res() res: HttpResponse): Promise<void> {
    send(res, await this.signIn.requestObject(id));
  }

  @Post('requests/:id/request')
  @RateLimit('closed', perIp(OID4VP_PER_IP))
  @ApiConsumes(FORM)
  @ApiOperation({
    summary: 'The request object, for a wallet that posts its metadata (request_uri_method=post)',
    description: 'As GET; a wallet_nonce is carried back in the request object.',
  })
  @RequestObjectResponse()
  @Header('Cache-Control', 'no-store')
  async post(
    @Param('id') id: string,
    @Body() body: RequestObjectPostDto,
    @Res() res: HttpResponse,
  ): Promise<void> {
    send(res, await this.signIn.requestObject(id, body.wallet_nonce));
  }

  @Post('response')
  @HttpCode(200)
  @RateLimit('closed', perIp(OID4VP_PER_IP))
  @ApiConsumes(FORM)
  @ApiOperation({
    summary: 'The wallet’s answer (OpenID4VP 1.0 §8.2, the response URI)',
    description:
      'direct_post (vp_token and state) or direct_post.jwt (response, a JWE to the request’s key). Checked cheapest first; 400 invalid_presentation names the failed check and leaves the state for another try; a verified answer spends the state and, for a login page’s request, answers a redirect_uri with a response_code only that browser can redeem.',
  })
  @ApiOkResponse({ type: WalletResponseAnswerDto })
  @Header('Cache-Control', 'no-store')
  respond(
    @Body() body: WalletResponseDto,
    @Req() req: HttpRequest,
  ): Promise<WalletResponseAnswerDto> {
    return this.signIn.respond(body, clientAddress(req));
  }
}

function send(res: HttpResponse, jwt: string): void {
  void res.status(200).header('Content-Type', REQUEST_OBJECT_TYPE).send(jwt);
}
