import { Controller, Header, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { LabConfig } from '../../config/sections/lab.config';
import { OperatorConfig } from '../../config/sections/operator.config';
import { PageSessions } from '../../login/page-session';
import { ENGLISH_ONLY, renderPage, type PageSession } from '../../platform/http/html';
import {
  type HttpRequest,
  type HttpResponse,
  cookieWriter,
} from '../../platform/http/http-exchange';
import { wordList } from '../../platform/text/word-list';
import { WALLET_PROOFS } from '../../proof-registry';
import { HtmlPageGet } from '../../platform/http/html-page-get';

/** The pages an instance may turn off (production does by default: they answer 404 there). */
interface OptionalPages {
  readonly lab: boolean;
  readonly docs: boolean;
  readonly metrics: boolean;
}

/** Links to what this instance serves to anyone; an operator view behind the admin token is left out. */
function sideBySideLinks(on: OptionalPages): string {
  return [
    on.lab &&
      '<li><a href="/lab">The attack lab</a>: every attack on every model, run against this instance</li>',
    '<li><a href="/challenge-models">/challenge-models</a>: protocol, policy and live figures of every model, with charts (JSON for API clients)</li>',
    on.docs && '<li><a href="/docs">/docs</a>: the OpenAPI description</li>',
    on.metrics && '<li><a href="/metrics">/metrics</a>: Prometheus metrics</li>',
    '<li><a href="/health">/health</a></li>',
  ]
    .filter(Boolean)
    .join('\n');
}

const homePage = (session: PageSession | null, on: OptionalPages) =>
  renderPage({
    title: 'Every proof you carry, side by side',
    locale: ENGLISH_ONLY,
    session,
    body: `<h1>Proofgate</h1>
<p class="muted">An authorization server built on challenge-response: a PKCE verifier, a wallet (${wordList(
      WALLET_PROOFS.map((proof) => proof.label),
      'or',
    )}), a passkey, in one challenge store, over one account, ending in the same signed tokens; DPoP binds those tokens to the client's key.</p>
<div class="grid">
<section class="card">
<h2>OAuth 2.1 + PKCE</h2>
<p>The client commits to <code>BASE64URL(SHA-256(code_verifier))</code> at <code>/authorize</code> and proves it with the verifier at <code>/token</code>. A stolen code alone is worthless.</p>
<p><a href="/login">Sign in</a> · <a href="/.well-known/oauth-authorization-server">Metadata</a> · demo client: <code>npm run demo:client</code> (port 25001)</p>
</section>
<section class="card">
<h2>Sign in with a wallet</h2>
<p>The wallet sends its address up front and gets a nonce bound to it; it signs a message carrying the nonce (EIP-4361 on Ethereum, CAIP-122 on the other chains); the server checks the signer against the bound address.</p>
<p><a href="/demo/wallet">dApp demo</a> · <a href="/login">Sign in with a wallet inside OAuth</a></p>
</section>
<section class="card">
<h2>Passkeys</h2>
<p>The challenge names no account; the authenticator signs it with a key bound to this site's origin, so a phishing site gets nothing it can use.</p>
<p><a href="/login">Sign in with a passkey</a> · <a href="/account">Your account</a>: add a passkey, link a wallet</p>
</section>
<section class="card">
<h2>DPoP and PAR</h2>
<p>DPoP binds the tokens to a key the client proves on every request; PAR sends the authorization request on the back channel and hands back a single-use <code>request_uri</code>.</p>
<p><a href="/.well-known/oauth-authorization-server">Metadata</a> (<code>dpop_signing_alg_values_supported</code>, <code>pushed_authorization_request_endpoint</code>)</p>
</section>
</div>
<h2>See them side by side</h2>
<ul class="links">
${sideBySideLinks(on)}
</ul>`,
  });

@ApiTags('pages')
@Controller()
export class HomeController {
  constructor(
    private readonly sessions: PageSessions,
    private readonly lab: LabConfig,
    private readonly operator: OperatorConfig,
  ) {}

  @HtmlPageGet({ summary: 'Landing page' })
  @Header('Content-Type', 'text/html; charset=utf-8')
  async home(
    @Req() request: HttpRequest,
    @Res({ passthrough: true }) response: HttpResponse,
  ): Promise<string> {
    return homePage(await this.sessions.of(request, cookieWriter(response), '/'), {
      lab: this.lab.enabled,
      docs: this.operator.docsEnabled,
      metrics: this.operator.metricsEnabled,
    });
  }
}
