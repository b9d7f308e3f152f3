import {
  applyDecorators,
  ArgumentMetadata,
  Type,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';
import { Transform } from 'class-transformer';
import type { MetadataStorage } from 'class-transformer/types/MetadataStorage';
import {
  getMetadataStorage,
  ValidateBy,
  type ValidationOptions,
  ValidatorOptions,
} from 'class-validator';
import { InvalidRequest } from '../errors/protocol-error';
import { nestedFieldsOf, nullSkippedByValidation } from './null-fields';
import {
  compileTextParameters,
  isTextList,
  textValues,
  type TextParametersReader,
} from './text-parameters';

interface TransformerStorage {
  readonly defaultMetadataStorage: MetadataStorage;
}

/**
 * class-transformer's registry of `@Type` (which class a nested field is built as). The package
 * exports it only from this path, as `@nestjs/mapped-types` reads it.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const transformerStorage = require('class-transformer/cjs/storage') as TransformerStorage;
const transformerMetadata = transformerStorage.defaultMetadataStorage;

const IGNORES_UNKNOWN_PARAMETERS = 'proofgate:ignores-unknown-parameters';

/**
 * Marks a request DTO whose unknown parameters are dropped instead of refused. Only for
 * protocols that demand it (RFC 6749 §3.1, §3.2: the server MUST ignore unrecognized request
 * parameters); every other DTO refuses unknown fields.
 */
export function IgnoreUnknownParameters(): ClassDecorator {
  return (target) => Reflect.defineMetadata(IGNORES_UNKNOWN_PARAMETERS, true, target);
}

function ignoresUnknownParameters(type: unknown): boolean {
  return (
    typeof type === 'function' && Reflect.getMetadata(IGNORES_UNKNOWN_PARAMETERS, type) === true
  );
}

const MERGE_PATCH = 'proofgate:merge-patch';

/**
 * Marks a PATCH body read as a JSON Merge Patch (RFC 7396 §2: a member whose value is null is
 * removed from the target): a top-level field that may be left out may be sent as `null`, and
 * the handler gets the `null`, meaning "remove it". Only at the top level: `null` inside a
 * field's value stays refused, as it is everywhere else. Only for a body whose handler reads a
 * `null` as a removal; every other DTO refuses `null` in a field that may be left out.
 */
export function MergePatch(): ClassDecorator {
  return (target) => Reflect.defineMetadata(MERGE_PATCH, true, target);
}

function isMergePatch(type: unknown): boolean {
  return typeof type === 'function' && Reflect.getMetadata(MERGE_PATCH, type) === true;
}

/** The name of `RepeatableParameter`'s rule: how the pipe knows a field accepts repeats. */
const REPEATABLE_PARAMETER = 'isRepeatableParameter';

/**
 * Marks a text parameter a request may send more than once (`?resource=a&resource=b`), where the
 * protocol says so (RFC 8707 §2: `resource` "MAY be used multiple times"): every other parameter
 * sent twice is refused. The field reads as the list of its values in the order sent, a single
 * value as a list of one (`textValues`), and is its validation rule too: every value text.
 * Being a class-validator rule, it is inherited wherever the DTO's rules are (mapped types).
 */
export function RepeatableParameter(options?: ValidationOptions): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => textValues(value)),
    ValidateBy(
      {
        name: REPEATABLE_PARAMETER,
        validator: {
          validate: isTextList,
          defaultMessage: () => '$property must be text, or several texts',
        },
      },
      options,
    ),
  );
}

/**
 * Rules on a value's size or form: said only when no rule on its presence or type is broken. A
 * field's rules come out in no order of their own (decorators apply bottom-up), and a missing or
 * non-text value breaks its length rule too: "must be shorter than 64 characters" was said of a
 * value that was not there.
 */
const FORM_RULES = new Set([
  'maxLength',
  'minLength',
  'isLength',
  'matches',
  'min',
  'max',
  'arrayMaxSize',
  'arrayMinSize',
]);

