import type { WalletConfig } from '../../config/sections/wallet.config';
import { WALLET_ACCOUNT_ID_FORMS, readWalletAccountId } from '../../wallet/wallet-chains';
import { wordList } from '../../platform/text/word-list';
import { AdminError } from '../admin.errors';

/**
 * A wallet's CAIP-10 account id as an operator typed it, checked and written as the wallet login
 * writes it (its method key), or an AdminError saying what is wrong. An operator's link takes no
 * signature, so nothing else would catch a typo: a mistyped address would sign nobody in, or
 * worse, a stranger, and a chain the service does not accept would be a method that never signs
 * in. The chain whose namespace it is in reads it (`readAccountId` of the chain list's entries).
 */
export function walletAccountId(value: string, wallet: WalletConfig): string {
  const reading = readWalletAccountId(value, wallet);
  if (reading === undefined) {
    throw new AdminError(
      `--wallet must be a CAIP-10 account id: ${wordList(WALLET_ACCOUNT_ID_FORMS, 'or')}`,
    );
  }
  if ('refused' in reading) throw new AdminError(reading.refused);
  return reading.accountId;
}
