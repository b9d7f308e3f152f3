import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { isDuplicateKey } from '../../../platform/database/duplicate-key';
import { type Operator, OperatorRepository } from '../operator';
import { OperatorDocument } from './operator.schema';

@Injectable()
export class MongoOperatorRepository extends OperatorRepository {
  constructor(@InjectModel(OperatorDocument.name) private readonly model: Model<OperatorDocument>) {
    super();
  }

  async add(operator: Operator): Promise<boolean> {
    try {
      // One insert on `_id`: two grants racing write one record.
      await this.model.create({
        _id: operator.sub,
        grantedAt: operator.grantedAt,
        grantedBy: operator.grantedBy,
      });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async remove(sub: string): Promise<boolean> {
    const { deletedCount } = await this.model.deleteOne({ _id: { $eq: sub } }).exec();
    return deletedCount === 1;
  }

  async isOperator(sub: string): Promise<boolean> {
    const found = await this.model
      .findOne({ _id: { $eq: sub } }, { _id: 1 })
      .lean()
      .exec();
    return found !== null;
  }

  async page({ after, limit }: { readonly after?: string; readonly limit: number }) {
    const records = await this.model
      .find(after === undefined ? {} : { _id: { $gt: after } })
      .sort({ _id: 1 })
      .limit(limit)
      .lean<OperatorDocument[]>()
      .exec();
    return records.map((record): Operator => ({
      sub: record._id,
      grantedAt: record.grantedAt,
      grantedBy: record.grantedBy,
    }));
  }
}
