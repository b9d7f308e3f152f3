import { Injectable } from '@nestjs/common';
import { PasskeyConfig } from '../config/sections/passkeys.config';

/** What the service is to a WebAuthn authenticator: its RP ID, name and accepted origins. */
export interface RelyingPartySettings {
  readonly id: string;
  readonly name: string;
  readonly origins: string[];
}

export const RP_NAME = 'Proofgate';

/**
 * The relying party, from WEBAUTHN_RP_ID and WEBAUTHN_ORIGINS (checked at start by config/: an
 * ISSUER on an IP address without WEBAUTHN_RP_ID does not start).
 */
@Injectable()
export class RelyingParty {
  constructor(private readonly passkeys: PasskeyConfig) {}

  settings(): RelyingPartySettings {
    const { rpId, origins } = this.passkeys;
    return { id: rpId, name: RP_NAME, origins: [...origins] };
  }
}
