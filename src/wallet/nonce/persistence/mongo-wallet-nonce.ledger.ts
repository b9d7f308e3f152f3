import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { ensureIndexes } from '../../../platform/database/ensure-indexes';
import { IssuedWalletNonce, WalletNonceLedger } from '../wallet-nonce.ledger';
import { WalletNonceReceiptRecord } from './wallet-nonce-ledger.schema';

/** A replay after this long is answered `invalid_nonce` instead of `nonce_already_used`. */
const RETENTION_MS = 24 * 3600 * 1000;

@Injectable()
export class MongoWalletNonceLedger extends WalletNonceLedger implements OnModuleInit {
  constructor(
    @InjectModel(WalletNonceReceiptRecord.name)
    private readonly model: Model<WalletNonceReceiptRecord>,
  ) {
    super();
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.model);
  }

  async record(nonce: IssuedWalletNonce): Promise<void> {
    await this.model.create({
      _id: nonce.nonceHash,
      address: nonce.address,
      expiresAt: nonce.expiresAt,
      purgeAt: new Date(nonce.expiresAt.getTime() + RETENTION_MS),
    });
  }

  async find(nonceHash: string): Promise<IssuedWalletNonce | null> {
    const record = await this.model.findById(nonceHash).lean<WalletNonceReceiptRecord>().exec();
    if (!record) return null;
    return { nonceHash: record._id, address: record.address, expiresAt: record.expiresAt };
  }
}
