import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Not `pg_session`: browsers scope cookies by host, not port, so Proofgate's cookies reach us too. */
export const SESSION_COOKIE = 'demo_client_sid';
const SESSION_TTL_MS = 60 * 60 * 1000;
/** An authorization request left unanswered this long is forgotten. */
export const PENDING_TTL_MS = 10 * 60 * 1000;

export type AuthorizationKind = 'authorize' | 'missing_state' | 'missing_pkce' | 'plain_method';

/**
 * What a resource's RFC 9470 `insufficient_user_authentication` challenge asks the next
 * authorization request for (OpenID Connect Core §3.1.2.1's parameters of the same names).
 */
export interface StepUpRequest {
  acr_values?: string;
  max_age?: string;
}

/** What the client remembers between sending the browser to /authorize and the callback. */
export interface PendingAuthorization {
  kind: AuthorizationKind;
  /** Set on a step-up request: its tokens' refusal is then shown, not followed again. */
  stepUp?: StepUpRequest;
  state?: string;
  codeVerifier?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  startedAt: number;
}

export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  expiresIn?: number;
  scope?: string;
  tokenType: string;
  receivedAt: number;
}

export interface Session {
  readonly id: string;
  readonly csrfToken: string;
  readonly createdAt: number;
  lastSeen: number;
  pending?: PendingAuthorization;
  tokens?: TokenSet;
  lastCode?: string;
}

export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A short, stable fingerprint of a secret: enough to correlate, useless to replay. */
export function redact(secret: string | undefined): string | undefined {
  if (secret === undefined) return undefined;
  return `sha256:${createHash('sha256').update(secret).digest('hex').slice(0, 8)}`;
}

export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Server-side sessions in memory, keyed by an HttpOnly SameSite=Lax cookie. */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly now: () => number = Date.now) {}

  find(req: IncomingMessage): Session | undefined {
    this.sweep();
    const id = readCookie(req, SESSION_COOKIE);
    const session = id === undefined ? undefined : this.sessions.get(id);
    if (session) session.lastSeen = this.now();
    return session;
  }

  findOrCreate(req: IncomingMessage, res: ServerResponse): Session {
    const existing = this.find(req);
    if (existing) return existing;
    const now = this.now();
    const session: Session = {
      id: randomToken(),
      csrfToken: randomToken(),
      createdAt: now,
      lastSeen: now,
    };
    this.sessions.set(session.id, session);
    res.appendHeader(
      'Set-Cookie',
      `${SESSION_COOKIE}=${session.id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_TTL_MS / 1000}`,
    );
    return session;
  }

  /** The pending authorization request, unless it is too old to be answered. */
  pendingOf(session: Session): PendingAuthorization | undefined {
    const pending = session.pending;
    if (pending && this.now() - pending.startedAt > PENDING_TTL_MS) {
      session.pending = undefined;
      return undefined;
    }
    return pending;
  }

  private sweep(): void {
    const cutoff = this.now() - SESSION_TTL_MS;
    for (const [id, session] of this.sessions) {
      if (session.lastSeen < cutoff) this.sessions.delete(id);
    }
  }
}

function readCookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
