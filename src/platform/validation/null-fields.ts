import { ValidationTypes, getMetadataStorage } from 'class-validator';

type Condition = (object: object, value: unknown) => boolean;
type DtoClass = abstract new (...args: never[]) => unknown;

/** What decides whether class-validator checks a field: its conditions, and nested DTOs. */
interface FieldRules {
  readonly conditions: readonly Condition[];
  readonly nested: boolean;
}

const rulesByClass = new WeakMap<DtoClass, ReadonlyMap<string, FieldRules>>();

function fieldRulesOf(type: DtoClass): ReadonlyMap<string, FieldRules> {
  let rules = rulesByClass.get(type);
  if (rules === undefined) {
    const byField = new Map<string, { conditions: Condition[]; nested: boolean }>();
    for (const rule of getMetadataStorage().getTargetValidationMetadatas(type, '', true, false)) {
      const field = byField.get(rule.propertyName) ?? { conditions: [], nested: false };
      if (rule.type === ValidationTypes.CONDITIONAL_VALIDATION) {
        field.conditions.push(rule.constraints[0] as Condition);
      }
      if (rule.type === ValidationTypes.NESTED_VALIDATION) field.nested = true;
      byField.set(rule.propertyName, field);
    }
    rules = byField;
    rulesByClass.set(type, rules);
  }
  return rules;
}

/** The fields of a DTO class that class-validator checks as DTOs of their own (`@ValidateNested`). */
export function nestedFieldsOf(type: DtoClass): string[] {
  return [...fieldRulesOf(type)].filter(([, rules]) => rules.nested).map(([field]) => field);
}

/** Where `nullSkippedByValidation` lets a `null` through. */
export interface NullAllowed {
  /** Top-level fields (a JSON Merge Patch's removals, RFC 7396 §2); never a nested DTO's. */
  readonly topLevel: boolean;
}

/**
 * The first field of a DTO instance, as its path (`response.transports`), that holds JSON `null`
 * where class-validator would not check it. `@IsOptional()` reads `null` as absent and skips the
 * field's rules (as does a `@ValidateIf` whose condition is false for it), so the handler would
 * receive a `null` the DTO's type says cannot be there, and the first `.length` on it is a 500.
 * DTOs validated nested (`@ValidateNested`) are searched too, arrays of them by index, as
 * class-validator names them. Undefined: no such field. `allowed.topLevel`: the instance's own
 * fields may hold `null` (a handler that reads it as a removal takes it); nested ones never.
 */
export function nullSkippedByValidation(
  entity: unknown,
  allowed: NullAllowed = { topLevel: false },
): string | undefined {
  return firstSkippedNull(entity, '', allowed.topLevel);
}

function firstSkippedNull(
  entity: unknown,
  parent: string,
  nullAllowed: boolean,
): string | undefined {
  if (typeof entity !== 'object' || entity === null) return undefined;
  // A parsed form is an object without a prototype: no DTO's rules.
  const prototype = Object.getPrototypeOf(entity) as { constructor?: unknown } | null;
  const type = prototype?.constructor;
  if (typeof type !== 'function') return undefined;
  const values = entity as Record<string, unknown>;
  for (const [field, rules] of fieldRulesOf(type as DtoClass)) {
    const value = values[field];
    const path = parent ? `${parent}.${field}` : field;
    if (
      value === null &&
      !nullAllowed &&
      rules.conditions.some((condition) => !condition(entity, value))
    ) {
      return path;
    }
    if (!rules.nested) continue;
    const found = Array.isArray(value)
      ? value.map((item, index) => firstSkippedNull(item, `${path}.${index}`, false)).find(Boolean)
      : firstSkippedNull(value, path, false);
    if (found !== undefined) return found;
  }
  return undefined;
}
