import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const WALLET_NONCE_LEDGER_COLLECTION = 'wallet_nonce_receipts';

@Schema({ collection: WALLET_NONCE_LEDGER_COLLECTION, versionKey: false, strict: 'throw' })
export class WalletNonceReceiptRecord {
  /** BASE64URL(SHA-256(nonce)). */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  address!: string;

  @Prop({ type: Date, required: true })
  expiresAt!: Date;

  /** Removal time: long enough after `expiresAt` to recognise replays of recent logins. */
  @Prop({ type: Date, required: true })
  purgeAt!: Date;
}

export const WalletNonceReceiptSchema = SchemaFactory.createForClass(WalletNonceReceiptRecord);
WalletNonceReceiptSchema.index({ purgeAt: 1 }, { expireAfterSeconds: 0 });
