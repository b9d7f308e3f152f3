import type { MessageId } from '../../platform/i18n/page-locale';
import { Injectable, Logger } from '@nestjs/common';
import { ChallengeRejected } from '../../challenges/challenge.events';
import { ChallengeStore } from '../../challenges/challenge-store';
import { TokenConfig } from '../../config/sections/tokens.config';
import { ClientRegistry } from '../../clients/client-registry.service';
import type { OAuthClient } from '../../clients/oauth-client';
import type { LoginSession } from '../../sessions/session';
import { DomainEvents } from '../../platform/events/domain-events';
import { RateLimiter } from '../../platform/rate-limit/rate-limiter';
import { ConsentService } from '../consent/consent.service';
import type {
  DeviceApproval,
  DeviceCodePayload,
  DeviceUserCodePayload,
} from './device-authorization';
import type { DeviceAction } from './device-verification-form.dto';
import { USER_CODE_PER_ACCOUNT, USER_CODE_PER_NETWORK } from './device.rate-limits';
import { subscriberNetwork } from '../../platform/http/client-address';
import { formatUserCode, normalizeUserCode } from './user-code';

/** What the verification page shows next. */
export type DeviceVerificationOutcome =
  /** The form again, with why the code was not taken. */
  | { kind: 'form'; userCode: string; error: MessageId }
  /** RFC 8628 §5.4: what the code asks for, and an explicit confirm or deny. */
  | {
      kind: 'confirm';
      client: OAuthClient;
      userCode: string;
      scopes: string[];
      /** RFC 8707: the resource, when it is not Proofgate's own API. */
      resource?: string;
    }
  | { kind: 'done'; decision: 'approve' | 'deny'; client: OAuthClient | null };

const NOT_VALID = 'device.error.not_valid' satisfies MessageId;

/**
 * The user's side of RFC 8628 (§3.3): a signed-in user types the code their device shows, sees
 * which client asks for what, and confirms or denies. Every submitted code first counts against
 * the throttle (per account and per network), so a guess is refused before it is looked up. The
 * answer is one compare-and-set of the device code from pending to approved or denied (one answer
 * per code, atomically; its client finds out at its next poll), and then spends the user code.
 */
@Injectable()
export class DeviceVerificationService {
  private readonly logger = new Logger(DeviceVerificationService.name);

  constructor(
    private readonly store: ChallengeStore,
    private readonly clients: ClientRegistry,
    private readonly limiter: RateLimiter,
    private readonly consents: ConsentService,
    private readonly events: DomainEvents,
    private readonly tokens: TokenConfig,
  ) {}

  async submit(
    typed: string,
    action: DeviceAction,
    session: LoginSession,
    callerAddress: string,
  ): Promise<DeviceVerificationOutcome> {
    const code = normalizeUserCode(typed);
    // RFC 8628 §5.1: counted before the lookup, so a try past the budget is refused whatever it
    // is: the account's own budget, and its network's (all accounts behind one NAT or prefix).
    await this.limiter.hit(
      [
        { rule: USER_CODE_PER_ACCOUNT, key: session.sub },
        { rule: USER_CODE_PER_NETWORK, key: subscriberNetwork(callerAddress) },
      ],
      'closed',
    );
    const pending =
      code === null ? null : await this.store.peek<DeviceUserCodePayload>('device_user_code', code);
    const client = pending ? await this.clients.find(pending.payload.clientId) : null;
    if (code !== null && !pending && action !== 'lookup') {
      // Not live: the consume answers nothing, it tells a replayed answer from an unknown code.
      return this.refused(code);
    }
    if (code === null || !pending || !client) {
      this.events.emit(new ChallengeRejected('device_user_code', 'unknown_user_code'));
      return { kind: 'form', userCode: typed, error: NOT_VALID };
    }
    const { scope, resource } = pending.payload;
    const otherResource = resource === this.tokens.audience ? undefined : resource;
    if (action === 'lookup') {
      return {
        kind: 'confirm',
        client,
        userCode: formatUserCode(code),
        scopes: scope.split(' '),
        ...(otherResource === undefined ? {} : { resource: otherResource }),
      };
    }
    return this.answer(code, pending.payload, action, session, client);
  }

  /**
   * Why an answer was not taken: the code was answered already (a replay), or is not live. The
   * user code is spent on the way: a live one here belongs to a device code that is no longer
   * pending (an answer whose reply was lost before it spent the user code), so it was answered.
   */
  private async refused(code: string): Promise<DeviceVerificationOutcome> {
    const outcome = await this.store.consume<DeviceUserCodePayload>('device_user_code', code, {});
    const replayed = outcome.ok || outcome.reason === 'replayed';
    this.events.emit(
      new ChallengeRejected('device_user_code', replayed ? 'replay' : 'unknown_user_code'),
    );
    const error = replayed ? 'device.error.answered' : NOT_VALID;
    return { kind: 'form', userCode: formatUserCode(code), error };
  }

  private async answer(
    code: string,
    { deviceCodeHash, scope, resource }: DeviceUserCodePayload,
    decision: 'approve' | 'deny',
    session: LoginSession,
    client: OAuthClient,
  ): Promise<DeviceVerificationOutcome> {
    const changes: Partial<DeviceApproval> & { status: 'approved' | 'denied' } =
      decision === 'approve'
        ? {
            status: 'approved',
            sub: session.sub,
            authMethod: session.authMethod,
            ...(session.methodKey === undefined ? {} : { methodKey: session.methodKey }),
            ...(session.amr ? { amr: [...session.amr] } : {}),
            authTime: Math.floor(session.authTime.getTime() / 1000),
            // Not the session's acr: the answer to a phishable user code (RFC 8628 §5.4) is no
            // phishing-resistant sign-in, whatever this session achieved.
            sid: session.sid,
          }
        : { status: 'denied' };
    // The answer is this one write: once it holds, the device's next poll finds it, whatever
    // becomes of the rest of this request. A second answer (a replayed form, a concurrent one, the
    // retry of one whose reply was lost) finds the device code answered.
    const answered = await this.store.update<DeviceCodePayload>(
      'device_code',
      deviceCodeHash,
      { client_id: client.clientId },
      { status: 'pending' },
      changes,
    );
    if (!answered) return this.refused(code);
    // Spent after the answer, not before: spent first, an answer cut between the two writes (the
    // database gone mid-request) would leave a code the user is told was answered, and a device
    // that polls it pending until it expires. A concurrent answer may have spent it already.
    await this.store.consume<DeviceUserCodePayload>('device_user_code', code, {});
    if (decision === 'approve' && !client.firstParty) {
      // As the consent screen's Allow: the user allowed this client these scopes.
      const otherResources = resource === this.tokens.audience ? [] : [resource];
      await this.consents.allow(session.sub, client.clientId, scope, otherResources);
    }
    this.logger.log(
      `${session.sub} ${decision === 'approve' ? 'approved' : 'denied'} a device authorization of client ${client.clientId}`,
    );
    return { kind: 'done', decision, client };
  }
}
