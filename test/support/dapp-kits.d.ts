/**
 * The dApp kits' modules as the root program (the service, its tests, `npm run typecheck`) sees
 * them. The kits (Reown AppKit, RainbowKit, wagmi and the wallet SDKs behind them, about 1 GB)
 * are installed by examples/dapp-kits' own package.json, not by the root's; the root installs
 * only what the adapters' e2e loads at run time: wagmi's core (`@wagmi/core`) and viem.
 *
 * - `wagmi` and `wagmi/actions` are wagmi's re-exports of `@wagmi/core` (jest.config.js maps
 *   `wagmi/actions` to it the same way at run time).
 * - `@reown/appkit-siwx` and `@rainbow-me/rainbowkit` are imported by the adapters as types only:
 *   below are the declarations they use, copied from @reown/appkit-controllers 1.8.21
 *   (`SIWXConfig`, `SIWXSession`, `SIWXMessage`) and @rainbow-me/rainbowkit 2.2.11
 *   (`AuthenticationAdapter`, `createAuthenticationAdapter`).
 *
 * These stand-ins only let the tests be type-checked without the kits. The adapters are checked
 * against the kits' real packages by `npm run typecheck:examples` (examples/dapp-kits/tsconfig.json,
 * which does not include this file), as .ci/run does.
 */

declare module 'wagmi' {
  export type { Config } from '@wagmi/core';
}

declare module 'wagmi/actions' {
  export * from '@wagmi/core/actions';
}

declare module '@reown/appkit-siwx' {
  type CaipNetworkId = `${
    | 'eip155'
    | 'solana'
    | 'polkadot'
    | 'bip122'
    | 'cosmos'
    | 'sui'
    | 'stacks'
    | 'ton'
    | 'tron'}:${string | number}`;

  export interface SIWXConfig {
    createMessage: (input: SIWXMessage.Input) => Promise<SIWXMessage>;
    signMessage?: (args: {
      message: string;
      chainId: string;
      accountAddress: string;
    }) => Promise<string>;
    addSession: (session: SIWXSession) => Promise<void>;
    revokeSession: (chainId: CaipNetworkId, address: string) => Promise<void>;
    setSessions: (sessions: SIWXSession[]) => Promise<void>;
    getSessions: (chainId: CaipNetworkId, address: string) => Promise<SIWXSession[]>;
    getRequired?: () => boolean;
    signOutOnDisconnect?: boolean;
  }

  export interface SIWXSession {
    data: SIWXMessage.Data;
    message: string;
    signature: string;
  }

  export interface SIWXMessage extends SIWXMessage.Data, SIWXMessage.Methods {}

  export namespace SIWXMessage {
    interface Data extends Input, Metadata, Identifier {}
    interface Input {
      accountAddress: string;
      chainId: CaipNetworkId;
      notBefore?: Timestamp;
    }
    interface Metadata {
      domain: string;
      uri: string;
      version: string;
      nonce: string;
      statement?: string;
      resources?: string[];
    }
    interface Identifier {
      requestId?: string;
      issuedAt?: Timestamp;
      expirationTime?: Timestamp;
    }
    interface Methods {
      toString: () => string;
    }
    type Timestamp = string;
  }
}

declare module '@rainbow-me/rainbowkit' {
  import type { Address } from 'viem';

  export interface AuthenticationAdapter<Message> {
    getNonce: () => Promise<string>;
    createMessage: (args: {
      nonce: string;
      address: Address;
      chainId: number;
    }) => Promise<Message> | Message;
    verify: (args: { message: Message; signature: string }) => Promise<boolean>;
    signOut: () => Promise<void>;
  }

  export function createAuthenticationAdapter<Message>(
    adapter: AuthenticationAdapter<Message>,
  ): AuthenticationAdapter<Message>;
}
