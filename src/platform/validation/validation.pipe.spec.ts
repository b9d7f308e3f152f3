import type { ArgumentMetadata, Type } from '@nestjs/common';
import { Type as NestedType } from 'class-transformer';
import { IntersectionType } from '@nestjs/swagger';
import {
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { InvalidRequest } from '../errors/protocol-error';
import { compileTextParameters, markTextParameter } from './text-parameters';
import {
  IgnoreUnknownParameters,
  MergePatch,
  RepeatableParameter,
  RequestValidationPipe,
} from './validation.pipe';

class StrictDto {
  @IsString()
  name!: string;

  @IsOptional()
  @IsInt()
  count?: number;

  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  tags?: string[];
}

@IgnoreUnknownParameters()
class LenientDto {
  @IsOptional()
  @IsString()
  name?: string;
}

class InnerDto {
  @IsString()
  id!: string;

  @IsOptional()
  @IsString()
  note?: string;
}

class OuterDto {
  @IsOptional()
  @IsString()
  return_to?: string;

  @IsOptional()
  @ValidateNested()
  @NestedType(() => InnerDto)
  inner?: InnerDto;

  @IsOptional()
  @ValidateNested({ each: true })
  @NestedType(() => InnerDto)
  list?: InnerDto[];

  @ValidateIf((dto: OuterDto) => dto.return_to !== undefined)
  @IsString()
  only_with_return_to?: string;
}

/** A required text of bounded length, its length rule written below its type's (as most are). */
class BoundedDto {
  @IsString()
  @MaxLength(64)
  response_code!: string;
}

/** Text parameters only: read by the compiled path when a request is plainly valid. */
class TextDto {
  @IsOptional()
  @IsString()
  @markTextParameter(false)
  scope?: string;
}

/** A parameter that may be repeated beside one that may not. */
class RepeatableDto {
  @IsOptional()
  @RepeatableParameter()
  resource?: string[];

  @IsOptional()
  @IsString()
  scope?: string;
}

/** Its rules inherited by a mapped type, as POST /par's DTO inherits /authorize's. */
class AuthenticationDto {
  @IsOptional()
  @IsString()
  client_id?: string;
}
class CombinedDto extends IntersectionType(AuthenticationDto, RepeatableDto) {}

/** A JSON Merge Patch (RFC 7396 §2): a top-level field sent as null is one to remove. */
@MergePatch()
class PatchDto extends OuterDto {
  @IsString()
  name!: string;
}

/** The same, of text parameters alone: what the compiled reader reads when it can. */
@MergePatch()
class TextPatchDto extends TextDto {}

describe('RequestValidationPipe', () => {
  const pipe = new RequestValidationPipe();
  const run = (value: unknown, metatype: Type<unknown>, type: ArgumentMetadata['type'] = 'body') =>
    pipe.transform(value, { type, metatype });
  const refusal = async (attempt: Promise<unknown>) => {
    const error = await attempt.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidRequest);
    return (error as InvalidRequest).description;
  };

  describe('repeated parameters (RFC 6749 §3.1, §3.2)', () => {
    it('refuses a declared field sent twice, naming it, in a body or a query', async () => {
      expect(await refusal(run({ name: ['a', 'b'] }, StrictDto))).toBe(
        'Parameter name must not be repeated',
      );
      expect(await refusal(run({ name: ['a', 'b'] }, LenientDto, 'query'))).toBe(
        'Parameter name must not be repeated',
      );
    });

    it('refuses repetition before any other fault, whatever the field type', async () => {
      expect(await refusal(run({ count: ['1', '2'], name: 5 }, StrictDto))).toBe(
        'Parameter count must not be repeated',
      );
    });

    it('refuses an unrecognized parameter sent twice even where unknown ones are ignored', async () => {
      expect(await refusal(run({ name: 'a', extra: ['1', '2'] }, LenientDto))).toBe(
        'Parameter extra must not be repeated',
      );
    });

    it('accepts an array for a field the DTO declares as one', async () => {
      await expect(run({ name: 'a', tags: ['x', 'y'] }, StrictDto)).resolves.toEqual({
        name: 'a',
        tags: ['x', 'y'],
      });
    });

    it('refuses a repeated single named parameter (`@Query("x")`)', async () => {
      await expect(
        pipe.transform(['1', '2'], { type: 'query', data: 'x', metatype: String }),
      ).rejects.toThrow('Parameter x must not be repeated');
      await expect(
        pipe.transform(['1', '2'], { type: 'query', data: 'x', metatype: Array }),
      ).resolves.toEqual(['1', '2']);
    });

    it('accepts repeats of a field marked @RepeatableParameter(), read as the list of its values', async () => {
      await expect(run({ resource: ['a', 'b'] }, RepeatableDto, 'query')).resolves.toEqual({
        resource: ['a', 'b'],
      });
      await expect(run({ resource: 'a' }, RepeatableDto, 'query')).resolves.toEqual({
        resource: ['a'],
      });
      // RFC 6749 §3.1: a value left empty is absent, in a list too.
      await expect(run({ resource: ['', 'b'] }, RepeatableDto)).resolves.toEqual({
        resource: ['b'],
      });
      expect(await refusal(run({ resource: ['a', 5] }, RepeatableDto))).toBe(
        'resource must be text, or several texts',
      );
      expect(await refusal(run({ resource: ['a'], scope: ['x', 'y'] }, RepeatableDto))).toBe(
        'Parameter scope must not be repeated',
      );
    });

    it('keeps a field repeatable in a mapped type that inherits its rules', async () => {
      await expect(
        run({ client_id: 'c', resource: ['a', 'b'] }, CombinedDto, 'body'),
      ).resolves.toEqual({ client_id: 'c', resource: ['a', 'b'] });
      await expect(run({ resource: 'a' }, CombinedDto)).resolves.toEqual({ resource: ['a'] });
      expect(await refusal(run({ client_id: ['c', 'd'] }, CombinedDto))).toBe(
        'Parameter client_id must not be repeated',
      );
    });

    it('checks bodies without a DTO class too', async () => {
      expect(await refusal(run({ a: ['1', '2'] }, Object))).toBe(
        'Parameter a must not be repeated',
      );
    });
  });

  describe('unknown parameters', () => {
    it('refuses them by default, naming the first', async () => {
      expect(await refusal(run({ name: 'a', extra: '1' }, StrictDto))).toBe(
        'Unknown parameter: extra',
      );
      expect(await refusal(run({ name: 'a', extra: ['1', '2'] }, StrictDto))).toBe(
        'Unknown parameter: extra',
      );
    });

    it.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__'])(
      'refuses one named as a member every object has: %s (class-transformer drops it)',
      async (name) => {
        const body = JSON.parse(`{"name":"a","${name}":"x"}`) as unknown;
        expect(await refusal(run(body, StrictDto))).toBe(`Unknown parameter: ${name}`);
        expect(await refusal(run(body, StrictDto, 'query'))).toBe(`Unknown parameter: ${name}`);
        // A DTO of text parameters alone, which the compiled reader reads when it can.
        const text = JSON.parse(`{"scope":"openid","${name}":"x"}`) as unknown;
        expect(await refusal(run(text, TextDto))).toBe(`Unknown parameter: ${name}`);
      },
    );

    it.each(['constructor', 'toString', '__proto__'])(
      'refuses %s in a nested DTO and in a list of them, with the path',
      async (name) => {
        const inner = JSON.parse(`{"inner":{"id":"a","${name}":"x"}}`) as unknown;
        expect(await refusal(run(inner, OuterDto))).toBe(`Unknown parameter: inner.${name}`);
        const list = JSON.parse(`{"list":[{"id":"a"},{"id":"b","${name}":1}]}`) as unknown;
        expect(await refusal(run(list, OuterDto))).toBe(`Unknown parameter: list.1.${name}`);
      },
    );

    it('still takes nested DTOs that name no such member', async () => {
      const dto = await run({ inner: { id: 'a' }, list: [{ id: 'b', note: 'n' }] }, OuterDto);
      expect(dto).toEqual({ inner: { id: 'a' }, list: [{ id: 'b', note: 'n' }] });
      expect((dto as OuterDto).inner).toBeInstanceOf(InnerDto);
    });

    it('drops them from a DTO marked @IgnoreUnknownParameters()', async () => {
      const dto = await run({ name: 'a', extra: '1' }, LenientDto);
      expect(dto).toBeInstanceOf(LenientDto);
      expect(dto).toEqual({ name: 'a' });
    });
  });

  describe('null in a field that may be left out', () => {
    it('refuses it, naming the field, where @IsOptional() would pass it on', async () => {
      expect(await refusal(run({ return_to: null }, OuterDto))).toBe(
        'return_to must not be null: leave it out instead',
      );
      expect(await refusal(run({ scope: null }, TextDto))).toBe(
        'scope must not be null: leave it out instead',
      );
    });

    it('refuses it in a nested DTO and in a list of them, with the path', async () => {
      expect(await refusal(run({ inner: { id: 'a', note: null } }, OuterDto))).toBe(
        'inner.note must not be null: leave it out instead',
      );
      expect(await refusal(run({ list: [{ id: 'a' }, { id: 'b', note: null }] }, OuterDto))).toBe(
        'list.1.note must not be null: leave it out instead',
      );
      expect(await refusal(run({ inner: null }, OuterDto))).toBe(
        'inner must not be null: leave it out instead',
      );
    });

    it('refuses it where a @ValidateIf condition would skip the field', async () => {
      expect(await refusal(run({ only_with_return_to: null }, OuterDto))).toBe(
        'only_with_return_to must not be null: leave it out instead',
      );
    });

    it('leaves a required field’s refusal as it was, and an omitted field absent', async () => {
      expect(await refusal(run({ name: null }, StrictDto))).toBe('name must be a string');
      expect(await refusal(run({ inner: { id: null } }, OuterDto))).toBe(
        'inner.id must be a string',
      );
      await expect(run({ inner: { id: 'a' } }, OuterDto)).resolves.toEqual({ inner: { id: 'a' } });
    });
  });

  describe.each([
    ['compiled', new RequestValidationPipe()],
    ['class-validator', new RequestValidationPipe({ compiled: false })],
  ])('null in a body marked @MergePatch() (%s)', (_, patchPipe) => {
    const patch = (value: unknown, metatype: Type<unknown>) =>
      patchPipe.transform(value, { type: 'body', metatype });

    it('hands a top-level field sent as null to the handler, as null', async () => {
      const text = await patch({ scope: null }, TextPatchDto);
      expect(text).toBeInstanceOf(TextPatchDto);
      expect(text).toEqual({ scope: null });
      await expect(patch({ scope: 'openid' }, TextPatchDto)).resolves.toEqual({ scope: 'openid' });
      await expect(
        patch({ name: 'a', inner: null, list: null, only_with_return_to: null }, PatchDto),
      ).resolves.toEqual({ name: 'a', inner: null, list: null, only_with_return_to: null });
    });

    it('refuses it inside a field, as every other body does', async () => {
      expect(await refusal(patch({ name: 'a', inner: { id: 'a', note: null } }, PatchDto))).toBe(
        'inner.note must not be null: leave it out instead',
      );
      expect(
        await refusal(patch({ name: 'a', list: [{ id: 'a' }, { id: 'b', note: null }] }, PatchDto)),
      ).toBe('list.1.note must not be null: leave it out instead');
    });

    it('leaves a required field’s refusal as it was, and an unknown field’s', async () => {
      expect(await refusal(patch({ name: null }, PatchDto))).toBe('name must be a string');
      expect(await refusal(patch({ scope: 'openid', extra: null }, TextPatchDto))).toBe(
        'Unknown parameter: extra',
      );
    });

    it('still refuses it in a body not marked, a marked one’s parent included', async () => {
      expect(await refusal(patch({ scope: null }, TextDto))).toBe(
        'scope must not be null: leave it out instead',
      );
      expect(await refusal(patch({ return_to: null }, OuterDto))).toBe(
        'return_to must not be null: leave it out instead',
      );
    });
  });

  it('reads a plainly valid Merge Patch of text parameters compiled, and leaves a null to the full path', () => {
    const reader = compileTextParameters(TextPatchDto, false)!;
    expect(reader({ scope: 'openid' })).toBeInstanceOf(TextPatchDto);
    expect(reader({ scope: null })).toBeUndefined();
  });

  it('answers other failures with the first message, as invalid_request', async () => {
    expect(await refusal(run({ name: 5 }, StrictDto))).toBe('name must be a string');
  });

  it('says a value is missing or of the wrong type before it says anything of its length', async () => {
    expect(await refusal(run({}, BoundedDto))).toBe('response_code must be a string');
    expect(await refusal(run({ response_code: { a: 1 } }, BoundedDto))).toBe(
      'response_code must be a string',
    );
    expect(await refusal(run({ response_code: 'x'.repeat(65) }, BoundedDto))).toBe(
      'response_code must be shorter than or equal to 64 characters',
    );
  });
});
