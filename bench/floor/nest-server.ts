// The framework floor: NestJS on its default Express adapter, serving one POST whose JSON body is
// a DTO checked by Nest's ValidationPipe (class-validator), answered with JSON; nothing else. It is
// what any route of a NestJS service costs before its own work, so Proofgate's paths are compared
// with it as well as with a bare Express app (server.mjs).
//   GET  /      ready
//   POST /noop  the body of a code exchange, validated, then `{ ok, received }`
//
// Environment: PORT.
import 'reflect-metadata';
import { Body, Controller, Get, HttpCode, Module, Post, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
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
}

@Module({ controllers: [FloorController] })
class FloorModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(FloorModule, { logger: ['error'] });
  app.useGlobalPipes(
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
  );
  await app.listen(Number(process.env.PORT), '127.0.0.1');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
