import { type Address, type Hex, hexToBytes } from 'viem';
import {
  type EoaRecovery,
  SIGNATURE_REFUSALS,
  type SignatureRecovery,
} from '../../src/wallet/siwe/signature-recovery';
import { InvalidSignature } from '../../src/wallet/core/wallet.errors';

/**
 * The signer of an EIP-191 personal_sign signature, or the InvalidSignature SiweVerifier answers
 * a refused one with: for the recovery specs, which ask for an address. The service never needs
 * the address alone (SiweVerifier holds `examineMessage`'s outcome against the message's).
 */
export async function recoverMessageAddress(
  recovery: SignatureRecovery,
  messageText: string,
  signature: Hex,
): Promise<Address> {
  return addressOrRefusal(await recovery.examineMessage(messageText, hexToBytes(signature)));
}

/** As `recoverMessageAddress`, over a 32-byte hash already computed. */
export async function recoverAddress(
  recovery: SignatureRecovery,
  hash: Hex,
  signature: Hex,
): Promise<Address> {
  return addressOrRefusal(await recovery.examine(hash, hexToBytes(signature)));
}

function addressOrRefusal(result: EoaRecovery): Address {
  switch (result.outcome) {
    case 'recovered':
      return result.address;
    case 'high-s':
      throw new InvalidSignature(SIGNATURE_REFUSALS['high-s']).because('high_s');
    case 'invalid':
      throw new InvalidSignature(SIGNATURE_REFUSALS[result.problem]);
    case 'not-ecdsa':
      throw new InvalidSignature(SIGNATURE_REFUSALS['not-ecdsa']);
  }
}
