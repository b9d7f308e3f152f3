import { Injectable } from '@nestjs/common';
import type { OAuthClient } from '../../clients/oauth-client';
import { isWebOrigin, webOriginsOf } from '../../clients/web-origins';
import { WalletConfig } from '../../config/sections/wallet.config';
import { InvalidRequest } from '../../platform/errors/protocol-error';
import { DEFAULT_WALLET_CLIENT_ID, WalletClients } from '../clients/wallet-clients';
import {
  type NonceIntent,
  type ProofExpectation,
  type WalletAudience,
  type WalletSite,
  siteOfOrigin,
  statementFor,
} from './wallet-audience';

/**
 * What POST /wallet/nonce was asked, beyond the address and chain. A field that is null (JSON's,
 * which the validation pipe refuses before this) is read as left out.
 */
export interface NonceAudienceRequest {
  /** `client_id`: a client-bound nonce. */
  readonly clientId?: string | null;
  /** `origin`: which of the client's web origins the message names, when it has several. */
  readonly origin?: string | null;
  /** The request's `Origin` header: a browser dApp's own origin picks its site by itself. */
  readonly requestOrigin?: string;
  /** This browser's pre-login session (the login page's cookie), when it sent one. */
  readonly browserSession?: string;
}

/**
 * Decides who a wallet nonce is for and which site its message names (EIP-4361 §Security
 * considerations: the `domain` is what lets the wallet warn when a page asks for a signature meant
 * for another site), and what each redeeming endpoint accepts.
 *
 * A dApp's message names the dApp's own origin, taken from its registered redirect URIs, never
 * Proofgate's: a page that is neither the dApp nor Proofgate cannot present it to a wallet without
 * a warning. Proofgate's own pages (the login page, the account page) and scripts using the
 * built-in `wallet` client name Proofgate's site (WALLET_DOMAIN, WALLET_URI).
 */
@Injectable()
export class WalletAudiences {
  readonly serviceSite: WalletSite;

  constructor(
    private readonly clients: WalletClients,
    wallet: WalletConfig,
  ) {
    this.serviceSite = Object.freeze({ domain: wallet.domain, uri: wallet.uri });
  }

  /**
   * POST /wallet/nonce: bound to the named client; without one, to this browser's login page when
   * it carries the page's session cookie, else (a script) to the built-in `wallet` client.
   */
  async forNonceRequest(request: NonceAudienceRequest): Promise<NonceIntent> {
    const clientId = request.clientId ?? undefined;
    const origin = request.origin ?? undefined;
    if (clientId === undefined && request.browserSession !== undefined) {
      if (origin !== undefined) {
        throw new InvalidRequest(
          'origin goes with client_id: it picks one of the client’s origins',
        );
      }
      return this.intent(
        { kind: 'page', browserSession: request.browserSession },
        'login',
        this.serviceSite,
      );
    }
    const client = await this.clients.resolve(clientId);
    const site = this.pickSite(client, origin, request.requestOrigin);
    return this.intent({ kind: 'client', clientId: client.clientId }, 'login', site);
  }

  /** A nonce that links a wallet to the account `sub` (and does nothing else). */
  forLink(sub: string): NonceIntent {
    return this.intent({ kind: 'account', sub }, 'link', this.serviceSite);
  }

  /** POST /wallet/verify for `client`: only its own login messages. */
  clientLogin(client: OAuthClient): ProofExpectation {
    return {
      audience: { kind: 'client', clientId: client.clientId },
      purpose: 'login',
      sites: this.sitesOf(client),
    };
  }

  /** POST /login/siwe: only login messages issued to this browser's login page. */
  pageLogin(browserSession: string): ProofExpectation {
    return {
      audience: { kind: 'page', browserSession },
      purpose: 'login',
      sites: [this.serviceSite],
    };
  }

  /** Linking a wallet to `sub`: only that account's link messages. */
  accountLink(sub: string): ProofExpectation {
    return { audience: { kind: 'account', sub }, purpose: 'link', sites: [this.serviceSite] };
  }

  /**
   * The sites a client's messages may name: the web origins of its redirect URIs. The built-in
   * `wallet` client (no redirect URIs) is Proofgate's own site.
   */
  sitesOf(client: OAuthClient): WalletSite[] {
    const origins = webOriginsOf(client.redirectUris);
    if (origins.length > 0) return origins.map(siteOfOrigin);
    return client.clientId === DEFAULT_WALLET_CLIENT_ID ? [this.serviceSite] : [];
  }

  private pickSite(client: OAuthClient, origin?: string, requestOrigin?: string): WalletSite {
    const sites = this.sitesOf(client);
    if (sites.length === 0) {
      throw new InvalidRequest(
        'The client has no web origin among its redirect URIs: a wallet message must name the site it signs in to',
      );
    }
    if (origin !== undefined) {
      const named = isWebOrigin(origin) ? sites.find((site) => site.uri === origin) : undefined;
      if (named === undefined) {
        throw new InvalidRequest(
          `origin must be one of the client’s web origins (from its redirect URIs): ${sites
            .map((site) => site.uri)
            .join(', ')}`,
        );
      }
      return named;
    }
    const asking = sites.find((site) => site.uri === requestOrigin);
    if (asking !== undefined) return asking;
    if (sites.length === 1) return sites[0];
    throw new InvalidRequest(
      `The client has several web origins; name the one the dApp runs on in origin: ${sites
        .map((site) => site.uri)
        .join(', ')}`,
    );
  }

  private intent(
    audience: WalletAudience,
    purpose: NonceIntent['purpose'],
    site: WalletSite,
  ): NonceIntent {
    return { audience, purpose, site, statement: statementFor(audience, purpose) };
  }
}
