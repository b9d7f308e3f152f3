/**
 * Proofgate's wallet API as a dApp calls it, for the kit adapters beside this file: nonce,
 * verify, /api/me, refresh and revoke, over fetch. Nothing here is kit-specific; it imports
 * nothing of the service (a dApp talks to Proofgate over HTTP only).
 */

/** POST /wallet/nonce: the nonce and the exact message to sign (EIP-4361 or SIWS). */
export interface IssuedNonce {
  nonce: string;
  address: string;
  /** A number for EIP-155 chains, the cluster name (`solana:mainnet`) for Solana. */
  chainId: number | string;
  domain: string;
  uri: string;
  issuedAt: string;
  expirationTime: string;
  message: string;
}

/** The token response of /wallet/verify and of the refresh grant (RFC 6749 §5.1). */
export interface ProofgateTokens {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
  scope: string;
}

/** GET /api/me for a valid access token. */
export interface ProofgateAccount {
  sub: string;
  auth_method: string;
  client_id: string;
}

/** An answer in Proofgate's error envelope `{ error, error_description }`. */
export class ProofgateError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
  ) {
    super(`${error}: ${description}`);
    this.name = 'ProofgateError';
  }
}

export interface ProofgateWalletApiOptions {
  /** Proofgate's origin, e.g. `https://auth.example.com`. */
  issuer: string;
  /**
   * Your dApp's public client (registered with a redirect URI on the dApp's own origin): nonces
   * are bound to it, and their messages name the dApp's origin, so a wallet warns the user when
   * another site asks for the same signature. Proofgate's built-in `wallet` client by default,
   * whose messages name Proofgate's own site.
   */
  clientId?: string;
  /** Which of the client's origins the messages name, when it has several (default: the page's). */
  origin?: string;
  fetch?: typeof fetch;
}

export class ProofgateWalletApi {
  readonly issuer: string;
  readonly clientId: string;
  private readonly origin?: string;
  private readonly fetch: typeof fetch;

  constructor(options: ProofgateWalletApiOptions) {
    this.issuer = options.issuer.replace(/\/+$/, '');
    this.clientId = options.clientId ?? 'wallet';
    this.origin = options.origin;
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /**
   * A nonce bound to `address` on `chainId` (an EIP-155 number, or a CAIP-2 id: `eip155:1`,
   * `solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp`, or a Wallet Standard one: `solana:mainnet`) and to
   * this client: only `verify` with the same client redeems its signature.
   */
  nonce(address: string, chainId: number | string): Promise<IssuedNonce> {
    const origin = this.origin === undefined ? {} : { origin: this.origin };
    return this.json<IssuedNonce>(
      '/wallet/nonce',
      { address, chainId, client_id: this.clientId, ...origin },
      201,
    );
  }

  /** The signed message, exactly as issued, and the wallet's signature, for tokens. */
  verify(message: string, signature: string): Promise<ProofgateTokens> {
    return this.json<ProofgateTokens>(
      '/wallet/verify',
      { message, signature, client_id: this.clientId },
      200,
    );
  }

  /** The account behind an access token, or undefined once the token is no longer accepted. */
  async me(accessToken: string): Promise<ProofgateAccount | undefined> {
    const response = await this.fetch(`${this.issuer}/api/me`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    if (response.status === 401) return undefined;
    return this.read<ProofgateAccount>(response, 200);
  }

  /** New tokens for a refresh token (it rotates), or undefined if the grant is over. */
  async refresh(refreshToken: string): Promise<ProofgateTokens | undefined> {
    const response = await this.form('/token', {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: this.clientId,
    });
    if (response.status === 400) return undefined;
    return this.read<ProofgateTokens>(response, 200);
  }

  /** RFC 7009: revoking the refresh token ends the whole grant, access tokens included. */
  async revoke(refreshToken: string): Promise<void> {
    const response = await this.form('/revoke', { token: refreshToken, client_id: this.clientId });
    await this.read<unknown>(response, 200);
  }

  private async json<T>(path: string, body: unknown, expected: number): Promise<T> {
    const response = await this.fetch(`${this.issuer}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
    return this.read<T>(response, expected);
  }

  private form(path: string, fields: Record<string, string>): Promise<Response> {
    return this.fetch(`${this.issuer}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }

  private async read<T>(response: Response, expected: number): Promise<T> {
    const text = await response.text();
    const body: unknown = text === '' ? undefined : JSON.parse(text);
    if (response.status === expected) return body as T;
    const envelope = (body ?? {}) as { error?: unknown; error_description?: unknown };
    throw new ProofgateError(
      response.status,
      typeof envelope.error === 'string' ? envelope.error : 'unexpected_status',
      typeof envelope.error_description === 'string'
        ? envelope.error_description
        : `Proofgate answered ${response.status}`,
    );
  }
}
