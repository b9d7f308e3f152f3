import { StoredChallenge } from './challenge';

/** Told of every issue and every successful redemption, e.g. to keep the live figures. */
export abstract class ChallengeObserver {
  abstract issued(challenge: StoredChallenge): Promise<void>;
  abstract redeemed(challenge: StoredChallenge, at: Date): Promise<void>;
}
