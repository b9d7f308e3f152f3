import { Injectable, Logger } from '@nestjs/common';
import {
  generateRegistrationOptions,
  verifyRegistrationResponse,
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { passkeyMethodKey, credentialIdOf } from '../../accounts/account';
import { AccountService } from '../../accounts/account.service';
import { reportRefusals } from '../../challenges/report-refusals';
import { ChallengeStore } from '../../challenges/challenge-store';
import { ChallengeConfig } from '../../config/sections/challenges.config';
import { DomainEvents } from '../../platform/events/domain-events';
import { ChallengeRedemption } from '../challenge-redemption';
import { refusalOf } from '../passkey-response-errors';
import { RelyingParty } from '../relying-party';
import { userHandleOf } from '../user-handle';

/** COSE algorithms accepted (RFC 9053): ES256 (-7), EdDSA/Ed25519 (-8), RS256 (-257). */
export const SUPPORTED_ALGORITHMS = [-7, -8, -257];

export interface RegisteredPasskey {
  credentialId: string;
  createdAt: Date;
}

/** Whose account a passkey is added to: the caller has proven a recent login of it. */
export interface RegisteringAccount {
  readonly sub: string;
}

/**
 * Adding a passkey to an account (WebAuthn Level 3 §7.1), for the bearer of an account-scoped
 * token of a recent login. The challenge is bound to the account: a challenge issued to one
 * account cannot register a passkey on another.
 */
@Injectable()
export class PasskeyRegistrationService {
  private readonly logger = new Logger(PasskeyRegistrationService.name);

  constructor(
    private readonly rp: RelyingParty,
    private readonly challenges: ChallengeStore,
    private readonly accounts: AccountService,
    private readonly events: DomainEvents,
    private readonly challengeConfig: ChallengeConfig,
  ) {}

  /**
   * PublicKeyCredentialCreationOptions: a discoverable credential (resident key required), user
   * verification preferred, no attestation asked for, the account's passkeys excluded.
   */
  async options(bearer: RegisteringAccount): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const rp = this.rp.settings();
    const account = await this.accounts.account(bearer.sub);
    const options = await generateRegistrationOptions({
      rpName: rp.name,
      rpID: rp.id,
      userName: bearer.sub,
      userID: userHandleOf(bearer.sub),
      attestationType: 'none',
      excludeCredentials: account.methods
        .filter((method) => method.type === 'passkey')
        .map((method) => ({
          id: credentialIdOf(method.key),
          transports: [...(method.passkey?.transports ?? [])],
        })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
      supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
      timeout: this.challengeConfig.webauthnChallengeTtlSeconds * 1000,
    });
    await this.challenges.issue({
      kind: 'webauthn_registration',
      key: options.challenge,
      binding: { sub: bearer.sub },
      payload: {},
      ttlSeconds: this.challengeConfig.webauthnChallengeTtlSeconds,
    });
    return options;
  }

  /** `callerAddress`: where the request comes from; an account this creates is charged to it. */
  verify(
    bearer: RegisteringAccount,
    response: RegistrationResponseJSON,
    callerAddress: string,
  ): Promise<RegisteredPasskey> {
    return reportRefusals(this.events, { kind: 'webauthn_registration' }, () =>
      this.register(bearer, response, callerAddress),
    );
  }

  private async register(
    bearer: RegisteringAccount,
    response: RegistrationResponseJSON,
    callerAddress: string,
  ): Promise<RegisteredPasskey> {
    const rp = this.rp.settings();
    const redemption = new ChallengeRedemption(
      this.challenges,
      this.events,
      'webauthn_registration',
      { sub: bearer.sub },
    );
    let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
    try {
      verified = await verifyRegistrationResponse({
        response,
        expectedChallenge: redemption.redeem,
        expectedOrigin: rp.origins,
        expectedRPID: rp.id,
        // User verification preferred, not required: presence is what every passkey proves.
        requireUserVerification: false,
        supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
      });
    } catch (error) {
      throw redemption.refusal() ?? refusalOf(error);
    }
    if (!verified.verified) throw refusalOf(undefined);
    const info = verified.registrationInfo;
    const credentialId = info.credential.id;
    const method = await this.accounts.link(
      bearer.sub,
      passkeyMethodKey(credentialId),
      { callerAddress },
      {
        publicKey: isoBase64URL.fromBuffer(info.credential.publicKey),
        counter: info.credential.counter,
        transports: [...(response.response.transports ?? [])],
        deviceType: info.credentialDeviceType,
        backedUp: info.credentialBackedUp,
      },
    );
    this.logger.log(`Passkey registered for ${bearer.sub} (${info.credentialDeviceType})`);
    return { credentialId, createdAt: method.addedAt };
  }
}
