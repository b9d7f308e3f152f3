import { isDeepStrictEqual } from 'node:util';
import { duplicateMemberName, quotedMemberName } from '../platform/http/json-duplicate-names';

/**
 * RFC 9396 rich authorization requests: the pure rules the configuration, the protocol and the
 * approval pages share. An authorization detail is a JSON object with a `type` (§2); what else it
 * holds is its type's to say (the operator's JSON Schema, AUTHORIZATION_DETAILS_TYPES).
 */
export interface AuthorizationDetail {
  readonly type: string;
  readonly [field: string]: unknown;
}

/** An operator-defined type: the JSON Schema of its objects and the template a person reads. */
export interface AuthorizationDetailsType {
  readonly schema: Readonly<Record<string, unknown>>;
  /** `Pay {{amount}} {{currency}} to {{creditor}}`: `{{path}}` names a field (dots for nested). */
  readonly template: string;
}

/** The most objects one request may carry, and its JSON's length: stored with codes and grants. */
export const MAX_AUTHORIZATION_DETAILS = 10;
export const MAX_AUTHORIZATION_DETAILS_LENGTH = 4096;

export type ParsedAuthorizationDetails =
  | { readonly ok: true; readonly details: AuthorizationDetail[] }
  | { readonly ok: false; readonly problem: string };

/**
 * RFC 9396 §2: the `authorization_details` parameter, a JSON array of objects each with a string
 * `type` (the values' own checks are their type's schema's). Its JSON text as a parameter (§3, §6)
 * or already parsed (a request object's claim, §3).
 */
export function parseAuthorizationDetails(value: unknown): ParsedAuthorizationDetails {
  let parsed = value;
  if (typeof value === 'string') {
    if (value.length > MAX_AUTHORIZATION_DETAILS_LENGTH) {
      return {
        ok: false,
        problem: `authorization_details is longer than ${MAX_AUTHORIZATION_DETAILS_LENGTH} characters`,
      };
    }
    try {
      parsed = JSON.parse(value);
    } catch {
      return { ok: false, problem: 'authorization_details is not JSON' };
    }
    // What is granted and shown for consent is what the client wrote once: parsed, the last of
    // two members of one name would win silently (I-JSON, RFC 7493 §2.3).
    const repeated = duplicateMemberName(value);
    if (repeated !== undefined) {
      return {
        ok: false,
        problem: `authorization_details names member ${quotedMemberName(repeated)} twice`,
      };
    }
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    return { ok: false, problem: 'authorization_details must be a non-empty JSON array' };
  }
  if (parsed.length > MAX_AUTHORIZATION_DETAILS) {
    return {
      ok: false,
      problem: `authorization_details has more than ${MAX_AUTHORIZATION_DETAILS} objects`,
    };
  }
  for (const [index, detail] of parsed.entries()) {
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
      return { ok: false, problem: `authorization_details[${index}] is not an object` };
    }
    if (typeof (detail as { type?: unknown }).type !== 'string') {
      return { ok: false, problem: `authorization_details[${index}] has no string type` };
    }
  }
  return { ok: true, details: parsed as AuthorizationDetail[] };
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_$-]+(?:\.[A-Za-z0-9_$-]+)*)\s*\}\}/g;

/** The `{{path}}` placeholders of a template, in order (the configuration checks them). */
export function templateFields(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((match) => match[1]);
}

/**
 * The template filled with the detail's fields, as plain text (a page escapes it, as any text):
 * a field that is absent reads as empty, an object or array as its JSON.
 */
export function renderAuthorizationDetail(template: string, detail: AuthorizationDetail): string {
  return template.replace(PLACEHOLDER, (_match, path: string) => {
    let value: unknown = detail;
    for (const key of path.split('.')) {
      value =
        typeof value === 'object' && value !== null && Object.hasOwn(value, key)
          ? (value as Record<string, unknown>)[key]
          : undefined;
    }
    if (value === undefined || value === null) return '';
    // JSON gives only strings, numbers, booleans, objects and arrays.
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}

/**
 * The narrowing rule of token exchange (issue #51, RFC 9396 §7 for refresh): every object asked
 * for is one of those granted, exactly; none may be added or widened.
 */
export function isSubsetOfGranted(
  requested: readonly AuthorizationDetail[],
  granted: readonly AuthorizationDetail[],
): boolean {
  return requested.every((detail) => granted.some((held) => isDeepStrictEqual(detail, held)));
}
