import { Injectable } from '@nestjs/common';
import type { TokenResponse } from '../../tokens/grants/grant-token.issuer';
import { SiwsLoginService } from '../siws/siws-login.service';
import { isSiwsMessage } from '../siws/siws-message';
import { SiweLoginService } from './siwe-login.service';
import type { ProofExpectation } from '../audience/wallet-audience';
import type {
  VerifiedWalletAccount,
  WalletLogin,
  WalletLoginRequest,
  WalletProof,
} from './wallet-proof';

/**
 * POST /wallet/verify and the login page's wallet button, for every chain namespace: the signed
 * message says which protocol it is (CAIP-122's first line names the chain family), and that
 * protocol's steps run. Anything not Sign In With Solana is read as EIP-4361, whose parser gives
 * the refusal, so the Ethereum path costs one look at the first line more than before.
 */
@Injectable()
export class WalletSignInService {
  constructor(
    private readonly siwe: SiweLoginService,
    private readonly siws: SiwsLoginService,
  ) {}

  login(request: WalletLoginRequest, callerAddress: string): Promise<TokenResponse> {
    return this.protocolOf(request).login(request, callerAddress);
  }

  /** A login page's or an account link's proof: only a message issued for `expected`. */
  verify(
    proof: WalletProof,
    callerAddress: string,
    expected: ProofExpectation,
  ): Promise<VerifiedWalletAccount> {
    return this.protocolOf(proof).verify(proof, callerAddress, expected);
  }

  private protocolOf(proof: WalletProof): WalletLogin {
    return isSiwsMessage(proof.message) ? this.siws : this.siwe;
  }
}
