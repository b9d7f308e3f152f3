import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import {
  type PublicKeyCredentialRequestOptionsJSON,
  generateAuthenticationOptions,
} from '@simplewebauthn/server';
import { credentialIdOf } from '../accounts/account';
import { AccountService } from '../accounts/account.service';
import type { ChallengeBinding } from '../challenges/challenge';
import { InvalidRequest, ProtocolError } from '../platform/errors/protocol-error';
import { AMR } from '../proofs/proof-vocabulary';
import { SIGNED_IN, acrOfAuthentication } from '../protocol-rules/acr';
import { PASSKEY_PROOF } from '../passkeys/passkey.proof';
import {
  ApprovalProofs,
  type ApprovalStatement,
  CHALLENGE_OF_ANOTHER_REQUEST,
  type LinkedWallet,
  type VerifiedApprovalProof,
} from '../oauth/ciba/approval-proofs';
import { ApprovalPasskeyRefused, NoPasskey, WalletNotLinked } from '../oauth/ciba/ciba.errors';
import {
  PasskeyAuthenticationService,
  passkeyAmr,
} from '../passkeys/authentication/passkey-authentication.service';
import { AuthenticationResponseDto } from '../passkeys/passkey-request.dto';
import { RelyingParty } from '../passkeys/relying-party';
import type { ChainNonceRequest, WalletChain } from '../wallet/core/wallet-chain';
import { WalletChains } from '../wallet/wallet-chains';

/** A linked wallet as its chain read it: what its signature is checked with. */
interface ReadWallet extends LinkedWallet {
  readonly chain: WalletChain;
  readonly request: ChainNonceRequest;
}

/**
 * The approval proofs of CIBA requests (issue #51) on the proofs' own code: a passkey assertion
 * checked by the passkey sign-in's verification (SimpleWebAuthn, the counter advanced the same
 * way), its challenge of the `ciba_approval` kind and user verification required; a wallet's
 * signature checked by its chain (an Ethereum wallet's EIP-712 typed data as a sign-in's message,
 * contract wallets included; Solana's and Bitcoin's text as their sign-in's). Only what the
 * signed-in account lists: its passkeys, its wallets.
 */
@Injectable()
export class WalletAndPasskeyApprovalProofs extends ApprovalProofs {
  constructor(
    private readonly accounts: AccountService,
    private readonly passkeys: PasskeyAuthenticationService,
    private readonly rp: RelyingParty,
    private readonly chains: WalletChains,
  ) {
    super();
  }

  async passkeyOptions(
    sub: string,
    challenge: string,
    ttlSeconds: number,
  ): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const { methods } = await this.accounts.account(sub);
    const passkeys = methods.filter((method) => method.type === 'passkey');
    if (passkeys.length === 0) {
      throw new NoPasskey('This account has no passkey to approve with').because('no_passkey');
    }
    return generateAuthenticationOptions({
      rpID: this.rp.settings().id,
      // Given as bytes, so the options carry exactly this challenge (base64url).
      challenge: Buffer.from(challenge, 'base64url'),
      allowCredentials: passkeys.map((method) => ({
        id: credentialIdOf(method.key),
        transports: [...(method.passkey?.transports ?? [])],
      })),
      userVerification: 'required',
      timeout: ttlSeconds * 1000,
    });
  }

  async verifyPasskey(
    sub: string,
    response: unknown,
    binding: ChallengeBinding,
  ): Promise<VerifiedApprovalProof> {
    // The sign-in's own rules for the credential's JSON, as its DTO states them.
    const assertion = plainToInstance(AuthenticationResponseDto, response);
    if (validateSync(assertion).length > 0) {
      throw new InvalidRequest(
        'response is not a WebAuthn credential response (PublicKeyCredential.toJSON())',
      ).because('malformed_response');
    }
    const verified = await this.passkeys.verify(assertion, {
      kind: 'ciba_approval',
      binding,
      bindingMismatch: CHALLENGE_OF_ANOTHER_REQUEST,
    });
    if (verified.sub !== sub) {
      throw new ApprovalPasskeyRefused('The passkey is not one of this account’s').because(
        'other_account',
      );
    }
    if (!verified.userVerified) {
      throw new ApprovalPasskeyRefused(
        'The authenticator did not verify the user (a PIN or biometric): an approval requires it',
      ).because('user_not_verified');
    }
    return {
      authMethod: 'passkey',
      methodKey: `passkey:${verified.credentialId}`,
      amr: passkeyAmr(verified),
      acr: acrOfAuthentication(PASSKEY_PROOF.acr, { hardwareBound: verified.hardwareBound }),
    };
  }

  async linkedWallet(
    sub: string,
    method: string,
    address: string,
    chainId: number | string,
  ): Promise<LinkedWallet> {
    const chain = this.chains.forChainId(chainId);
    let request: ChainNonceRequest | undefined;
    try {
      // The chain's own address rule first, as the nonce request's validation applies it.
      if (chain?.syntax.isAddress(address)) request = chain.readNonceRequest(address, chainId);
    } catch (error) {
      if (!(error instanceof ProtocolError) || error.status >= 500) throw error;
    }
    const accountId = request === undefined ? undefined : chain?.accountIdOf(request);
    const listed =
      accountId !== undefined &&
      accountId.startsWith(`${method}:`) &&
      (await this.accounts.account(sub)).methods.some((m) => m.key === accountId);
    if (!listed || chain === undefined || request === undefined) {
      throw new WalletNotLinked(
        'This wallet is not one of the signed-in account’s (link it on the account page first)',
      ).because('wallet_not_linked');
    }
    const read: ReadWallet = {
      accountId,
      chainId: request.chainId,
      form: chain.statementForm,
      chain,
      request,
    };
    return read;
  }

  async verifyWallet(
    wallet: LinkedWallet,
    statement: ApprovalStatement,
    signature: string,
  ): Promise<VerifiedApprovalProof> {
    const { chain, request } = wallet as ReadWallet;
    await chain.verifyStatement(request, statement, signature);
    return {
      authMethod: chain.authMethod,
      methodKey: wallet.accountId,
      amr: [...AMR[chain.authMethod]],
      // A wallet signs whatever a page shows it: never phishing-resistant (protocol-rules/acr.ts).
      acr: SIGNED_IN,
    };
  }
}
