import { Controller, Header } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { TokenConfig } from '../../config/sections/tokens.config';
import { renderWalletDemoPage } from './wallet-demo.page';
import { HtmlPageGet } from '../../platform/http/html-page-get';
import { wordList } from '../../platform/text/word-list';
import { WALLET_PROOFS } from '../../proof-registry';
import { pageWallets } from '../../proofs/proof-descriptor';

/** The demo dApp page; everything it does happens in /static/wallet-demo.js. */
@ApiTags('pages')
@Controller('demo')
export class WalletDemoController {
  constructor(private readonly tokens: TokenConfig) {}

  @HtmlPageGet({
    path: 'wallet',
    summary: `Demo dApp: connect a wallet, sign in with ${wordList(
      WALLET_PROOFS.map((proof) => proof.shortLabel),
      'or',
    )}, call /api/me, sign out`,
  })
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): string {
    return renderWalletDemoPage(
      { refreshTokenTtlSeconds: this.tokens.refreshTokenTtlSeconds },
      pageWallets(WALLET_PROOFS),
    );
  }
}
