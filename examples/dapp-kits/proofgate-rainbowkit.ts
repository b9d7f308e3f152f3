/**
 * A RainbowKit `AuthenticationAdapter` over Proofgate (Sign-In with Ethereum).
 *
 * RainbowKit asks for the nonce (`getNonce()`) before it tells the adapter which address will
 * sign (`createMessage({ nonce, address, chainId })`). Proofgate binds every nonce to an address
 * and chain when it issues it, so a nonce stolen or leaked before signing is useless to any other
 * wallet and chain; it cannot issue an unbound one. So `getNonce` reads the connected account
 * from wagmi (RainbowKit only opens its sign-in step once a wallet is connected), and
 * `createMessage` refuses an account other than the one the nonce was issued to. The message is
 * Proofgate's exact text, never one rebuilt here.
 *
 *   const adapter = proofgateAuthenticationAdapter({ issuer, wagmiConfig });
 *   <RainbowKitAuthenticationProvider adapter={adapter} status={status}>
 */
import type { createAuthenticationAdapter } from '@rainbow-me/rainbowkit';
import type { Config } from 'wagmi';
import { getAccount } from 'wagmi/actions';
import {
  IssuedNonce,
  ProofgateError,
  ProofgateTokens,
  ProofgateWalletApi,
  type ProofgateWalletApiOptions,
} from './proofgate-wallet-api';

/**
 * RainbowKit's own adapter type (the package exports it only as the parameter of
 * `createAuthenticationAdapter`, which returns its argument unchanged).
 */
export type AuthenticationAdapter<Message> = Parameters<
  typeof createAuthenticationAdapter<Message>
>[0];

export interface ProofgateAuthenticationAdapterOptions extends ProofgateWalletApiOptions {
  /** The wagmi config RainbowKit runs on: where the connected account is read. */
  wagmiConfig: Config;
}

/**
 * What RainbowKit calls (checked against its `AuthenticationAdapter<string>` below, with the
 * bundler resolution of ./tsconfig.json), and the tokens for the dApp.
 */
export interface ProofgateAuthenticationAdapter {
  getNonce(): Promise<string>;
  createMessage(args: { nonce: string; address: string; chainId: number }): string;
  verify(args: { message: string; signature: string }): Promise<boolean>;
  signOut(): Promise<void>;
  /** The tokens of the signed-in account (in memory only), for the dApp's own API calls. */
  tokens(): ProofgateTokens | undefined;
}

export function proofgateAuthenticationAdapter(
  options: ProofgateAuthenticationAdapterOptions,
): ProofgateAuthenticationAdapter {
  const api = new ProofgateWalletApi(options);
  let issued: IssuedNonce | undefined;
  let tokens: ProofgateTokens | undefined;

  const adapter: ProofgateAuthenticationAdapter = {
    async getNonce(): Promise<string> {
      const { address, chainId } = getAccount(options.wagmiConfig);
      if (address === undefined || chainId === undefined) {
        throw new Error(
          'Connect a wallet first: Proofgate binds each nonce to an address and chain',
        );
      }
      issued = await api.nonce(address, chainId);
      return issued.nonce;
    },

    createMessage({
      nonce,
      address,
      chainId,
    }: {
      nonce: string;
      address: string;
      chainId: number;
    }): string {
      if (
        issued === undefined ||
        issued.nonce !== nonce ||
        issued.address.toLowerCase() !== address.toLowerCase() ||
        issued.chainId !== chainId
      ) {
        throw new Error('The account or chain changed since the nonce was issued; sign in again');
      }
      return issued.message;
    },

    async verify({ message, signature }: { message: string; signature: string }): Promise<boolean> {
      issued = undefined;
      try {
        tokens = await api.verify(message, signature);
        return true;
      } catch (error) {
        // Proofgate refused the signature or the message: RainbowKit shows the sign-in failed.
        if (error instanceof ProofgateError && error.status < 500) return false;
        throw error;
      }
    },

    async signOut(): Promise<void> {
      const ending = tokens;
      tokens = undefined;
      if (ending) await api.revoke(ending.refresh_token);
    },

    tokens: () => tokens,
  };
  return adapter satisfies AuthenticationAdapter<string>;
}
