import { Controller, Get, Header, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { PageSessions } from '../../login/page-session';
import { type PageSession, renderPage } from '../../platform/http/html';

const homePage = (session: PageSession | null) =>
  renderPage({
    title: 'Two ways to prove who you are',
    session,
    body: `<h1>Proofgate</h1>
<p class="muted">An authorization service with two challenge-response login models side by side, ending in the same signed tokens.</p>
<div class="grid">
<section class="card">
<h2>OAuth 2.1 + PKCE</h2>
<p>The client commits to <code>BASE64URL(SHA-256(code_verifier))</code> at <code>/authorize</code> and proves it with the verifier at <code>/token</code>. A stolen code alone is worthless.</p>
<p><a href="/login">Sign in</a> · <a href="/.well-known/oauth-authorization-server">Metadata</a> · demo client: <code>npm run demo:client</code> (port 25001)</p>
</section>
<section class="card">
<h2>Sign-In with Ethereum</h2>
<p>The wallet sends its address up front and gets a nonce bound to it; it signs an EIP-4361 message carrying the nonce; the server recovers the signer.</p>
<p><a href="/demo/wallet">dApp demo</a> · <a href="/login">Sign in with Ethereum inside OAuth</a></p>
</section>
</div>
<h2>See them side by side</h2>
<ul>
<li><a href="/lab">The attack lab</a>: every attack of both models, run against this instance</li>
<li><a href="/challenge-models">/challenge-models</a>: protocol, policy and live figures of both models, with charts (JSON for API clients)</li>
<li><a href="/docs">/docs</a>: the OpenAPI description</li>
<li><a href="/metrics">/metrics</a>: Prometheus metrics</li>
<li><a href="/health">/health</a></li>
</ul>`,
  });

@ApiTags('pages')
@Controller()
export class HomeController {
  constructor(private readonly sessions: PageSessions) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  // The header names whoever is signed in: never cached.
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Landing page' })
  @ApiProduces('text/html')
  @ApiOkResponse({
    description: 'HTML page',
    content: { 'text/html': { schema: { type: 'string' } } },
  })
  async home(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<string> {
    return homePage(await this.sessions.of(request, response, '/'));
  }
}
