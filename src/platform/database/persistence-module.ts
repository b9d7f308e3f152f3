import { Module, type Type } from '@nestjs/common';
import { type ModelDefinition, MongooseModule } from '@nestjs/mongoose';

/** An abstract class a feature's services inject, standing for its storage. */
type Port = abstract new (...args: never[]) => unknown;

/**
 * A feature's persistence module: its Mongoose models, and the Mongo implementation bound to the
 * abstract class its services inject (the repository is the injection token, so services never
 * see a Mongoose document). The module exports that port and nothing else.
 */
export function PersistenceModule(
  port: Port,
  implementation: Type<unknown>,
  models: ModelDefinition[],
): ClassDecorator {
  return Module({
    imports: [MongooseModule.forFeature(models)],
    providers: [{ provide: port, useClass: implementation }],
    exports: [port],
  });
}
