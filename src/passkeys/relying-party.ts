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
 * The relying party, from WEBAUTHN_RP_ID, WEBAUTHN_ORIGINS and WEBAUTHN_RELATED_ORIGINS (checked
 * at start by config/: an ISSUER on an IP address without WEBAUTHN_RP_ID does not start). A
 * ceremony may come from any of its origins or related origins: a browser lets a related origin
 * use the RP ID only once the RP ID's `/.well-known/webauthn` lists it (Related Origin Requests).
 */
@Injectable()
export class RelyingParty {
  /** Made once: every ceremony reads it (no caller changes it). */
  private readonly relyingParty: RelyingPartySettings;

  constructor(private readonly passkeys: PasskeyConfig) {
    const { rpId, origins, relatedOrigins } = passkeys;
    this.relyingParty = Object.freeze({
      id: rpId,
      name: RP_NAME,
      origins: [...new Set([...origins, ...relatedOrigins])],
    });
  }

  settings(): RelyingPartySettings {
    return this.relyingParty;
  }

  /** The origins `/.well-known/webauthn` publishes (none: it answers 404). */
  relatedOrigins(): readonly string[] {
    return this.passkeys.relatedOrigins;
  }
}
