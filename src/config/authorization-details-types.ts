import { ConfigError, type Env, jsonObject } from './env-parsers';
import {
  type AuthorizationDetailsType,
  templateFields,
} from '../protocol-rules/authorization-details';
import Ajv, { type ValidateFunction } from 'ajv';

/** RFC 9396 §2 `type`: a string; here a printable one without spaces, as in metadata lists. */
const TYPE_NAME = /^[\x21-\x7E]{1,128}$/;

/** The validators compiled in this process, by their schema's JSON text. */
const compiled = new Map<string, ValidateFunction>();

/**
 * The JSON Schema validator of an operator's authorization details type (RFC 9396 §2: a type says
 * what its objects hold). Ajv in strict mode: a schema with an unknown keyword is refused at boot
 * rather than silently checking less than the operator wrote. Each schema has an Ajv of its own
 * (one type's `$id` never meets another's), and is compiled once per process: a new Ajv compiles
 * the JSON Schema meta-schema first, ~20 ms of CPU, and a start reads each schema twice (the
 * settings' check, then AuthorizationDetailsCheck). A validator keeps no state between calls but
 * the `errors` of the last one, read right after it.
 */
export function compileDetailSchema(schema: Readonly<Record<string, unknown>>): ValidateFunction {
  const text = JSON.stringify(schema);
  let validate = compiled.get(text);
  if (validate === undefined) {
    validate = new Ajv({ strict: true }).compile(schema);
    compiled.set(text, validate);
  }
  return validate;
}

/**
 * AUTHORIZATION_DETAILS_TYPES outside production when it is unset: a payment, as the attack lab's
 * CIBA rows and docs/AGENTS.md's examples ask for (src/lab-client/ciba-scenarios.ts keeps the
 * lab's own copy: it imports nothing of the service). Production configures none unless told.
 */
export const DEMO_AUTHORIZATION_DETAILS_TYPES: Readonly<Record<string, AuthorizationDetailsType>> =
  Object.freeze({
    payment_initiation: {
      schema: {
        type: 'object',
        required: ['type', 'amount', 'currency', 'creditor'],
        properties: {
          type: { const: 'payment_initiation' },
          amount: { type: 'string', pattern: '^[0-9]{1,9}\\.[0-9]{2}$' },
          currency: { enum: ['EUR'] },
          creditor: { type: 'string', maxLength: 100 },
        },
        additionalProperties: false,
      },
      template: 'Pay {{amount}} {{currency}} to {{creditor}}',
    },
  });

/**
 * AUTHORIZATION_DETAILS_TYPES (`name`), each type's schema compiled once here so that a schema
 * the validator cannot use stops the start (the protocol compiles its own copy).
 */
export function readAuthorizationDetailsTypes(
  env: Env,
  name: string,
): Readonly<Record<string, AuthorizationDetailsType>> {
  const shape = `${name} must be a JSON object of "<type>": { "schema": <JSON Schema>, "template": "<text with {{field}}>" }`;
  const parsed = jsonObject(env, name, shape);
  if (parsed === undefined) return {};
  const problems: string[] = [];
  const types = Object.create(null) as Record<string, AuthorizationDetailsType>;
  for (const [type, entry] of Object.entries(parsed)) {
    const problem = typeProblem(type, entry);
    if (problem !== undefined) problems.push(`${name}: the type "${type}" ${problem}`);
    else types[type] = entry as AuthorizationDetailsType;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(types);
}

function typeProblem(type: string, entry: unknown): string | undefined {
  if (!TYPE_NAME.test(type)) return 'is not 1-128 printable characters without spaces';
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return 'is not an object with schema and template';
  }
  const { schema, template } = entry as { schema?: unknown; template?: unknown };
  if (typeof template !== 'string' || template.trim() === '') return 'has no template';
  if (templateFields(template).length === 0) return 'has a template that names no {{field}}';
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    return 'has no schema object';
  }
  try {
    compileDetailSchema(schema as Record<string, unknown>);
  } catch (error) {
    return `has a schema the validator refuses: ${error instanceof Error ? error.message : 'invalid'}`;
  }
  return undefined;
}
