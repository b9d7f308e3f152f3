import { Controller, Get, Header, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
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
 * Left out of the API reference: it is no part of a deployment's API.
 */
@ApiExcludeController()
@Controller('dev/mailbox')
export class MailboxController {
  constructor(
    private readonly config: MailConfig,
    private readonly catcher: EmbeddedMailCatcher,
  ) {}

  @Get()
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
