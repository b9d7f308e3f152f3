import type { Type } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';

const TEXT_PARAMETER = 'proofgate:text-parameter';

/** How a text parameter was declared: `markTextParameter(required, repeatable)`. */
interface TextParameterRule {
  readonly required: boolean;
  readonly repeatable: boolean;
}

/**
 * Marks a property as a text parameter (a form or query parameter: text or absent, `''` meaning
 * absent) for `compileTextParameters`. The decorator that calls it must give the property
 * exactly two class-validator rules: `IsOptional` or `IsDefined`, and `IsString`; or, for a
 * `repeatable` one, `IsOptional` and `RepeatableParameter` (read as the list of its values).
 */
export function markTextParameter(required: boolean, repeatable = false): PropertyDecorator {
  return (target, property) => {
    const rule: TextParameterRule = { required, repeatable };
    Reflect.defineMetadata(TEXT_PARAMETER, rule, target, property);
  };
}

/**
 * The values of a parameter that may be sent several times, as `RepeatableParameter` reads them:
 * one text or several, in the order sent, each `''` dropped (a value left empty is absent), and
 * none left meaning absent. Anything else (a JSON number, a list holding one) is returned as it
 * is, for validation to refuse.
 */
export function textValues(value: unknown): unknown {
  if (typeof value === 'string') return value === '' ? undefined : [value];
  if (!Array.isArray(value)) return value;
  const values = value.filter((item) => item !== '');
  return values.length === 0 ? undefined : values;
}

/** A list of texts: what a repeatable parameter holds once read (`textValues`). */
export function isTextList(value: unknown): value is string[] {
  return (
    Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string')
  );
}

/** What `compileTextParameters` answers: the DTO instance, or undefined to take the full path. */
export type TextParametersReader = (value: unknown) => object | undefined;

/**
 * For a DTO whose every field is a text parameter, a reader that builds the DTO instance from a
 * request that is plainly valid: a plain object of text values (a list of them for a repeatable
 * parameter), each key a field of the DTO (or,
 * where `ignoresUnknown`, any other key, then dropped: `__proto__` and `constructor` too, which
 * the full path deletes before reading), every required field present and not empty. What the full path (class-transformer, then class-validator)
 * would build from it: `new dto()`, each field set, `''` read as absent. Anything else answers
 * undefined, and the full path decides, so every refusal and its message stay class-validator's.
 *
 * The full path costs a code exchange about 5 % of its CPU and a fifth of the bytes it allocates
 * (`npm run bench:profile -- --allocations`); OAuth's endpoints take only text parameters.
 * Answers null for a DTO with any other rule (it is always validated in full).
 */
export function compileTextParameters(
  dto: Type<unknown>,
  ignoresUnknown: boolean,
): TextParametersReader | null {
  const rulesByField = new Map<string, number>();
  for (const rule of getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false)) {
    rulesByField.set(rule.propertyName, (rulesByField.get(rule.propertyName) ?? 0) + 1);
  }
  if (rulesByField.size === 0) return null;
  const required: string[] = [];
  const repeatable = new Set<string>();
  for (const [field, rules] of rulesByField) {
    const marked = Reflect.getMetadata(TEXT_PARAMETER, dto.prototype as object, field) as
      TextParameterRule | undefined;
    if (!marked || rules !== 2) return null;
    if (marked.required) required.push(field);
    if (marked.repeatable) repeatable.add(field);
  }
  const fields = new Set(rulesByField.keys());

  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) return undefined;
    const entity = new dto() as Record<string, unknown>;
    const source = value as Record<string, unknown>;
    for (const key of Object.keys(source)) {
      if (!fields.has(key)) {
        if (ignoresUnknown) continue;
        return undefined;
      }
      const text = source[key];
      if (repeatable.has(key)) {
        const values = textValues(text);
        if (values !== undefined && !isTextList(values)) return undefined;
        entity[key] = values;
        continue;
      }
      if (typeof text !== 'string') return undefined;
      entity[key] = text === '' ? undefined : text;
    }
    for (const field of required) if (entity[field] === undefined) return undefined;
    return entity;
  };
}
