/**
 * What the harness saw, per secret: how many 200s each authorization code and each SIWE nonce
 * earned, which successors each presented refresh token earned, and every answer the protocol
 * does not allow. Secrets are keys of these maps only; nothing here is ever printed with one.
 */
import type { Answer, Endpoint } from './client';

export interface RedemptionRecord {
  /** 200 answers (a login) for this secret, over every copy and retry. */
  ok: number;
  /** Answers of any kind. */
  answers: number;
}

export interface RefreshRecord {
  /** Distinct refresh tokens returned for this one presented token. */
  readonly successors: Set<string>;
  ok: number;
}

export interface Unexpected {
  readonly at: number;
  readonly endpoint: Endpoint;
  readonly instance: number;
  readonly status: number;
  readonly error?: string;
  readonly description?: string;
  /** What the harness expected instead, and why it was not that. */
  readonly note: string;
}

/** Summary of one secret kind: how many, and the most 200s any one of them earned. */
export interface RedemptionSummary {
  readonly secrets: number;
  readonly maxOk: number;
  /** Secrets with more than one 200 (must be 0). */
  readonly redeemedTwice: number;
  /** Secrets that never earned a 200 (their answer was lost, or a 503 hid their redemption). */
  readonly neverOk: number;
}

export interface RefreshSummary {
  readonly presented: number;
  readonly maxSuccessors: number;
  /** Presented tokens answered with two different successors (must be 0). */
  readonly forked: number;
  /** Presented tokens answered 200 more than once, all with the same successor (grace retries). */
  readonly answeredTwice: number;
}

const MAX_UNEXPECTED = 200;

export class Ledger {
  readonly codes = new Map<string, RedemptionRecord>();
  readonly nonces = new Map<string, RedemptionRecord>();
  readonly refreshTokens = new Map<string, RefreshRecord>();
  /** `kid` of every access token issued, with counts. */
  readonly kids = new Map<string, number>();
  readonly unexpected: Unexpected[] = [];
  unexpectedCount = 0;

  /** Scenario counts, for the report: what the traffic actually did. */
  readonly counts = {
    codes: 0,
    codeReplayGroups: 0,
    /** A code whose answer was lost or 503, then refused as used on retry: redeemed unseen. */
    codesRedeemedUnseen: 0,
    logins: 0,
    siweReplayGroups: 0,
    noncesRedeemedUnseen: 0,
    refreshes: 0,
    refreshDuplicates: 0,
    meCalls: 0,
    /** Code exchanges with a DPoP proof (RFC 9449): tokens bound to the client's key. */
    dpopExchanges: 0,
    /** Refreshes and /api/me calls of DPoP-bound families, each with a fresh proof. */
    dpopRefreshes: 0,
    dpopMeCalls: 0,
  };

  code(code: string): RedemptionRecord {
    return entry(this.codes, code);
  }

  nonce(nonce: string): RedemptionRecord {
    return entry(this.nonces, nonce);
  }

  refresh(presented: string): RefreshRecord {
    let record = this.refreshTokens.get(presented);
    if (!record) {
      record = { successors: new Set(), ok: 0 };
      this.refreshTokens.set(presented, record);
    }
    return record;
  }

  /** Records the signing key of an access token (its JOSE header's kid). */
  accessToken(token: unknown): void {
    const kid = typeof token === 'string' ? kidOf(token) : undefined;
    const key = kid ?? '(no kid)';
    this.kids.set(key, (this.kids.get(key) ?? 0) + 1);
  }

  surprise(endpoint: Endpoint, answer: Answer, note: string): void {
    this.unexpectedCount++;
    if (this.unexpected.length >= MAX_UNEXPECTED) return;
    const error = typeof answer.json?.error === 'string' ? answer.json.error : undefined;
    const description =
      typeof answer.json?.error_description === 'string'
        ? answer.json.error_description
        : undefined;
    this.unexpected.push({
      at: answer.answeredAt,
      endpoint,
      instance: answer.instance,
      status: answer.status,
      ...(error ? { error } : {}),
      ...(description ? { description } : {}),
      note,
    });
  }

  summarize(records: ReadonlyMap<string, RedemptionRecord>): RedemptionSummary {
    let maxOk = 0;
    let redeemedTwice = 0;
    let neverOk = 0;
    for (const record of records.values()) {
      maxOk = Math.max(maxOk, record.ok);
      if (record.ok > 1) redeemedTwice++;
      if (record.ok === 0) neverOk++;
    }
    return { secrets: records.size, maxOk, redeemedTwice, neverOk };
  }

  summarizeRefresh(): RefreshSummary {
    let maxSuccessors = 0;
    let forked = 0;
    let answeredTwice = 0;
    for (const record of this.refreshTokens.values()) {
      maxSuccessors = Math.max(maxSuccessors, record.successors.size);
      if (record.successors.size > 1) forked++;
      if (record.ok > 1 && record.successors.size === 1) answeredTwice++;
    }
    return { presented: this.refreshTokens.size, maxSuccessors, forked, answeredTwice };
  }
}

function entry(map: Map<string, RedemptionRecord>, key: string): RedemptionRecord {
  let record = map.get(key);
  if (!record) {
    record = { ok: 0, answers: 0 };
    map.set(key, record);
  }
  return record;
}

/** The `kid` of a compact JWS, read from its protected header (not verified: only compared). */
export function kidOf(jws: string): string | undefined {
  try {
    const header: unknown = JSON.parse(
      Buffer.from(jws.split('.')[0] ?? '', 'base64url').toString('utf8'),
    );
    const kid = (header as { kid?: unknown } | null)?.kid;
    return typeof kid === 'string' ? kid : undefined;
  } catch {
    return undefined;
  }
}
