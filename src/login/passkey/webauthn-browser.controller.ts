import { Controller, Get, Header, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';

import { WEBAUTHN_BROWSER_SCRIPT } from '../../proofs/proof-descriptor';
import type { HttpResponse } from '../../platform/http/http-exchange';
import { assetCacheControl, staticFile } from '../../platform/http/static-files';

/** Where the pages load @simplewebauthn/browser from (its UMD bundle). */
export { WEBAUTHN_BROWSER_SCRIPT };

/** The bundle's file in the installed package (platform/http/static-files.ts names it). */
const BUNDLE_FILE = staticFile(WEBAUTHN_BROWSER_SCRIPT) as string;

/**
 * Serves @simplewebauthn/browser's UMD bundle (global `SimpleWebAuthnBrowser`) from this origin,
 * as the Content-Security-Policy (`script-src 'self'`) requires: no CDN. Read once, from the
 * installed package. A static asset of the pages, like the rest of /static, cached as they are
 * (the pages link it with its version): no operation of the API description.
 */
@ApiExcludeController()
@Controller()
export class WebAuthnBrowserController {
  private readonly bundle = readFileSync(BUNDLE_FILE, 'utf8');

  @Get(WEBAUTHN_BROWSER_SCRIPT)
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  script(@Query('v') asked: unknown, @Res({ passthrough: true }) res: HttpResponse): string {
    res.header('cache-control', assetCacheControl(asked, BUNDLE_FILE));
    return this.bundle;
  }
}
