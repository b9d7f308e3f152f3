import { Controller, Get, Header, Req, Res } from '@nestjs/common';
import {
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../platform/openapi/error-response.dto';
import { MailboxDto } from './mailbox.dto';
import { MailConfig } from '../config/sections/mail.config';
import { NotFound } from '../platform/errors/protocol-error';
import {
  type HttpRequest,
  type HttpResponse,
  acceptedType,
  sendHtml,
  sendJson,
} from '../platform/http/http-exchange';
import { EmbeddedMailCatcher } from './mail-catcher';
import { renderMailbox } from './mailbox.page';

/**
 * The development mailbox: what the embedded catcher received (only outside production with
 * SMTP_URL unset; elsewhere `404`). HTML for a person, JSON for a script that asks for it.
 */
@ApiTags('development')
@Controller('dev/mailbox')
export class MailboxController {
  constructor(
    private readonly config: MailConfig,
    private readonly catcher: EmbeddedMailCatcher,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'The development mailbox: the mail the embedded SMTP catcher received, newest first',
    description:
      'Outside production with SMTP_URL unset only. A page for a person; Accept: application/json for a script.',
  })
  @ApiProduces('text/html', 'application/json')
  @ApiOkResponse({ type: MailboxDto })
  @ApiNotFoundResponse({
    description: 'not_found: production, or mail goes through SMTP_URL',
    type: ErrorResponseDto,
  })
  @Header('Cache-Control', 'no-store')
  show(@Req() req: HttpRequest, @Res() res: HttpResponse): void {
    if (this.config.transport !== 'embedded') {
      throw new NotFound(
        'There is no development mailbox here: it exists only outside production with SMTP_URL unset',
      );
    }
    const mails = this.catcher.mails();
    if (acceptedType(req, ['html', 'json']) === 'json') {
      sendJson(res, 200, {
        mails: mails.map((mail) => ({
          received_at: mail.receivedAt.toISOString(),
          from: mail.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
        })),
      });
      return;
    }
    sendHtml(res, 200, renderMailbox(mails));
  }
}
