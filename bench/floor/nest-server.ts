// The framework floor: NestJS on the platform Proofgate runs on (Fastify), serving one POST whose
// JSON body is a DTO checked by Nest's ValidationPipe (class-validator), answered with JSON;
// nothing else. It is what any route of a NestJS service costs before its own work, so
// Proofgate's paths are compared with it as well as with a bare app (server.mjs).
//   GET  /      ready
//   POST /noop  the body of a code exchange, validated, then `{ ok, received }`
//   POST /form  the same as a form (application/x-www-form-urlencoded, as /token takes it)
//
// Environment: PORT; PLATFORM=express runs it on @nestjs/platform-express (with the body parsers
// the Express build had) instead, for `npm run bench:platform` (issue #36): a devDependency,
// loaded by name only then.
import 'reflect-metadata';
import { Body, Controller, Get, HttpCode, Module, Post, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { AbstractHttpAdapter } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { IsString, MaxLength } from 'class-validator';

class FloorBody {
  @IsString()
  @MaxLength(64)
  grant_type!: string;

  @IsString()
  @MaxLength(128)
  code!: string;

  @IsString()
  @MaxLength(128)
  code_verifier!: string;
}

@Controller()
class FloorController {
  @Get()
  ready(): { ok: true } {
    return { ok: true };
  }

  @Post('noop')
  @HttpCode(200)
  noop(@Body() body: FloorBody): { ok: true; received: number } {
    return { ok: true, received: Object.keys(body).length };
  }

  @Post('form')
  @HttpCode(200)
  form(@Body() body: FloorBody): { ok: true; received: number } {
    return { ok: true, received: Object.keys(body).length };
  }
}

@Module({ controllers: [FloorController] })
class FloorModule {}

type Adapter = new () => AbstractHttpAdapter;
type BodyParser = (options?: object) => (req: unknown, res: unknown, next: () => void) => void;

/** Fastify, which parses JSON and forms itself, or Express with the Express build's body parsers. */
async function create(): Promise<INestApplication> {
  if (process.env.PLATFORM === 'express') {
    /* eslint-disable @typescript-eslint/no-require-imports -- optional: installed only to measure */
    const { ExpressAdapter } = require('@nestjs/platform-express') as { ExpressAdapter: Adapter };
    const { json, urlencoded } = require('express') as { json: BodyParser; urlencoded: BodyParser };
    /* eslint-enable @typescript-eslint/no-require-imports */
    const app = await NestFactory.create(FloorModule, new ExpressAdapter(), {
      logger: ['error'],
      bodyParser: false,
    });
    app.use(json(), urlencoded({ extended: false, parameterLimit: 50 }));
    return app;
  }
  return NestFactory.create(FloorModule, new FastifyAdapter(), { logger: ['error'] });
}

async function main(): Promise<void> {
  const app = await create();
  app.useGlobalPipes(
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
  );
  await app.listen(Number(process.env.PORT), '127.0.0.1');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
