import { ConfigError, type Env, jsonList, quotedUrl, unknownFieldsProblem } from '../env-parsers';
import { EnvReader } from '../env-reader';
import { setting, settingsSection, text } from '../setting';
import { resourceProblem } from '../../protocol-rules/resource-indicator';

/**
 * An API the operator declares (RESOURCE_SERVERS): its RFC 8707 resource, and the scopes of its
 * own that clients may ask for with it, each with the words a person reads on the consent screen.
 */
export interface ResourceServer {
  /** The resource indicator: the `aud` of its tokens, as a request's `resource` names it. */
  readonly resource: string;
  /** What the consent screen calls it; absent: its resource. */
  readonly name?: string;
  /** Each scope of its own → what it lets a client do, as the person reads it. */
  readonly scopes: Readonly<Record<string, string>>;
}

/** The APIs declared with scopes of their own (RESOURCE_SERVERS). */
export abstract class ResourceServersConfig {
  /** Empty: every token carries the server's own scopes only, as before. */
  abstract readonly resourceServers: readonly ResourceServer[];
}

/** Every scope the declared APIs have: what a client's registered `scope` may name beside the server's. */
export function declaredScopeNames(config: ResourceServersConfig): Set<string> {
  return new Set(config.resourceServers.flatMap((declared) => Object.keys(declared.scopes)));
}

const FIELDS = new Set(['resource', 'name', 'scopes']);
/** RFC 6749 §3.3 scope-token. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
/** Bounds: a scope's name and its words are shown on a page and carried in every token. */
const MAX_SCOPE_LENGTH = 100;
const MAX_TEXT_LENGTH = 200;
const MAX_SCOPES = 50;
/** Printable text on one line: no control characters (the consent screen shows it as it is). */
const ONE_LINE = /^[^\p{Cc}]+$/u;

const SHAPE =
  'a JSON array of { "resource", "name"?, "scopes": { "<scope>": "<what it allows>" } }';

/** The settings this section reads, each declared once for its reader and the reference. */
export const RESOURCE_SERVERS_SETTINGS = settingsSection(
  'Resource servers',
  'APIs with scopes of their own (see [Scopes of your own ' +
    'API](RESOURCE-SERVERS.md#scopes-of-your-own-api)).',
  {
    resourceServers: setting({
      name: 'RESOURCE_SERVERS',
      type: text('a JSON array'),
      default: { unset: 'none' },
      description:
        'The APIs whose tokens carry scopes of their own: a JSON array of `{ "resource", ' +
        '"name"?, "scopes": { "<scope>": "<what it allows>" } }`. A client asks for such a scope ' +
        'with its `resource` (RFC 8707) and gets it in the tokens for that resource alone; the ' +
        'consent screen shows what each allows. Checked at start, every problem on a line of ' +
        'its own.\n' +
        '\n' +
        "- `resource`: the API's resource indicator, its tokens' `aud` (an absolute URI in " +
        'normalised form, without a fragment).\n' +
        '- `name`: what the consent screen calls it (default: its resource).\n' +
        "- `scopes`: each scope (RFC 6749 scope syntax, none of the server's own, each " +
        'declared by one resource) and what it lets a client do, in words for the person who ' +
        `allows it (at most ${MAX_TEXT_LENGTH} characters; at most ${MAX_SCOPES} scopes).`,
    }),
  },
);

export function readResourceServersConfig(env: EnvReader): ResourceServersConfig {
  return Object.freeze({
    resourceServers: env.read(
      (e) => resourceServers(e, RESOURCE_SERVERS_SETTINGS.declared.resourceServers.name),
      [],
    ),
  });
}

/** RESOURCE_SERVERS: each entry checked, a resource or a scope declared twice refused. */
export function resourceServers(env: Env, name: string): ResourceServer[] {
  return jsonList(env, name, SHAPE, (entry, where, earlier) => {
    const server = resourceServer(entry, where);
    if (earlier.some((other) => other.resource === server.resource)) {
      throw new ConfigError(`${where}.resource is declared twice`);
    }
    const repeated = Object.keys(server.scopes).filter((scope) =>
      earlier.some((other) => Object.hasOwn(other.scopes, scope)),
    );
    if (repeated.length > 0) {
      throw new ConfigError(
        `${where}.scopes: ${repeated.join(', ')} already belong to another resource (a scope names one resource)`,
      );
    }
    return server;
  });
}

function resourceServer(entry: unknown, where: string): ResourceServer {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new ConfigError(`${where} must be an object { "resource", "name"?, "scopes" }`);
  }
  const fields = entry as Record<string, unknown>;
  const unknown = unknownFieldsProblem(fields, FIELDS);
  if (unknown !== undefined) throw new ConfigError(`${where}${unknown}`);
  const { resource, name, scopes } = fields;
  if (typeof resource !== 'string') {
    throw new ConfigError(`${where}.resource must be a resource URI string`);
  }
  const problem = resourceProblem(resource);
  if (problem) {
    throw new ConfigError(`${where}.resource ${problem}, got "${quotedUrl(resource)}"`);
  }
  if (name !== undefined && !isText(name)) {
    throw new ConfigError(
      `${where}.name must be text on one line of at most ${MAX_TEXT_LENGTH} characters`,
    );
  }
  return {
    resource,
    ...(name === undefined ? {} : { name: name as string }),
    scopes: scopesOf(scopes, where),
  };
}

function scopesOf(scopes: unknown, where: string): Readonly<Record<string, string>> {
  if (typeof scopes !== 'object' || scopes === null || Array.isArray(scopes)) {
    throw new ConfigError(`${where}.scopes must be an object { "<scope>": "<what it allows>" }`);
  }
  const entries = Object.entries(scopes);
  if (entries.length === 0 || entries.length > MAX_SCOPES) {
    throw new ConfigError(`${where}.scopes must name 1 to ${MAX_SCOPES} scopes`);
  }
  // No prototype: a scope named `constructor` is looked up as the operator wrote it, or not at all.
  const checked = Object.create(null) as Record<string, string>;
  for (const [scope, words] of entries) {
    if (!SCOPE_TOKEN.test(scope) || scope.length > MAX_SCOPE_LENGTH) {
      throw new ConfigError(
        `${where}.scopes: "${scope.slice(0, MAX_SCOPE_LENGTH)}" is not a scope value (RFC 6749 §3.3, at most ${MAX_SCOPE_LENGTH} characters)`,
      );
    }
    if (!isText(words)) {
      throw new ConfigError(
        `${where}.scopes.${scope} must say what it allows: text on one line of at most ${MAX_TEXT_LENGTH} characters`,
      );
    }
    checked[scope] = words as string;
  }
  return Object.freeze(checked);
}

function isText(value: unknown): boolean {
  return (
    typeof value === 'string' &&
    value.trim() !== '' &&
    value.length <= MAX_TEXT_LENGTH &&
    ONE_LINE.test(value)
  );
}