/** The message of the rule to say first: presence and type before size and form. */
function firstRuleMessage(constraints: Record<string, string>): string {
  const rules = Object.keys(constraints);
  const rule = rules.find((name) => !FORM_RULES.has(name)) ?? rules[0];
  return constraints[rule];
}

function firstMessage(errors: ValidationError[], parent = ''): string {
  for (const error of errors) {
    const path = parent ? `${parent}.${error.property}` : error.property;
    if (error.constraints) {
      if (error.constraints.whitelistValidation) return `Unknown parameter: ${path}`;
      return firstRuleMessage(error.constraints).replace(error.property, path);
    }
    if (error.children?.length) return firstMessage(error.children, path);
  }
  return 'The request is invalid';
}

/** The fields a DTO declares: those with validation rules (the others are never accepted). */
function declaredFields(dto: Type<unknown>): Set<string> {
  return new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(dto, '', true, false)
      .map((rule) => rule.propertyName),
  );
}

/** The fields a DTO declares repeatable (`RepeatableParameter`). */
function repeatableFields(dto: Type<unknown>): Set<string> {
  return new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(dto, '', true, false)
      .filter((rule) => rule.name === REPEATABLE_PARAMETER)
      .map((rule) => rule.propertyName),
  );
}

/**
 * May `field` arrive as an array? Only if the DTO declares it repeatable, or (a JSON body's
 * list) declares it an array.
 */
function allowsArray(dto: Type<unknown>, field: string): boolean {
  if (repeatableFields(dto).has(field)) return true;
  if (declaredFields(dto).has(field)) {
    return Reflect.getMetadata('design:type', dto.prototype as object, field) === Array;
  }
  // An unknown field is refused as unknown by validation, or dropped: only then checked here.
  return !ignoresUnknownParameters(dto);
}

/**
 * A parameter sent more than once (`?a=1&a=2`, a form field twice) arrives as an array. It is
 * refused, naming the parameter (RFC 6749 §3.1, §3.2: "Request and response parameters MUST NOT
 * be included more than once"), unless the handler expects an array there: a field marked
 * `RepeatableParameter`, or a JSON body's list.
 */
function refuseRepeated(value: unknown, { data, metatype }: ArgumentMetadata, dto?: Type<unknown>) {
  const repeated = (name: string) => new InvalidRequest(`Parameter ${name} must not be repeated`);
  if (data !== undefined) {
    if (Array.isArray(value) && metatype !== Array && !dto) throw repeated(data);
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
  for (const [name, field] of Object.entries(value as Record<string, unknown>)) {
    if (Array.isArray(field) && !(dto && allowsArray(dto, name))) {
      throw repeated(name);
    }
  }
}

/**
 * An unknown field named as a member every object has (`constructor`, `toString`,
 * `hasOwnProperty`, `__proto__`…) is refused as any unknown field is: class-transformer leaves
 * such a name out of the object it builds (it would shadow a method), and Nest's pipe deletes
 * `constructor`, `prototype` and `__proto__` from the body before, at every depth, so
 * whitelisting never saw it and the request passed with the field silently dropped. Nested DTOs
 * (`@ValidateNested` with `@Type`, lists of them by index) are searched too, before anything is
 * deleted, each name given with its path as class-validator names a nested field.
 */
function refuseObjectMembers(value: unknown, dto: Type<unknown>, parent = ''): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
  for (const key of Object.keys(value)) {
    const member = key === '__proto__' || key in (dto.prototype as object);
    if (member && !declaredFields(dto).has(key)) {
      throw new InvalidRequest(`Unknown parameter: ${parent ? `${parent}.${key}` : key}`);
    }
  }
  for (const { field, type } of nestedDtos(dto)) {
    const path = parent ? `${parent}.${field}` : field;
    const nested = (value as Record<string, unknown>)[field];
    if (Array.isArray(nested)) {
      nested.forEach((item, index) => refuseObjectMembers(item, type, `${path}.${index}`));
    } else {
      refuseObjectMembers(nested, type, path);
    }
  }
}

