import type { ArgumentMetadata, Type } from '@nestjs/common';
import { MaxLength } from 'class-validator';
import { InvalidRequest } from '../platform/errors/protocol-error';
import { compileTextParameters } from '../platform/validation/text-parameters';
import {
  IgnoreUnknownParameters,
  MergePatch,
  RequestValidationPipe,
} from '../platform/validation/validation.pipe';
import { AuthorizationRequestDto } from './request-rules/authorization-request.dto';
import { ClientAuthenticationDto } from './client-authentication.dto';
import { DeviceAuthorizationRequestDto } from './device/device-authorization-request.dto';
import { OptionalOAuthParam, RequiredOAuthParam } from './oauth-params';
import { TokenOperationRequestDto } from './revocation/token-operation-request.dto';
import { TokenRequestDto } from './token/token-request.dto';

/** Refuses unknown parameters, unlike the OAuth endpoints' DTOs: the other branch of the reader. */
class StrictParamsDto {
  @RequiredOAuthParam('name is required')
  name!: string;

  @OptionalOAuthParam()
  note?: string;
}

@IgnoreUnknownParameters()
class ExtraRuleDto {
  @OptionalOAuthParam()
  @MaxLength(3)
  short?: string;
}

/** A JSON Merge Patch of text parameters (RFC 7396 §2): a top-level null passes, as a removal. */
@MergePatch()
class MergePatchParamsDto {
  @OptionalOAuthParam()
  name?: string;

  @OptionalOAuthParam()
  note?: string;
}

/** A small deterministic generator (mulberry32), so a failure names a seed that replays it. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIELDS_OF = new Map<Type<unknown>, string[]>([
  [TokenRequestDto, ['grant_type', 'code', 'code_verifier', 'redirect_uri', 'client_id', 'scope']],
  [
    AuthorizationRequestDto,
    ['response_type', 'client_id', 'redirect_uri', 'state', 'scope', 'resource', 'resource'],
  ],
  [TokenOperationRequestDto, ['token', 'token_type_hint', 'client_id', 'client_secret']],
  [DeviceAuthorizationRequestDto, ['scope', 'client_id', 'resource']],
  [ClientAuthenticationDto, ['client_id', 'client_secret']],
  [StrictParamsDto, ['name', 'note']],
  [ExtraRuleDto, ['short']],
  [MergePatchParamsDto, ['name', 'note']],
]);
const OTHER_KEYS = ['unknown', 'nonce_x', '__proto__', 'constructor', 'prototype', 'toString'];
const VALUES: unknown[] = [
  '',
  'abc',
  'a b+c',
  'x'.repeat(200),
  5,
  null,
  true,
  { a: 'b' },
  // A parameter sent more than once: refused, unless repeatable (RFC 8707 §2 `resource`).
  ['abc', 'a b+c'],
  ['', 'abc'],
  [''],
  ['abc', 5],
  [],
];

function randomInput(next: () => number, fields: readonly string[]): unknown {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  const roll = next();
  if (roll < 0.03) return undefined;
  if (roll < 0.05) return 'text';
  // Form bodies and queries come as objects without a prototype; JSON bodies with one.
  const input: Record<string, unknown> = next() < 0.5 ? Object.create(null) : {};
  const count = Math.floor(next() * (fields.length + 2));
  for (let i = 0; i < count; i++) {
    const key = next() < 0.85 ? pick(fields) : pick(OTHER_KEYS);
    const value = next() < 0.7 ? pick(VALUES.slice(0, 4)) : pick(VALUES);
    Object.defineProperty(input, key, {
      value,
      enumerable: true,
      configurable: true,
      writable: true,
    });
  }
  return input;
}

type Outcome = { refused: string } | { built: object; prototype: unknown; keys: string[] };

async function outcome(pipe: RequestValidationPipe, value: unknown, metatype: Type<unknown>) {
  const metadata: ArgumentMetadata = { type: 'body', metatype };
  try {
    // Each path gets its own copy: the full path deletes keys of the value it is given.
    const built = (await pipe.transform(structuredCopy(value), metadata)) as object;
    return {
      built: { ...built },
      prototype: Object.getPrototypeOf(built),
      keys: Object.keys(built),
    };
  } catch (error) {
    if (!(error instanceof InvalidRequest)) throw error;
    return { refused: error.description } satisfies Outcome;
  }
}

function structuredCopy(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> =
    Object.getPrototypeOf(value) === null ? Object.create(null) : {};
  for (const [key, field] of Object.entries(value)) {
    Object.defineProperty(copy, key, {
      value: field,
      enumerable: true,
      configurable: true,
      writable: true,
    });
  }
  return copy;
}

describe('OAuth parameters: the compiled reader against class-validator', () => {
  const compiled = new RequestValidationPipe();
  const full = new RequestValidationPipe({ compiled: false });

  it('builds what the full path builds and refuses what it refuses, with its message', async () => {
    let taken = 0;
    for (const [dto, fields] of FIELDS_OF) {
      const reader = compileTextParameters(
        dto,
        dto !== StrictParamsDto && dto !== MergePatchParamsDto,
      );
      for (let seed = 1; seed <= 400; seed++) {
        const value = randomInput(random(seed), fields);
        if (reader?.(structuredCopy(value)) !== undefined) taken += 1;
        const fast = await outcome(compiled, value, dto);
        const reference = await outcome(full, value, dto);
        try {
          expect(fast).toStrictEqual(reference);
        } catch (error) {
          throw new Error(`${dto.name}, seed ${seed}: ${(error as Error).message}`);
        }
      }
    }
    // The comparison is only worth something if the reader answered for a good share of them.
    expect(taken).toBeGreaterThan(600);
  });

  it('reads only DTOs made of text parameters', () => {
    expect(compileTextParameters(TokenRequestDto, true)).toBeInstanceOf(Function);
    expect(compileTextParameters(AuthorizationRequestDto, true)).toBeInstanceOf(Function);
    expect(compileTextParameters(ExtraRuleDto, true)).toBeNull();
  });

  it('reads a code exchange as the token endpoint gets it', () => {
    const reader = compileTextParameters(TokenRequestDto, true)!;
    const body = Object.assign(Object.create(null) as object, {
      grant_type: 'authorization_code',
      code: 'c0de',
      code_verifier: '',
      extension: 'ignored',
    });
    const dto = reader(body) as TokenRequestDto;
    expect(dto).toBeInstanceOf(TokenRequestDto);
    expect(dto.code).toBe('c0de');
    expect(dto.code_verifier).toBeUndefined();
    expect('extension' in dto).toBe(false);
    // Without the required grant_type, the full path decides (and refuses).
    expect(reader({ code: 'c0de' })).toBeUndefined();
  });

  it('reads `resource` at /authorize as the list of its values (RFC 8707 §2), one or several', () => {
    const reader = compileTextParameters(AuthorizationRequestDto, true)!;
    const one = reader({
      client_id: 'c',
      resource: 'https://a.example/',
    }) as AuthorizationRequestDto;
    expect(one.resource).toEqual(['https://a.example/']);
    const two = reader({
      client_id: 'c',
      resource: ['https://a.example/', '', 'https://b.example/'],
    }) as AuthorizationRequestDto;
    expect(two.resource).toEqual(['https://a.example/', 'https://b.example/']);
    expect((reader({ resource: [''] }) as AuthorizationRequestDto).resource).toBeUndefined();
    // Not a list of texts: the full path decides (and refuses).
    expect(reader({ resource: ['https://a.example/', 5] })).toBeUndefined();
  });
});
