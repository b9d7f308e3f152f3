import type { Type } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';

/** A Nest application of these controllers alone, and the OpenAPI document of their routes. */
export interface DocumentedRoutes {
  readonly app: NestFastifyApplication;
  readonly document: OpenAPIObject;
}

/**
 * Serves the controllers (Fastify, as the service does) for a spec of route decorators: what a
 * route answers, through `app`, and what it documents, in `document`. The spec closes `app`.
 */
export async function documentedRoutes(controllers: Type<unknown>[]): Promise<DocumentedRoutes> {
  const moduleRef = await Test.createTestingModule({ controllers }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
    logger: false,
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return { app, document: SwaggerModule.createDocument(app, new DocumentBuilder().build()) };
}
