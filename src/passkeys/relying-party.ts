import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { PasskeyConfig, passkeysOffReason } from '../config/app-config';
import { PasskeysOff } from './passkey.errors';
import { ServerConfig } from '../config/sections/server.config';

/** What the service is to a WebAuthn authenticator: its RP ID, name and accepted origins. */
export interface RelyingPartySettings {
  readonly id: string;
  readonly name: string;
  readonly origins: string[];
}

export const RP_NAME = 'Proofgate';

/**
 * The relying party, from WEBAUTHN_RP_ID and WEBAUTHN_ORIGINS (checked at start by config/).
 * Without a usable RP ID (ISSUER on an IP address and no WEBAUTHN_RP_ID) passkeys are off: said
 * once at start, and every passkey endpoint answers 404 with the reason.
 */
@Injectable()
export class RelyingParty implements OnModuleInit {
  private readonly logger = new Logger(RelyingParty.name);

  constructor(
    private readonly passkeys: PasskeyConfig,
    private readonly server: ServerConfig,
  ) {}

  onModuleInit(): void {
    const off = passkeysOffReason(this.passkeys, this.server);
    if (off) this.logger.warn(off);
  }

  get enabled(): boolean {
    return this.passkeys.rpId !== undefined;
  }

  settings(): RelyingPartySettings {
    const { rpId, origins } = this.passkeys;
    if (rpId === undefined) throw new PasskeysOff(passkeysOffReason(this.passkeys, this.server)!);
    return { id: rpId, name: RP_NAME, origins: [...origins] };
  }
}
