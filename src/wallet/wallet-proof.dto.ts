import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { anyChain, perChain } from './wallet-chains';
import { WALLET_EXAMPLE } from './wallet.examples';
import type { WalletProof } from './core/wallet-proof';

/** The 401 `error` codes a refused wallet proof answers (OpenAPI descriptions). */
export const WALLET_PROOF_REFUSALS =
  'domain_mismatch, uri_mismatch, expired_message, not_yet_valid, invalid_nonce, nonce_already_used, invalid_signature, contract_wallet_unsupported';

/**
 * A signed sign-in message in a request body: POST /wallet/verify, POST /login/siwe and
 * POST /account/methods/wallet extend it. The message's size limits and grammar are checked by
 * its chain's parser, the signature's by its verifier: here only the shape.
 */
export class WalletProofDto implements WalletProof {
  @ApiProperty({
    description: `The ${anyChain((chain) => chain.message)} message from POST /wallet/nonce, exactly as signed; at most 4 KiB`,
    example: WALLET_EXAMPLE.message,
  })
  @IsString()
  message!: string;

  @ApiProperty({
    description: perChain((chain) => chain.signature),
    example: WALLET_EXAMPLE.signature,
  })
  @IsString()
  signature!: string;
}
