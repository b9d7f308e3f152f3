import { AMR } from '../proofs/proof-vocabulary';
import type { LoginSession, SessionIdentity, SessionSignIn } from './session';

/** RFC 8176 §2: `mfa`, more than one factor; never a method's own value. */
const MFA = 'mfa';

/**
 * The sign-ins the browser's live session stands for: its `signIns`, or, for a session from
 * before they were kept, its own sign-in (its `amr` when that names one method only; a
 * combination's parts have no known times, so then only the method's default).
 */
function signInsOf(session: LoginSession): readonly SessionSignIn[] {
  if (session.signIns) return session.signIns;
  const amr = session.amr && !session.amr.includes(MFA) ? session.amr : AMR[session.authMethod];
  return [{ authMethod: session.authMethod, amr, at: session.authTime }];
}

/**
 * RFC 8176 `amr` of a sign-in at `at`, and the sign-ins it names (oldest first, this one last).
 * OpenID Connect Core §2: `amr` names the methods of the authentication `auth_time` dates,
 * which is this sign-in's. An earlier sign-in of the same account in the same browser (its live
 * session) counts beside it only when it was made with another method at most `windowSeconds`
 * (ACCOUNT_RECENT_LOGIN_SECONDS) before: two methods proven together make `mfa` (RFC 8176 §2);
 * a passkey proven yesterday beside a password typed now does not. A session proven on another
 * device (cross-device.ts) lends none of its sign-ins: a relayed QR code's session and a relayed
 * emailed code would otherwise make an `mfa` session that may change the account, where neither
 * alone may.
 */
export function amrOfSignIn(
  identity: SessionIdentity,
  at: Date,
  previous: LoginSession | null,
  windowSeconds: number,
): { amr: readonly string[]; signIns: readonly SessionSignIn[] } {
  const own: SessionSignIn = {
    authMethod: identity.authMethod,
    amr: identity.amr ?? AMR[identity.authMethod],
    at,
  };
  const earlier =
    previous === null || previous.sub !== identity.sub || previous.crossDevice === true
      ? []
      : signInsOf(previous).filter(
          (signIn) =>
            signIn.authMethod !== identity.authMethod &&
            at.getTime() - signIn.at.getTime() <= windowSeconds * 1000,
        );
  const signIns = [...earlier, own];
  if (signIns.length === 1) return { amr: own.amr, signIns };
  const values = signIns.flatMap((signIn) => signIn.amr.filter((value) => value !== MFA));
  return { amr: [...new Set([...values, MFA])], signIns };
}