interface NestedDto {
  readonly field: string;
  readonly type: Type<unknown>;
}

const nestedDtosByClass = new WeakMap<object, readonly NestedDto[]>();

/**
 * The fields a DTO validates as DTOs of their own (`@ValidateNested`), each with the class its
 * `@Type` names; a field with no such class, or one of a DTO that ignores unknown parameters, is
 * left out.
 */
function nestedDtos(dto: Type<unknown>): readonly NestedDto[] {
  let found = nestedDtosByClass.get(dto);
  if (found === undefined) {
    found = nestedFieldsOf(dto).flatMap((field) => {
      const type = transformerMetadata.findTypeMetadata(dto, field)?.typeFunction() as
        Type<unknown> | undefined;
      return type && !ignoresUnknownParameters(type) ? [{ field, type }] : [];
    });
    nestedDtosByClass.set(dto, found);
  }
  return found;
}

/** A field sent as JSON `null`: told apart from one left out, which is how to send no value. */
function nullRefusal(path: string): ValidationError {
  return {
    property: path,
    constraints: { notNull: `${path} must not be null: leave it out instead` },
    children: [],
  };
}

/**
 * The one global pipe (registered as APP_PIPE): refuses repeated parameters in every query and
 * body, and `null` in a field that may be left out (at any depth: `null-fields.ts`; but at the
 * top level of a body marked `@MergePatch()`, where it means "remove it"), then
 * validates and transforms DTOs (`whitelist`, `forbidNonWhitelisted` unless the DTO is
 * marked with `@IgnoreUnknownParameters()`, `transform`). Failures become `400 invalid_request`
 * naming the first offending parameter, never its value. A DTO made only of text parameters
 * (the OAuth endpoints') is built without class-transformer and class-validator when the request
 * is plainly valid (`compileTextParameters`); anything else goes through them. The compiled
 * reader never takes a `null` (it is not text): a Merge Patch's removal goes the full way.
 */
export class RequestValidationPipe extends ValidationPipe {
  private readonly readers = new Map<Type<unknown>, TextParametersReader | null>();

  /** `compiled: false`: every DTO through class-validator (the parity spec's reference). */
  constructor(private readonly options: { compiled: boolean } = { compiled: true }) {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => new InvalidRequest(firstMessage(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') {
      const dto = this.toValidate(metadata) ? (metadata.metatype as Type<unknown>) : undefined;
      refuseRepeated(value, metadata, dto);
      const entity = dto && metadata.data === undefined ? this.readerFor(dto)?.(value) : undefined;
      if (entity !== undefined) return entity;
      // The compiled reader reads declared fields alone: only class-transformer's way needs it.
      if (dto && metadata.data === undefined && !ignoresUnknownParameters(dto)) {
        refuseObjectMembers(value, dto);
      }
    }
    return super.transform(value, metadata) as Promise<unknown>;
  }

  private readerFor(dto: Type<unknown>): TextParametersReader | null {
    if (!this.options.compiled) return null;
    let reader = this.readers.get(dto);
    if (reader === undefined) {
      reader = compileTextParameters(dto, ignoresUnknownParameters(dto));
      this.readers.set(dto, reader);
    }
    return reader;
  }

  protected override validate(
    object: object,
    options?: ValidatorOptions,
  ): Promise<ValidationError[]> | ValidationError[] {
    const nullField = nullSkippedByValidation(object, {
      topLevel: isMergePatch(object.constructor),
    });
    if (nullField !== undefined) return [nullRefusal(nullField)];
    return super.validate(
      object,
      ignoresUnknownParameters(object.constructor)
        ? { ...options, forbidNonWhitelisted: false }
        : options,
    );
  }
}

export function createValidationPipe(): ValidationPipe {
  return new RequestValidationPipe();
}
