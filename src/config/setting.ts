/**
 * A setting as the configuration reference states it. Each section file declares its settings
 * beside the reader that reads them, and docs/CONFIGURATION.md is written from these
 * declarations (`npm run docs:config`), never by hand. test/tooling/configuration-doc.spec.ts
 * holds each declaration to its reader: the names a file reads are the names it declares, a
 * literal default is the value used when the variable is unset, and a range or a list of choices
 * is the one the reader enforces.
 */
export interface Setting {
  readonly name: string;
  readonly type: SettingType;
  /**
   * What an unset (or empty) variable means: the value the reader falls back to outside
   * production, or, when it depends on other settings or on nothing at all, a phrase saying so.
   */
  readonly default: string | number | boolean | { readonly unset: string };
  /** Follows a literal default: where it differs (`in production`, `in tests`). */
  readonly defaultNote?: string;
  /** Markdown, one paragraph or more (`\n\n` between them); links relative to docs/. */
  readonly description: string;
}

export type SettingType =
  | { readonly kind: 'whole'; readonly min: number; readonly max?: number }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'choice'; readonly values: readonly string[] }
  /** Anything else: the shape in a few words (`an http(s) URL`, `a JSON array`). */
  | { readonly kind: 'text'; readonly shape: string };

/** The settings of one config section, under one heading of the reference. */
export interface SettingsSection {
  readonly title: string;
  /** One sentence under the heading (Markdown). */
  readonly intro: string;
  readonly settings: readonly Setting[];
}

export function whole(min: number, max?: number): SettingType {
  return max === undefined ? { kind: 'whole', min } : { kind: 'whole', min, max };
}

export const BOOLEAN: SettingType = { kind: 'boolean' };

export function choice(values: readonly string[]): SettingType {
  return { kind: 'choice', values };
}

export function text(shape: string): SettingType {
  return { kind: 'text', shape };
}
