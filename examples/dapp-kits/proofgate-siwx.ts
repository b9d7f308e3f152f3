/**
 * A server-backed Reown AppKit SIWX config over Proofgate, for EVM and Solana accounts alike.
 *
 * Reown's default SIWX (`DefaultSIWX` with `InformalMessenger`) makes the nonce in the browser
 * and keeps sessions in localStorage: nothing stops a signed message from being replayed, and
 * any script on the page reads the session. Here the nonce is Proofgate's: random on the server,
 * bound to the address and the CAIP-2 chain before anything is signed, redeemed once. The tokens
 * stay in this object's memory.
 *
 *   createAppKit({ ..., siwx: new ProofgateSIWX({ issuer: 'https://auth.example.com' }) })
 */
import type { SIWXConfig, SIWXMessage, SIWXSession } from '@reown/appkit-siwx';
import {
  ProofgateTokens,
  ProofgateWalletApi,
  type ProofgateWalletApiOptions,
} from './proofgate-wallet-api';

type CaipNetworkId = SIWXMessage.Input['chainId'];

interface Signed {
  session: SIWXSession;
  tokens: ProofgateTokens;
}

export interface ProofgateSIWXOptions extends ProofgateWalletApiOptions {
  /** AppKit's `getRequired`: whether a connection without a signed-in session is refused. */
  required?: boolean;
}

export class ProofgateSIWX implements SIWXConfig {
  readonly api: ProofgateWalletApi;
  private readonly required: boolean;
  private readonly sessions = new Map<string, Signed>();

  constructor(options: ProofgateSIWXOptions) {
    this.api = new ProofgateWalletApi(options);
    this.required = options.required ?? true;
  }

  /** Proofgate issues the nonce and the exact text, for the address and chain AppKit names. */
  async createMessage(input: SIWXMessage.Input): Promise<SIWXMessage> {
    const issued = await this.api.nonce(input.accountAddress, input.chainId);
    return {
      accountAddress: input.accountAddress,
      chainId: input.chainId,
      domain: issued.domain,
      uri: issued.uri,
      version: '1',
      nonce: issued.nonce,
      issuedAt: issued.issuedAt,
      expirationTime: issued.expirationTime,
      // AppKit has the wallet sign `toString()`: Proofgate's text, never one rebuilt here.
      toString: () => issued.message,
    };
  }

  /** Verifies the signed message at /wallet/verify; the session exists only if it passed. */
  async addSession(session: SIWXSession): Promise<void> {
    const tokens = await this.api.verify(session.message, session.signature);
    this.sessions.set(sessionKey(session.data.chainId, session.data.accountAddress), {
      session,
      tokens,
    });
  }

  /** Revokes the session's refresh token: Proofgate ends the grant and its access tokens. */
  async revokeSession(chainId: CaipNetworkId, address: string): Promise<void> {
    const key = sessionKey(chainId, address);
    const signed = this.sessions.get(key);
    this.sessions.delete(key);
    if (signed) await this.api.revoke(signed.tokens.refresh_token);
  }

  /** AppKit replaces the list: sessions dropped are revoked, new ones verified. */
  async setSessions(sessions: SIWXSession[]): Promise<void> {
    const keep = new Set(sessions.map((s) => sessionKey(s.data.chainId, s.data.accountAddress)));
    for (const [key, signed] of [...this.sessions]) {
      if (!keep.has(key)) {
        this.sessions.delete(key);
        await this.api.revoke(signed.tokens.refresh_token);
      }
    }
    for (const session of sessions) {
      if (!this.sessions.has(sessionKey(session.data.chainId, session.data.accountAddress))) {
        await this.addSession(session);
      }
    }
  }

  /**
   * The session if Proofgate still accepts it: /api/me with the access token, else one refresh
   * (the refresh token rotates) and /api/me again; a session Proofgate refuses is forgotten.
   */
  async getSessions(chainId: CaipNetworkId, address: string): Promise<SIWXSession[]> {
    const key = sessionKey(chainId, address);
    const signed = this.sessions.get(key);
    if (!signed) return [];
    if (await this.api.me(signed.tokens.access_token)) return [signed.session];
    const refreshed = await this.api.refresh(signed.tokens.refresh_token);
    if (refreshed && (await this.api.me(refreshed.access_token))) {
      signed.tokens = refreshed;
      return [signed.session];
    }
    this.sessions.delete(key);
    return [];
  }

  getRequired(): boolean {
    return this.required;
  }

  /** The tokens of a signed-in account, for the dApp's own API calls. */
  tokens(chainId: CaipNetworkId, address: string): ProofgateTokens | undefined {
    return this.sessions.get(sessionKey(chainId, address))?.tokens;
  }
}

/** EVM addresses are case-insensitive (EIP-55 is a checksum); base58 Solana ones are not. */
function sessionKey(chainId: string, address: string): string {
  return `${chainId}:${chainId.startsWith('eip155:') ? address.toLowerCase() : address}`;
}
