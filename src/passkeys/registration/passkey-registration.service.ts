import { Injectable, Logger } from '@nestjs/common';
import {
  generateRegistrationOptions,
  verifyRegistrationResponse,
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { decodeAttestationObject, isoBase64URL } from '@simplewebauthn/server/helpers';
import { passkeyMethodKey, credentialIdOf } from '../../accounts/account';
import { AccountService } from '../../accounts/account.service';
import { reportRefusals } from '../../challenges/report-refusals';
import { ChallengeStore } from '../../challenges/challenge-store';
import { ChallengeConfig } from '../../config/sections/challenges.config';
import { PasskeyConfig } from '../../config/sections/passkeys.config';
import type { ProtocolError } from '../../platform/errors/protocol-error';
import { attestationRefusal } from '../attestation/attestation-policy';
import { AttestationTrust } from '../attestation/attestation-trust';
import { InvalidAttestation } from '../passkey.errors';
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
  /** Its attestation chained to the trust list and it is not backup eligible (`phrh`). */
  hardwareBound: boolean;
  /** The authenticator model's name from the FIDO metadata, where known. */
  authenticatorName?: string;
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
    private readonly passkeys: PasskeyConfig,
    private readonly trust: AttestationTrust,
  ) {}

  /**
   * PublicKeyCredentialCreationOptions: a discoverable credential (resident key required), user
   * verification preferred, the attestation PASSKEY_ATTESTATION asks for (`none` by default), the
   * account's passkeys excluded.
   */
  async options(bearer: RegisteringAccount): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const rp = this.rp.settings();
    const account = await this.accounts.account(bearer.sub);
    const options = await generateRegistrationOptions({
      rpName: rp.name,
      rpID: rp.id,
      userName: bearer.sub,
      userID: userHandleOf(bearer.sub),
      attestationType: this.passkeys.attestation,
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
      throw redemption.refusal() ?? registrationRefusalOf(error, response);
    }
    if (!verified.verified) throw registrationRefusalOf(undefined, response);
    const info = verified.registrationInfo;
    const credentialId = info.credential.id;
    const assessment = await this.trust.assess(info);
    const refused = attestationRefusal(assessment, this.passkeys);
    if (refused) throw refused;
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
        ...(assessment.hardwareBound ? { hardwareBound: true } : {}),
        ...(assessment.trust === 'trusted' ? { aaguid: assessment.aaguid } : {}),
        ...(assessment.name === undefined ? {} : { authenticatorName: assessment.name }),
      },
    );
    this.logger.log(
      `Passkey registered for ${bearer.sub} (${info.credentialDeviceType}, attestation ${info.fmt} ${assessment.trust}${assessment.hardwareBound ? ', hardware-bound' : ''})`,
    );
    return {
      credentialId,
      createdAt: method.addedAt,
      hardwareBound: assessment.hardwareBound,
      ...(assessment.name === undefined ? {} : { authenticatorName: assessment.name }),
    };
  }
}

/**
 * A registration the library refused after the challenge: the ceremony checks every response
 * shares (origin, RP ID, presence: passkey-response-errors.ts), else, for a response that carries
 * an attestation statement, that statement (WebAuthn Level 3 §7.1 step 21): `invalid_attestation`.
 * The library's text never reaches the client.
 */
function registrationRefusalOf(error: unknown, response: RegistrationResponseJSON): ProtocolError {
  const refusal = refusalOf(error);
  if (refusal.reason !== 'invalid_signature' || formatOf(response) === 'none') return refusal;
  return new InvalidAttestation(
    'The attestation statement does not verify: its signature, certificates or format are not what WebAuthn requires',
  ).because('invalid_attestation');
}

/** The attestation statement format (`fmt`) the response carries, or `none` when unreadable. */
function formatOf(response: RegistrationResponseJSON): string {
  try {
    const fmt = decodeAttestationObject(
      isoBase64URL.toBuffer(response.response.attestationObject),
    ).get('fmt');
    return typeof fmt === 'string' ? fmt : 'none';
  } catch {
    return 'none';
  }
}
