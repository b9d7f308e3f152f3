// The framework floor: NestJS on its default Express adapter, serving one POST whose JSON body is
// a DTO checked by Nest's ValidationPipe (class-validator), answered with JSON; nothing else. It is
// what any route of a NestJS service costs before its own work, so Proofgate's paths are compared
// with it as well as with a bare Express app (server.mjs).
//   GET  /      ready
//   POST /noop  the body of a code exchange, validated, then `{ ok, received }`
//   POST /form  the same as a form (application/x-www-form-urlencoded, as /token takes it)
//
// Environment: PORT; PLATFORM=fastify runs it on @nestjs/platform-fastify (which parses forms itself)
// instead of Express, for `npm run bench:platform` (issue #36). It is not a dependency of the
// project: that script says how to install it for a measurement.
import 'reflect-metadata';
import { Body, Controller, Get, HttpCode, Module, Post, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AbstractHttpAdapter } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { json, urlencoded } from 'express';
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

/** Express with the body parsers Proofgate uses (src/app.setup.ts), or Fastify with its own. */
async function create(): Promise<INestApplication> {
  if (process.env.PLATFORM !== 'fastify') {
    const app = await NestFactory.create(FloorModule, { logger: ['error'], bodyParser: false });
    app.use(json(), urlencoded({ extended: false, parameterLimit: 50 }));
    return app;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional: installed only to measure
  const { FastifyAdapter } = require('@nestjs/platform-fastify') as {
    FastifyAdapter: new () => AbstractHttpAdapter;
  };
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
