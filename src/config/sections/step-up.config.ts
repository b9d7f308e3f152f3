import { ConfigError, Env, jsonObject } from '../env-parsers';
import { EnvReader } from '../env-reader';
import {
  isMinimumAcr,
  MINIMUM_ACR_VALUES,
  PHISHING_RESISTANT,
  type AcrValue,
  type MinimumAcr,
} from '../../protocol-rules/acr';
import { resourceProblem } from '../../protocol-rules/resource-indicator';
import type { ServerConfig } from './server.config';
import { choice, setting, settingsSection, text } from '../setting';

/**
 * Step-up authentication (RFC 9470, docs/OAUTH.md "Step-up authentication"): the `acr` a login
 * must achieve for a scope or a resource, whatever `acr_values` the client sends.
 */
export abstract class StepUpConfig {
  /** ACR_REQUIRED_BY_SCOPE: scope value → the `acr` a token with it needs (e.g. account → phr). */
  abstract readonly acrRequiredByScope: Readonly<Record<string, AcrValue>>;
  /**
   * ACR_REQUIRED_BY_RESOURCE: RFC 8707 resource → the `acr` its tokens need. For
   * ACCESS_TOKEN_AUDIENCE, /api/me also refuses weaker tokens (RFC 9470 §3).
   */
  abstract readonly acrRequiredByResource: Readonly<Record<string, AcrValue>>;
  /**
   * ACCOUNT_CHANGES_REQUIRE_PHR: an account that holds a passkey changes its sign-in methods
   * (adds or removes one, sets a password) only after a passkey sign-in (`phr`); at `phrh`, one
   * that holds a hardware-bound passkey only after a sign-in with such a passkey. `phr` by default
   * in production; none elsewhere, where scripts and the demo add passkeys with a password login.
   */
  abstract readonly accountChangesRequireAcr: MinimumAcr | undefined;
}

/** ACCOUNT_CHANGES_REQUIRE_PHR's values: off, on (`phr`, as before levels), or a level. */
const ACCOUNT_CHANGE_LEVELS = ['false', 'true', 'phr', 'phrh'] as const;
const ACCOUNT_CHANGE_ACR: Readonly<
  Record<(typeof ACCOUNT_CHANGE_LEVELS)[number], MinimumAcr | undefined>
> = { false: undefined, true: PHISHING_RESISTANT, phr: PHISHING_RESISTANT, phrh: 'phrh' };

/** The settings this section reads, each declared once for its reader and the reference. */
export const STEP_UP_SETTINGS = settingsSection(
  'Step-up',
  'The `acr` a login must reach (RFC 9470; see [Step-up ' +
    'authentication](OAUTH.md#step-up-authentication)).',
  {
    acrRequiredByScope: setting({
      name: 'ACR_REQUIRED_BY_SCOPE',
      type: text('a JSON object'),
      default: { unset: 'none' },
      description:
        '`{ "<scope>": "phr" }`: a token with that scope needs a login of that `acr` (`phr`: a ' +
        "passkey sign-in; `phrh`: a hardware-bound passkey's). `/authorize` sends a weaker session to the passkey step " +
        '(`unmet_authentication_requirements` with `prompt=none`); `/api/me` refuses a weaker ' +
        'token with `401 insufficient_user_authentication`, `acr_values="phr"` (RFC 9470). E.g. ' +
        '`{"account":"phr"}`.',
    }),
    acrRequiredByResource: setting({
      name: 'ACR_REQUIRED_BY_RESOURCE',
      type: text('a JSON object'),
      default: { unset: 'none' },
      description:
        '`{ "<resource URI>": "phr" }`: the same for the tokens of an RFC 8707 resource ' +
        '(`ACCESS_TOKEN_AUDIENCE` for `/api/me`).',
    }),
    accountChangesRequirePhr: setting({
      name: 'ACCOUNT_CHANGES_REQUIRE_PHR',
      type: choice(ACCOUNT_CHANGE_LEVELS),
      default: 'false',
      defaultNote: 'outside production, `true` in production',
      description:
        'An account that holds a passkey adds or removes sign-in methods (account page and ' +
        '`/account/methods`, `/passkeys/registration/*`) only after a passkey sign-in: else `401 ' +
        'insufficient_user_authentication` with `acr_values="phr"` (see [Step-up: `acr` and ' +
        '`amr`](PASSKEYS-AND-ACCOUNTS.md#step-up-acr-and-amr)). `true` is `phr`; `phrh`: an ' +
        'account that holds a hardware-bound passkey only after a sign-in with one of those ' +
        '(`acr_values="phrh"`), one whose passkeys are all synced after any passkey sign-in.',
    }),
  },
);

export function readStepUpConfig(
  env: EnvReader,
  server: Pick<ServerConfig, 'isProduction'>,
): StepUpConfig {
  const level = env.get(
    STEP_UP_SETTINGS.declared.accountChangesRequirePhr,
    server.isProduction ? 'true' : 'false',
  );
  return Object.freeze({
    accountChangesRequireAcr: ACCOUNT_CHANGE_ACR[level],
    acrRequiredByScope: env.read(
      (e) =>
        acrMap(e, STEP_UP_SETTINGS.declared.acrRequiredByScope.name, (scope) =>
          // RFC 6749 §3.3 scope-token; which scopes exist is checked where scopes are known.
          /^[\x21\x23-\x5B\x5D-\x7E]+$/.test(scope) ? undefined : 'is not a scope value',
        ),
      {},
    ),
    acrRequiredByResource: env.read(
      (e) => acrMap(e, STEP_UP_SETTINGS.declared.acrRequiredByResource.name, resourceProblem),
      {},
    ),
  });
}

/** A JSON object of `key → acr value`, each key checked by `keyProblem`. */
function acrMap(
  env: Env,
  name: string,
  keyProblem: (key: string) => string | undefined,
): Record<string, AcrValue> {
  const shape = `${name} must be a JSON object of "<key>": "<acr>" (acr one of ${MINIMUM_ACR_VALUES.join(', ')})`;
  const parsed = jsonObject(env, name, shape);
  if (parsed === undefined) return {};
  const problems: string[] = [];
  // No prototype: a key like `constructor` is looked up as the operator wrote it, or not at all.
  const map = Object.create(null) as Record<string, AcrValue>;
  for (const [key, acr] of Object.entries(parsed)) {
    const problem = keyProblem(key);
    if (problem !== undefined) problems.push(`${name}: the key "${key}" ${problem}`);
    else if (!isMinimumAcr(acr)) {
      problems.push(
        `${name}: the value for "${key}" must be one of ${MINIMUM_ACR_VALUES.join(', ')}`,
      );
    } else map[key] = acr;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return map;
}
