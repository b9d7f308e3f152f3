import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { WEBAUTHN_BROWSER_SCRIPT } from '../../proofs/proof-descriptor';

/** Where the pages load @simplewebauthn/browser from (its UMD bundle). */
export { WEBAUTHN_BROWSER_SCRIPT };

/**
 * Serves @simplewebauthn/browser's UMD bundle (global `SimpleWebAuthnBrowser`) from this origin,
 * as the Content-Security-Policy (`script-src 'self'`) requires: no CDN. Read once, from the
 * installed package (its exports map names only the CommonJS entry, `script/index.js`). A static
 * asset of the pages, like the rest of /static: no operation of the API description.
 */
@ApiExcludeController()
@Controller()
export class WebAuthnBrowserController {
  private readonly bundle = readFileSync(
    join(
      dirname(require.resolve('@simplewebauthn/browser')),
      '..',
      'dist',
      'bundle',
      'index.umd.min.js',
    ),
    'utf8',
  );

  @Get(WEBAUTHN_BROWSER_SCRIPT)
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=3600')
  script(): string {
    return this.bundle;
  }
}
