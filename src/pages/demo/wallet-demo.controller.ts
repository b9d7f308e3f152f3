import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { TokenConfig } from '../../config/sections/tokens.config';
import { renderWalletDemoPage } from './wallet-demo.page';
import { ApiHtmlPage } from '../../platform/openapi/api-decorators';
import { wordList } from '../../platform/text/word-list';
import { WALLET_PROOFS } from '../../proof-registry';
import { pageWallets } from '../../proofs/proof-descriptor';

/** The demo dApp page; everything it does happens in /static/wallet-demo.js. */
@ApiTags('pages')
@Controller('demo')
export class WalletDemoController {
  constructor(private readonly tokens: TokenConfig) {}

  @Get('wallet')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: `Demo dApp: connect a wallet, sign in with ${wordList(
      WALLET_PROOFS.map((proof) => proof.shortLabel),
      'or',
    )}, call /api/me, sign out`,
  })
  @ApiHtmlPage()
  page(): string {
    return renderWalletDemoPage(
      { refreshTokenTtlSeconds: this.tokens.refreshTokenTtlSeconds },
      pageWallets(WALLET_PROOFS),
    );
  }
}
