/**
 * Every request body the application takes, found rather than listed: the routes and their bodies
 * from the OpenAPI document the app builds (GET /docs-json), and the fields a client may leave
 * out from the document and, at any depth, from the body DTO's class-validator rules (a nested
 * DTO, such as a passkey's `response`, is documented as one object). A new endpoint is covered
 * without editing a spec.
 */
import type { INestApplication, Type } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, ModulesContainer } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { IS_OPTIONAL, ValidationTypes, getMetadataStorage } from 'class-validator';

interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  example?: unknown;
}
interface Operation {
  parameters?: { name: string; in: string; example?: unknown; schema?: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  security?: Record<string, string[]>[];
}

/** One body a route takes, in one content type. */
export interface DocumentedBody {
  method: string;
  /** The path to send it to: path parameters filled with their documented examples. */
  path: string;
  contentType: string;
  /** The security schemes the document names (`bearer`, `client_secret_basic`...). */
  security: string[];
  /** Every documented field with its example: a body that passes validation. */
  example: Record<string, unknown>;
  /** The fields the document says the body must have. */
  required: string[];
  /** Each field a client may leave out, as its path from the body's root (`['response', 'transports']`). */
  optionalFields: string[][];
}

/** The DTO classes route handlers take, by class name (the document's schema names). */
function handlerParameterClasses(app: INestApplication): Map<string, Type<unknown>> {
  const classes = new Map<string, Type<unknown>>();
  const scanner = new MetadataScanner();
  for (const controller of new DiscoveryService(app.get(ModulesContainer)).getControllers()) {
    const prototype = (controller.metatype as Type<unknown> | undefined)?.prototype as object;
    if (!prototype) continue;
    for (const method of scanner.getAllMethodNames(prototype)) {
      const types = (Reflect.getMetadata('design:paramtypes', prototype, method) ??
        []) as unknown[];
      for (const type of types) {
        if (typeof type !== 'function' || !hasRules(type as DtoClass)) continue;
        const known = classes.get(type.name);
        if (known && known !== type) throw new Error(`Two DTO classes are named ${type.name}`);
        classes.set(type.name, type as Type<unknown>);
      }
    }
  }
  return classes;
}

type DtoClass = abstract new (...args: never[]) => unknown;

function rulesOf(dto: DtoClass) {
  return getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
}

function hasRules(type: DtoClass): boolean {
  return rulesOf(type).length > 0;
}

/** The `@IsOptional()` fields of `dto`, and those of the DTOs it validates nested, as paths. */
export function optionalFieldsOf(dto: DtoClass, parent: string[] = []): string[][] {
  const fields: string[][] = [];
  const rules = rulesOf(dto);
  for (const field of new Set(rules.map((rule) => rule.propertyName))) {
    const own = rules.filter((rule) => rule.propertyName === field);
    const path = [...parent, field];
    if (
      own.some((r) => r.type === ValidationTypes.CONDITIONAL_VALIDATION && r.name === IS_OPTIONAL)
    ) {
      fields.push(path);
    }
    if (own.some((rule) => rule.type === ValidationTypes.NESTED_VALIDATION)) {
      const nested: unknown = Reflect.getMetadata('design:type', dto.prototype as object, field);
      if (typeof nested === 'function' && nested !== dto && hasRules(nested as DtoClass)) {
        fields.push(...optionalFieldsOf(nested as DtoClass, path));
      }
    }
  }
  return fields;
}

/** Every request body of the document, with its example and the fields it may leave out. */
export function documentedBodies(app: INestApplication, document: OpenAPIObject): DocumentedBody[] {
  const classes = handlerParameterClasses(app);
  const resolve = (schema: Schema): Schema => {
    const name = schema.$ref?.replace('#/components/schemas/', '');
    return name ? document.components!.schemas![name] : schema;
  };
  const exampleOf = (schema: Schema): unknown => {
    const resolved = resolve(schema);
    if (resolved.example !== undefined) return resolved.example;
    if (!resolved.properties) return undefined;
    const example: Record<string, unknown> = {};
    for (const [name, property] of Object.entries(resolved.properties)) {
      const value = exampleOf(property);
      if (value !== undefined) example[name] = value;
    }
    return example;
  };

  const bodies: DocumentedBody[] = [];
  for (const [template, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item as Record<string, Operation>)) {
      const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
        const parameter = operation.parameters?.find((p) => p.in === 'path' && p.name === name);
        const example = parameter?.example ?? parameter?.schema?.example;
        return encodeURIComponent(typeof example === 'string' ? example : name);
      });
      for (const [contentType, { schema }] of Object.entries(
        operation.requestBody?.content ?? {},
      )) {
        const resolved = resolve(schema);
        const documented = Object.keys(resolved.properties ?? {})
          .filter((name) => !(resolved.required ?? []).includes(name))
          .map((name) => [name]);
        const dto = schema.$ref
          ? classes.get(schema.$ref.replace('#/components/schemas/', ''))
          : undefined;
        const fromRules = dto ? optionalFieldsOf(dto) : [];
        const optionalFields = [...documented];
        for (const field of fromRules) {
          if (!optionalFields.some((known) => known.join('.') === field.join('.'))) {
            optionalFields.push(field);
          }
        }
        bodies.push({
          method,
          path,
          contentType,
          security: (operation.security ?? []).flatMap((requirement) => Object.keys(requirement)),
          example: (exampleOf(schema) ?? {}) as Record<string, unknown>,
          required: resolved.required ?? [],
          optionalFields,
        });
      }
    }
  }
  return bodies;
}

/** `body` with the field at `path` set to `value` (the objects on the way copied, or made). */
export function withField(
  body: Record<string, unknown>,
  [field, ...rest]: string[],
  value: unknown,
): Record<string, unknown> {
  if (rest.length === 0) return { ...body, [field]: value };
  const inner = body[field];
  const object =
    typeof inner === 'object' && inner !== null && !Array.isArray(inner)
      ? (inner as Record<string, unknown>)
      : {};
  return { ...body, [field]: withField(object, rest, value) };
}
