/** What the service remembers about a nonce it handed out, beyond its single-use challenge. */
export interface IssuedWalletNonce {
  /** BASE64URL(SHA-256(nonce)): the nonce itself is never stored. */
  nonceHash: string;
  /** Lower-case hex, as bound in the challenge store. */
  address: string;
  /** When the nonce stops being redeemable. */
  expiresAt: Date;
}

/**
 * A record of every nonce issued, kept well past its expiry. The challenge store alone cannot
 * tell a consumed nonce from one that never existed (both are simply gone); with this record,
 * a nonce that was issued, is not expired and is no longer redeemable has been used. Written
 * before the nonce is handed out, so concurrent redeemers never see a gap.
 */
export abstract class WalletNonceLedger {
  abstract record(nonce: IssuedWalletNonce): Promise<void>;

  abstract find(nonceHash: string): Promise<IssuedWalletNonce | null>;
}
