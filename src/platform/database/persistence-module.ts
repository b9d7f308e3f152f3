import { Module, type OnModuleInit, type Type } from '@nestjs/common';
import { type ModelDefinition, MongooseModule, getModelToken } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { ensureIndexes } from './ensure-indexes';

/** An abstract class a feature's services inject, standing for its storage. */
type Port = abstract new (...args: never[]) => unknown;

/** Makes a module's collections and their indexes before the app takes traffic. */
class CollectionsReady implements OnModuleInit {
  constructor(private readonly models: readonly Model<unknown>[]) {}

  async onModuleInit(): Promise<void> {
    for (const model of this.models) await ensureIndexes(model);
  }
}

/**
 * A feature's persistence module: its Mongoose models, their collections and indexes made at
 * start, and the Mongo implementation bound to the abstract class its services inject (the
 * repository is the injection token, so services never see a Mongoose document). The module
 * exports that port and nothing else.
 */
export function PersistenceModule(
  port: Port,
  implementation: Type<unknown>,
  models: ModelDefinition[],
): ClassDecorator {
  return Module({
    imports: [MongooseModule.forFeature(models)],
    providers: [
      { provide: port, useClass: implementation },
      {
        provide: CollectionsReady,
        useFactory: (...ready: Model<unknown>[]) => new CollectionsReady(ready),
        inject: models.map((model) => getModelToken(model.name)),
      },
    ],
    exports: [port],
  });
}
