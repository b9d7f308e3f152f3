import { meetsAcr, strongerAcr, type AcrValue } from '../protocol-rules/acr';
import { DEVICE_CODE_GRANT_TYPE } from '../protocol-rules/grant-types';
import type { StepUpConfig } from '../config/sections/step-up.config';

/** A verified access token, as far as its authentication context goes (RFC 9068 §2.2.1). */
export interface TokenAuthentication {
  readonly aud: string;
  readonly scope: string;
  readonly acr?: string;
  /** The grant type its grant recorded (a device grant's, RFC 8628), if any. */
  readonly grantType?: string;
}

/**
 * RFC 9470 §3: the `acr` a token must carry to be accepted here, the strongest of the minimum of
 * its audience (ACR_REQUIRED_BY_RESOURCE) and those of its scope values (ACR_REQUIRED_BY_SCOPE);
 * undefined when the token's own `acr` meets it (or nothing is required). A device grant's token
 * meets none: its user code can be phished (RFC 8628 §5.4), whatever its `acr` says.
 */
export function unmetAcr(
  token: TokenAuthentication,
  stepUp: Pick<StepUpConfig, 'acrRequiredByScope' | 'acrRequiredByResource'>,
): AcrValue | undefined {
  const required = token.scope
    .split(' ')
    .map((value) => stepUp.acrRequiredByScope[value])
    .reduce<AcrValue | undefined>(
      (acc, value) => strongerAcr(acc, value),
      stepUp.acrRequiredByResource[token.aud],
    );
  const achieved = token.grantType === DEVICE_CODE_GRANT_TYPE ? undefined : token.acr;
  return meetsAcr(achieved, required) ? undefined : required;
}
